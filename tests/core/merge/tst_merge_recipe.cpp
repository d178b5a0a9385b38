// (No raw string literals here: moc cannot parse them.)
// Recipes: parameter settings (scalars, gradients, filters), MergeLab JSON, mergekit YAML, errors.
#include "common/error.h"
#include "merge/param_setting.h"
#include "merge/recipe.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

using namespace mergelab;
using nlohmann::json;

namespace {
template <typename Fn>
QString errorOf(Fn fn)
{
    try {
        fn();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
} // namespace

class TestMergeRecipe : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void evaluate_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("tensor");
        QTest::addColumn<double>("t");
        QTest::addColumn<double>("expected"); // NaN: no value
        QTest::newRow("scalar") << "0.3"
                                << "x" << 0.7 << 0.3;
        QTest::newRow("bool") << "true"
                              << "x" << 0.0 << 1.0;
        QTest::newRow("gradient start") << "[0, 1]"
                                        << "x" << 0.0 << 0.0;
        QTest::newRow("gradient middle") << "[0, 1]"
                                         << "x" << 0.5 << 0.5;
        QTest::newRow("gradient 3 points") << "[0, 0.5, 1]"
                                           << "x" << 0.25 << 0.25;
        QTest::newRow("gradient 5 points, t=0.6") << "[0, 0.3, 0.5, 0.7, 1]"
                                                  << "x" << 0.6 << 0.58;
        QTest::newRow("gradient end") << "[1, 0.5, 0]"
                                      << "x" << 1.0 << 0.0;
        const char* cond =
            "[{\"filter\":\"self_attn\",\"value\":[0,1]},{\"filter\":\"mlp\",\"value\":0.9},{\"value\":0.5}]";
        QTest::newRow("filter self_attn") << cond << "model.layers.3.self_attn.q_proj.weight" << 0.5 << 0.5;
        QTest::newRow("filter self_attn gradient") << cond << "model.layers.3.self_attn.q_proj.weight" << 1.0 << 1.0;
        QTest::newRow("filter mlp") << cond << "model.layers.3.mlp.up_proj.weight" << 0.5 << 0.9;
        QTest::newRow("filter default") << cond << "model.norm.weight" << 0.5 << 0.5;
        QTest::newRow("no match") << "[{\"filter\":\"mlp\",\"value\":1}]"
                                  << "lm_head.weight" << 0.0 << qQNaN();
        QTest::newRow("regex") << "[{\"filter\":\"re:layers\\\\.1\\\\.\",\"value\":2},{\"value\":0}]"
                               << "layers.1.w" << 0.0 << 2.0;
        QTest::newRow("regex no match 10") << "[{\"filter\":\"re:layers\\\\.1\\\\.\",\"value\":2},{\"value\":0}]"
                                           << "layers.10.w" << 0.0 << 0.0;
        QTest::newRow("single object") << "{\"filter\":\"mlp\",\"value\":0.2}"
                                       << "mlp.w" << 0.0 << 0.2;
    }

    void evaluate()
    {
        QFETCH(QString, setting);
        QFETCH(QString, tensor);
        QFETCH(double, t);
        QFETCH(double, expected);
        const ParamSetting s = ParamSetting::fromJson(json::parse(setting.toStdString()), "p");
        const auto v = s.evaluate(tensor.toStdString(), t);
        if (qIsNaN(expected)) {
            QVERIFY(!v.has_value());
        } else {
            QVERIFY(v.has_value());
            QVERIFY2(std::abs(*v - expected) < 1e-12, std::to_string(*v).c_str());
        }
        // Round trip through JSON keeps the meaning.
        const ParamSetting again = ParamSetting::fromJson(s.toJson(), "p");
        QCOMPARE(again.toJson().dump(), s.toJson().dump());
    }

    void jsonAndYamlGiveTheSameRecipe()
    {
        const std::string yaml = "\n"
                                 "merge_method: ties\n"
                                 "base_model: ./base\n"
                                 "models:\n"
                                 "  - model: ./base\n"
                                 "  - model: ./a\n"
                                 "    parameters:\n"
                                 "      weight: 0.5\n"
                                 "      density: [0.2, 0.8]\n"
                                 "  - model: ./b\n"
                                 "    parameters:\n"
                                 "      weight: 0.5\n"
                                 "      density:\n"
                                 "        - filter: mlp\n"
                                 "          value: 0.3\n"
                                 "        - value: 0.6\n"
                                 "parameters:\n"
                                 "  normalize: true\n"
                                 "  lambda: 1.0\n"
                                 "dtype: bfloat16\n"
                                 "";
        const json j =
            json::parse("{\n"
                        "  \"method\": \"ties\", \"base\": \"./base\",\n"
                        "  \"models\": [\n"
                        "    {\"path\": \"./a\", \"parameters\": {\"weight\": 0.5, \"density\": [0.2, 0.8]}},\n"
                        "    {\"path\": \"./b\", \"parameters\": {\"weight\": 0.5, \"density\": [{\"filter\": \"mlp\", "
                        "\"value\": 0.3}, {\"value\": 0.6}]}}\n"
                        "  ],\n"
                        "  \"parameters\": {\"normalize\": true, \"lambda\": 1},\n"
                        "  \"out_dtype\": \"bf16\"\n"
                        "}");
        const Recipe fromYaml = recipeFromMergekitYaml(yaml, "/data/recipes");
        const Recipe fromJson = recipeFromJson(j, "/data/recipes");
        QCOMPARE(fromYaml.models.size(), std::size_t(2)); // the base is not a fine-tuned model
        QCOMPARE(QString::fromStdString(fromYaml.base), QString("/data/recipes/base"));
        QCOMPARE(recipeToJsonText(fromYaml), recipeToJsonText(fromJson));
        // And the canonical text parses back to itself.
        QCOMPARE(recipeToJsonText(recipeFromJson(recipeToJson(fromJson), {})), recipeToJsonText(fromJson));
    }

    void linearKeepsTheBaseAsAModel()
    {
        const Recipe r = recipeFromMergekitYaml(
            "merge_method: linear\nbase_model: a\nmodels:\n  - model: a\n    parameters: {weight: 1}\n"
            "  - model: b\n    parameters: {weight: 2}\n",
            "/x");
        QCOMPARE(r.models.size(), std::size_t(2));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("yaml slices") << "yaml"
                                     << "merge_method: slerp\nslices: []\n"
                                     << "unsupported mergekit key 'slices'";
        QTest::newRow("yaml tokenizer_source") << "yaml"
                                               << "merge_method: ties\ntokenizer_source: base\n"
                                               << "'tokenizer_source'";
        QTest::newRow("yaml model key") << "yaml"
                                        << "merge_method: ties\nmodels:\n  - model: a\n    layer_range: [0, 4]\n"
                                        << "'models[].layer_range'";
        QTest::newRow("yaml no method") << "yaml"
                                        << "models: []\n"
                                        << "'merge_method' is missing";
        QTest::newRow("yaml dtype") << "yaml"
                                    << "merge_method: ties\ndtype: float7\n"
                                    << "unknown dtype 'float7'";
        QTest::newRow("yaml bad syntax") << "yaml"
                                         << "merge_method: [ties\n"
                                         << "invalid YAML";
        QTest::newRow("json unknown key") << "json"
                                          << "{\"method\":\"ties\",\"colour\":1}"
                                          << "'colour'";
        QTest::newRow("json bad parameter") << "json"
                                            << "{\"method\":\"ties\",\"parameters\":{\"density\":\"x\"}}"
                                            << "parameter 'density'";
        QTest::newRow("json bad regex")
            << "json"
            << "{\"method\":\"ties\",\"parameters\":{\"density\":[{\"filter\":\"re:(\",\"value\":1}]}}"
            << "invalid regular expression";
        QTest::newRow("unknown method") << "validate"
                                        << "{\"method\":\"tiez\",\"base\":\"b\"}"
                                        << "unknown merge method 'tiez'";
        QTest::newRow("unknown parameter") << "validate"
                                           << "{\"method\":\"ties\",\"base\":\"b\",\"parameters\":{\"densty\":0.5}}"
                                           << "unknown parameter 'densty'";
        QTest::newRow("global param per model")
            << "validate"
            << "{\"method\":\"ties\",\"base\":\"b\",\"models\":[{\"path\":\"m\",\"parameters\":{\"lambda\":2}}]}"
            << "'lambda' is global";
        QTest::newRow("no base") << "validate"
                                 << "{\"method\":\"ties\",\"models\":[\"a\",\"b\"]}"
                                 << "needs a base";
        QTest::newRow("slerp 3 models") << "validate"
                                        << "{\"method\":\"slerp\",\"base\":\"b\",\"models\":[\"a\",\"c\"]}"
                                        << "exactly two models";
        QTest::newRow("model_stock 2 models") << "validate"
                                              << "{\"method\":\"model_stock\",\"base\":\"b\",\"models\":[\"a\"]}"
                                              << "at least three";
    }

    void errors()
    {
        QFETCH(QString, format);
        QFETCH(QString, text);
        QFETCH(QString, message);
        const std::string t = text.toStdString();
        QString got;
        if (format == "yaml")
            got = errorOf([&] { recipeFromMergekitYaml(t, "/x"); });
        else if (format == "json")
            got = errorOf([&] { recipeFromJson(json::parse(t), "/x"); });
        else
            got = errorOf([&] { validateRecipe(recipeFromJson(json::parse(t), "/x")); });
        QVERIFY2(got.contains(message), qPrintable("got: " + got));
    }

    void loadRecipeNamesTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("r.yaml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("merge_method: ties\nslices: []\n");
        f.close();
        const QString got = errorOf([&] { loadRecipe(path.toStdString()); });
        QVERIFY2(got.startsWith(path + ": ") && got.contains("slices"), qPrintable(got));
        QVERIFY(errorOf([&] { loadRecipe(dir.filePath("none.json").toStdString()); }).contains("cannot open"));
    }
};

QTEST_GUILESS_MAIN(TestMergeRecipe)
#include "tst_merge_recipe.moc"
