// Issue 15's pin: the tensors the live tuner merges from a recipe are, bit for bit (float32), the
// tensors of the file MergeJob exports from the same recipe: gradients across layer depth, filtered
// overrides, a DARE seed, per-tensor lambdas, and new lambdas served from the tuner's kept deltas.
#include "eval_fixture.h"

#include "common/error.h"
#include "eval/evaluator.h"
#include "eval/merge_tuner.h"
#include "jobs/job.h"
#include "merge/merge_job.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace mergelab;

namespace {

// The recipe of `method` over the project's files, written as float32.
Recipe projectRecipe(const ModelSet& set, const std::string& method)
{
    Recipe r;
    r.method = method;
    r.base = set.base.path;
    for (const ModelEntry& m : set.models)
        r.models.push_back(RecipeModel{m.path, {}});
    r.outDtype = DType::F32;
    return r;
}

// What the export path writes for `recipe`, read back from the file.
std::map<std::string, at::Tensor> exported(const Recipe& recipe, const std::string& path)
{
    MergeJob job(recipe, path);
    NullProgress quiet;
    CancelToken cancel;
    job.run(quiet, cancel);
    return readCheckpointTensors(job.writtenPath());
}

// Names of the tensors that differ (empty: identical name sets and bits).
QStringList differing(const std::map<std::string, at::Tensor>& a, const std::map<std::string, at::Tensor>& b)
{
    QStringList out;
    if (a.size() != b.size())
        out << QStringLiteral("%1 vs %2 tensors").arg(a.size()).arg(b.size());
    for (const auto& [name, t] : a) {
        auto it = b.find(name);
        if (it == b.end() || t.scalar_type() != it->second.scalar_type() || !at::equal(t, it->second))
            out << QString::fromStdString(name);
    }
    return out;
}

} // namespace

// Changes a project recipe into one test row's recipe.
using RecipeEdit = std::function<void(Recipe&)>;
Q_DECLARE_METATYPE(RecipeEdit)

class TestLiveMergeEqualsExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tunerEqualsExport_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<RecipeEdit>("edit");
        QTest::newRow("ties: density and weight gradients, filtered overrides") << "ties" << RecipeEdit([](Recipe& r) {
            r.params["density"] = ParamSetting::gradient({0.2, 0.9});
            r.models[0].params["weight"] = ParamSetting::gradient({1.0, 0.3});
            r.models[1].params["weight"] = 0.8;
            r.overrides.push_back(ParamOverride{"mlp", {{"density", 0.5}}});
            r.overrides.push_back(ParamOverride{"re:layers\\.1\\.self_attn", {{"lambda", 1.3}}});
        });
        QTest::newRow("dare_ties: seed 1234, per-model weights") << "dare_ties" << RecipeEdit([](Recipe& r) {
            r.seed = 1234;
            r.params["density"] = 0.4;
            r.models[0].params["weight"] = 0.6;
        });
        QTest::newRow("task_arithmetic: weights, normalize") << "task_arithmetic" << RecipeEdit([](Recipe& r) {
            r.params["normalize"] = 1.0;
            r.models[0].params["weight"] = 0.25;
            r.models[1].params["weight"] = 0.9;
        });
        QTest::newRow("breadcrumbs: gamma gradient") << "breadcrumbs" << RecipeEdit([](Recipe& r) {
            r.params["density"] = 0.7;
            r.params["gamma"] = ParamSetting::gradient({0.0, 0.1});
        });
        QTest::newRow("linear (no kept delta): weight gradient") << "linear" << RecipeEdit([](Recipe& r) {
            r.models[1].params["weight"] = ParamSetting::gradient({0.2, 2.0});
        });
    }
    void tunerEqualsExport()
    {
        QFETCH(QString, method);
        QFETCH(RecipeEdit, edit);
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        MergeTuner tuner(set, 8, "val");
        CancelToken cancel;
        Recipe recipe = projectRecipe(set, method.toStdString());
        edit(recipe);
        // A first lambda, then new ones (the tuner reuses its kept deltas), then the first again.
        const bool hasLambda = method != QLatin1String("linear");
        int run = 0;
        for (double lambda : {0.7, 0.35, 1.0, 0.7}) {
            if (hasLambda)
                recipe.params["lambda"] = lambda;
            const auto live = tuner.merge(recipe, cancel);
            const auto file =
                exported(recipe, dir.filePath(QStringLiteral("out%1.safetensors").arg(run++)).toStdString());
            QVERIFY(!file.empty());
            const QStringList diff = differing(live, file);
            QVERIFY2(diff.isEmpty(),
                     qPrintable(QStringLiteral("lambda %1: %2").arg(lambda).arg(diff.join(QStringLiteral(", ")))));
            for (const auto& [name, t] : live)
                QVERIFY2(t.scalar_type() == at::kFloat, name.c_str());
        }
    }

    // The rows above are not vacuous on this project: depth changes the gradient recipe's tensors
    // (the Tune page used to resolve at depth 0) and the seed changes DARE's masks (it used seed 0).
    void depthAndSeedMatterHere()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        Recipe gradient = projectRecipe(set, "ties");
        gradient.params["density"] = ParamSetting::gradient({0.2, 0.9});
        Recipe atDepth0 = projectRecipe(set, "ties");
        atDepth0.params["density"] = 0.2;
        const auto g = exported(gradient, dir.filePath(QStringLiteral("g.safetensors")).toStdString());
        const auto d = exported(atDepth0, dir.filePath(QStringLiteral("d.safetensors")).toStdString());
        QVERIFY(differing(g, d).size() > 3);
        Recipe dare = projectRecipe(set, "dare_ties");
        dare.params["density"] = 0.4;
        dare.seed = 1234;
        const auto seeded = exported(dare, dir.filePath(QStringLiteral("s.safetensors")).toStdString());
        dare.seed = 0;
        const auto unseeded = exported(dare, dir.filePath(QStringLiteral("z.safetensors")).toStdString());
        QVERIFY(differing(seeded, unseeded).size() > 3);
    }

    // A recipe naming other files than the tuner holds is refused, not merged from the wrong inputs.
    void foreignInputsAreRefused()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        MergeTuner tuner(set, 8, "val");
        CancelToken cancel;
        Recipe swapped = projectRecipe(set, "task_arithmetic");
        std::swap(swapped.models[0].path, swapped.models[1].path);
        QVERIFY_THROWS_EXCEPTION(InputError, tuner.merge(swapped, cancel));
        Recipe one = projectRecipe(set, "task_arithmetic");
        one.models.pop_back();
        QVERIFY_THROWS_EXCEPTION(InputError, tuner.merge(one, cancel));
    }
};

QTEST_GUILESS_MAIN(TestLiveMergeEqualsExport)
#include "tst_live_merge_equals_export.moc"
