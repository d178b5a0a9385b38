// The learned merges' spec: defaults equal the papers' / docs' numbers (written out here, not read
// from the code), every check as a table row, a recipe's `data` section and parameters turned into
// the spec, and the spec turned into the methods' options.
#include "common/error.h"
#include "datamerge/data_merge_job.h"
#include "datamerge/recipe_data.h"
#include "merge/recipe.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace mergelab;

class TestDataMergeSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // docs/learned-merges.md and the papers: Fisher / RegMean on 256 inputs per task, RegMean
    // alpha 0.9, AdaMerging 100 steps at lr 1e-3, WEMoE 1000 steps at lr 1e-4, batch 16, λ 0.3.
    void defaults_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("param");
        QTest::addColumn<double>("value");
        QTest::newRow("fisher samples") << "fisher"
                                        << "samples" << 256.0;
        QTest::newRow("fisher epsilon") << "fisher"
                                        << "epsilon" << 1e-8;
        QTest::newRow("fisher label: sampled") << "fisher"
                                               << "fisher_argmax" << 0.0;
        QTest::newRow("fisher seed") << "fisher"
                                     << "seed" << 0.0;
        QTest::newRow("regmean samples") << "regmean"
                                         << "samples" << 256.0;
        QTest::newRow("regmean alpha") << "regmean"
                                       << "alpha" << 0.9;
        QTest::newRow("adamerging samples: all") << "adamerging"
                                                 << "samples" << 0.0;
        QTest::newRow("adamerging steps") << "adamerging"
                                          << "steps" << 100.0;
        QTest::newRow("adamerging lr") << "adamerging"
                                       << "lr" << 1e-3;
        QTest::newRow("adamerging batch") << "adamerging"
                                          << "batch" << 16.0;
        QTest::newRow("adamerging lambda") << "adamerging"
                                           << "lambda" << 0.3;
        QTest::newRow("layer-wise steps") << "adamerging-layerwise"
                                          << "steps" << 100.0;
        QTest::newRow("wemoe steps") << "wemoe"
                                     << "steps" << 1000.0;
        QTest::newRow("wemoe lr") << "wemoe"
                                  << "lr" << 1e-4;
        QTest::newRow("wemoe batch") << "wemoe"
                                     << "batch" << 16.0;
        QTest::newRow("wemoe lambda") << "wemoe"
                                      << "lambda" << 0.3;
        QTest::newRow("wemoe router width: hidden") << "wemoe"
                                                    << "router_hidden" << 0.0;
    }
    void defaults()
    {
        QFETCH(QString, method);
        QFETCH(QString, param);
        QFETCH(double, value);
        const DataMergeSpec spec = dataMergeSpecFor(method.toStdString());
        QCOMPARE(spec.value(param.toStdString()), value);
        const auto def = findDataMergeParam(spec.method, param.toStdString());
        QVERIFY(def);
        QCOMPARE(def->defaultValue, value);
    }

    void methodsUseTheirParameters()
    {
        QVERIFY(!findDataMergeParam(DataMergeMethod::Fisher, "steps"));
        QVERIFY(!findDataMergeParam(DataMergeMethod::RegMean, "lambda"));
        QVERIFY(!findDataMergeParam(DataMergeMethod::AdaMergingTaskWise, "alpha"));
        QVERIFY(!findDataMergeParam(DataMergeMethod::WeMoe, "epsilon"));
        QCOMPARE(defaultDataSplit(DataMergeMethod::Fisher), std::string("train"));
        QCOMPARE(defaultDataSplit(DataMergeMethod::WeMoe), std::string("test"));
        QCOMPARE(dataMergeSpecFor("regmean").samplesPerTask(), int64_t(256));
        QCOMPARE(dataMergeSpecFor("adamerging").samplesPerTask(), int64_t(-1));
        // --help lists each method's default once.
        const std::string steps = dataMergeParamHelp("steps");
        QVERIFY2(steps.find("100 adamerging") != std::string::npos && steps.find("1000 wemoe") != std::string::npos,
                 steps.c_str());
        QVERIFY2(dataMergeParamHelp("alpha").find("default: 0.9") != std::string::npos,
                 dataMergeParamHelp("alpha").c_str());
    }

    void validate_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("param");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("message"); // "" = accepted
        QTest::newRow("alpha in range") << "regmean"
                                        << "alpha" << 0.5 << "";
        QTest::newRow("alpha above 1") << "regmean"
                                       << "alpha" << 1.5 << "regmean: alpha must be in [0, 1], got 1.5";
        QTest::newRow("alpha below 0") << "regmean"
                                       << "alpha" << -0.1 << "alpha must be in [0, 1]";
        QTest::newRow("lr zero") << "adamerging"
                                 << "lr" << 0.0 << "adamerging: lr must be in (0, 10]";
        QTest::newRow("lr positive") << "wemoe"
                                     << "lr" << 0.05 << "";
        QTest::newRow("fractional steps") << "wemoe"
                                          << "steps" << 2.5 << "wemoe: steps must be a whole number";
        QTest::newRow("zero steps") << "adamerging"
                                    << "steps" << 0.0 << "";
        QTest::newRow("negative steps") << "adamerging"
                                        << "steps" << -1.0 << "steps must be in [0, ";
        QTest::newRow("batch zero") << "adamerging"
                                    << "batch" << 0.0 << "batch must be in [1, ";
        QTest::newRow("fisher samples zero") << "fisher"
                                             << "samples" << 0.0 << "fisher: samples must be in [1, ";
        QTest::newRow("adamerging samples zero: all") << "adamerging"
                                                      << "samples" << 0.0 << "";
        QTest::newRow("argmax half") << "fisher"
                                     << "fisher_argmax" << 0.5 << "fisher_argmax must be 0 or 1";
        QTest::newRow("negative seed") << "fisher"
                                       << "seed" << -1.0 << "seed must be in [0, ";
        QTest::newRow("unknown") << "regmean"
                                 << "density" << 0.2 << "regmean: unknown parameter 'density'";
        QTest::newRow("another method's knob is ignored") << "fisher"
                                                          << "alpha" << 5.0 << "";
        QTest::newRow("router width fraction") << "wemoe"
                                               << "router_hidden" << 3.5 << "router_hidden must be a whole number";
    }
    void validate()
    {
        QFETCH(QString, method);
        QFETCH(QString, param);
        QFETCH(double, value);
        QFETCH(QString, message);
        DataMergeSpec spec = dataMergeSpecFor(method.toStdString());
        spec.values[param.toStdString()] = value;
        try {
            spec.validate();
            QVERIFY2(message.isEmpty(), "accepted");
        } catch (const InputError& e) {
            QVERIFY2(!message.isEmpty() && std::string(e.what()).find(message.toStdString()) != std::string::npos,
                     e.what());
        }
    }

    void unknownMethodIsNamed()
    {
        try {
            dataMergeSpecFor("ties");
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("unknown method \"ties\"") != std::string::npos, e.what());
        }
    }

    // A recipe's parameters and `data` knobs land in the spec; what it leaves out is the default.
    void fromRecipe()
    {
        const Recipe r = recipeFromJson(nlohmann::json::parse(R"({"method": "wemoe", "seed": 4,
            "parameters": {"lambda": 0.4, "router_hidden": 8},
            "data": {"project": "p.mergelab.json", "steps": 5, "batch": 4, "split": "val"}})"),
                                        "");
        const DataMergeSpec spec = dataMergeSpec(r, "out");
        QCOMPARE(spec.method, DataMergeMethod::WeMoe);
        QCOMPARE(spec.output, std::string("out"));
        QCOMPARE(spec.resolvedSplit(), std::string("val"));
        QCOMPARE(spec.value("lambda"), 0.4);
        QCOMPARE(spec.value("router_hidden"), 8.0);
        QCOMPARE(spec.value("steps"), 5.0);
        QCOMPARE(spec.value("batch"), 4.0);
        QCOMPARE(spec.value("seed"), 4.0); // the recipe's seed when data.seed is not given
        QCOMPARE(spec.value("lr"), 1e-4);  // not given: WEMoE's default
        QCOMPARE(spec.samplesPerTask(), int64_t(-1));

        const Recipe bad = recipeFromJson(nlohmann::json::parse(R"({"method": "regmean",
            "parameters": {"alpha": 2}, "data": {"project": "p.mergelab.json"}})"),
                                          "");
        try {
            dataMergeSpec(bad, "");
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("alpha must be in [0, 1]") != std::string::npos, e.what());
        }
    }

    // The spec resolved into the methods' own options.
    void toRequest()
    {
        DataMergeSpec wemoe = dataMergeSpecFor("wemoe");
        wemoe.values["lambda"] = 0.5;
        wemoe.workers = 2;
        const DataMergeRequest w = dataMergeRequest(wemoe);
        QCOMPARE(w.wemoe.train.steps, int64_t(1000));
        QCOMPARE(w.wemoe.train.learningRate, 1e-4);
        QCOMPARE(w.wemoe.train.workers, 2);
        QCOMPARE(w.wemoe.model.initLambda, 0.5);

        DataMergeSpec fisher = dataMergeSpecFor("fisher");
        fisher.values["fisher_argmax"] = 1;
        fisher.values["samples"] = 8;
        fisher.values["seed"] = 3;
        const DataMergeRequest f = dataMergeRequest(fisher);
        QCOMPARE(f.fisher.label, std::string("argmax"));
        QCOMPARE(f.fisher.samplesPerTask, int64_t(8));
        QCOMPARE(f.fisher.seed, uint64_t(3));
        QCOMPARE(f.fisher.epsilon, 1e-8);

        DataMergeSpec ada = dataMergeSpecFor("adamerging-layerwise");
        ada.values["steps"] = 7;
        ada.validateEvery = 3;
        const DataMergeRequest a = dataMergeRequest(ada);
        QCOMPARE(a.method, DataMergeMethod::AdaMergingLayerWise);
        QCOMPARE(a.ada.train.steps, int64_t(7));
        QCOMPARE(a.ada.train.validateEvery, int64_t(3));
        QCOMPARE(a.ada.initLambda, 0.3);

        DataMergeSpec wrong = dataMergeSpecFor("regmean");
        wrong.values["alpha"] = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, dataMergeRequest(wrong));
    }
};

QTEST_GUILESS_MAIN(TestDataMergeSpec)
#include "tst_data_merge_spec.moc"
