// ctest-labels: slow
// mergelab-cli merge, run as a process: flag form equals the recipe, --dry-run, --help, errors and
// exit statuses, nothing left behind on failure.
#include "cli_run.h"

#include "tiny_project.h" // a tiny clip_vit project with heads and HDF5 datasets

#include "models/functional_vit.h"
#include "eval/evaluator.h"

#include <QtTest/QtTest>

namespace {

const QString kDir = QStringLiteral(MERGELAB_FIXTURES_DIR "/merge/");

using Run = CliRun;

Run cli(const QStringList& args)
{
    return runCli(args);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList tiesFlags()
{
    return {"merge",     "-q",
            "--method",  "ties",
            "--base",    kDir + "base.safetensors",
            "--model",   kDir + "m1.safetensors",
            "--model",   kDir + "m2.safetensors",
            "--weight",  "0.5",
            "--density", "0.3"};
}

// Writes `json` to dir/name and returns the path.
QString writeText(const QTemporaryDir& dir, const QString& name, const QByteArray& json)
{
    QFile f(dir.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(json);
    return dir.filePath(name);
}

} // namespace

class TstCliMerge : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void flagFormEqualsRecipe()
    {
        QTemporaryDir dir;
        const Run a = cli(tiesFlags() << "-o" << dir.filePath("a.safetensors"));
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        QVERIFY(a.out.contains("wrote"));
        QFile recipe(dir.filePath("r.yaml"));
        QVERIFY(recipe.open(QIODevice::WriteOnly));
        recipe.write(("merge_method: ties\nbase_model: " + kDir + "base.safetensors\nmodels:\n  - model: " + kDir +
                      "m1.safetensors\n  - model: " + kDir +
                      "m2.safetensors\nparameters:\n  weight: 0.5\n"
                      "  density: 0.3\n")
                         .toUtf8());
        recipe.close();
        const Run b = cli({"merge", "-q", dir.filePath("r.yaml"), "-o", dir.filePath("b.safetensors")});
        QVERIFY2(b.exitCode == 0, qPrintable(b.err));
        QCOMPARE(readAll(dir.filePath("a.safetensors")), readAll(dir.filePath("b.safetensors")));
    }

    void dryRunPrintsThePlan()
    {
        const Run r = cli(tiesFlags() << "--dry-run");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("tensors: 9"));
        QVERIFY(r.out.contains("output size:"));
        QVERIFY(r.out.contains("estimated peak memory:"));
    }

    void helpListsMethodsAndParameters()
    {
        const Run r = cli({"merge", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* s : {"ties", "dare_ties", "breadcrumbs_ties", "slerp", "model_stock", "passthrough", "density",
                              "gamma", "--max-memory", "--allow-missing", "--strict", "--dry-run"})
            QVERIFY2(r.out.contains(s), s);
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown method") << QStringList{"merge",
                                                       "--method",
                                                       "tiez",
                                                       "--base",
                                                       kDir + "base.safetensors",
                                                       "--model",
                                                       kDir + "m1.safetensors",
                                                       "-o",
                                                       "/tmp/x"}
                                        << 1 << "unknown merge method 'tiez'";
        QTest::newRow("density out of range") << (tiesFlags() << "--density"
                                                              << "1.5"
                                                              << "-o"
                                                              << "/tmp/x")
                                              << 1 << "density";
        QTest::newRow("slerp with two fine-tunes") << QStringList{"merge",
                                                                  "--method",
                                                                  "slerp",
                                                                  "--base",
                                                                  kDir + "base.safetensors",
                                                                  "--model",
                                                                  kDir + "m1.safetensors",
                                                                  "--model",
                                                                  kDir + "m2.safetensors",
                                                                  "-o",
                                                                  "/tmp/x"}
                                                   << 1 << "exactly two models";
        QTest::newRow("output over input")
            << (tiesFlags() << "-o" << kDir + "m1.safetensors") << 1 << "would overwrite the input";
        QTest::newRow("missing input") << QStringList{"merge",
                                                      "--method",
                                                      "ties",
                                                      "--base",
                                                      kDir + "nope.safetensors",
                                                      "--model",
                                                      kDir + "m1.safetensors",
                                                      "-o",
                                                      "/tmp/x"}
                                       << 1 << "nope.safetensors: no such file";
        QTest::newRow("weights count") << (tiesFlags() << "--weight"
                                                       << "1"
                                                       << "--weight"
                                                       << "2"
                                                       << "--weight"
                                                       << "3"
                                                       << "-o"
                                                       << "/tmp/x")
                                       << 1 << "--weight takes one value, or one per model";
        QTest::newRow("no output") << tiesFlags() << 1 << "-o OUT is required";
        QTest::newRow("bad size") << (tiesFlags() << "--max-memory"
                                                  << "lots")
                                  << 2 << "cannot read size";
    }

    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        if (exitCode == 1)
            QVERIFY2(r.err.contains("error: "), qPrintable(r.err));
        QVERIFY(!QFile::exists("/tmp/x"));
    }

    // Recipes with a `data` section (merges that learn from data): AdaMerging with 0 steps is task
    // arithmetic at its initial λ, checked against the streaming merge engine's task_arithmetic.
    void dataRecipeZeroStepsIsTaskArithmetic()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        tinyproject::writeProject(d);
        const QString recipe = writeText(dir, "ada.json", R"({"method": "adamerging", "parameters": {"lambda": 0.3},
            "data": {"project": "tiny.mergelab.json", "steps": 0}})");
        const Run a = cli({"merge", "-q", recipe, "-o", dir.filePath("ada.safetensors")});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        const Run t = cli({"merge", "-q", "--method", "task_arithmetic", "--lambda", "0.3", "--base",
                           dir.filePath("base.safetensors"), "--model", dir.filePath("a.safetensors"), "--model",
                           dir.filePath("b.safetensors"), "-o", dir.filePath("ta.safetensors")});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        const auto ada = mergelab::readCheckpointTensors(d + "/ada.safetensors");
        const auto ta = mergelab::readCheckpointTensors(d + "/ta.safetensors");
        QCOMPARE(ada.size(), ta.size());
        for (const auto& [name, tensor] : ta)
            QVERIFY2(at::allclose(ada.at(name), tensor, 1e-5, 1e-6), name.c_str());
    }

    // The same learned merge from a recipe and from learn-merge flags gives the same bytes; the
    // project form equals the config + HDF5 tasks form; training moves it away from its start.
    void dataRecipeEqualsLearnMerge_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QString>("knobs");
        QTest::addColumn<QStringList>("flags");
        QTest::newRow("adamerging") << "adamerging"
                                    << R"({"lambda": 0.3})"
                                    << R"("steps": 3, "lr": 0.05, "batch": 8, "seed": 2)"
                                    << QStringList{"--steps", "3", "--lr", "0.05", "--batch", "8", "--seed", "2"};
        QTest::newRow("regmean") << "regmean"
                                 << R"({"alpha": 0.5})"
                                 << R"("samples": 32)" << QStringList{"--samples", "32", "--alpha", "0.5"};
        QTest::newRow("fisher") << "fisher"
                                << "{}"
                                << R"("samples": 8, "seed": 1)" << QStringList{"--samples", "8", "--seed", "1"};
    }
    void dataRecipeEqualsLearnMerge()
    {
        QFETCH(QString, method);
        QFETCH(QString, params);
        QFETCH(QString, knobs);
        QFETCH(QStringList, flags);
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        tinyproject::writeProject(d);
        const QString withProject = writeText(dir, "p.json",
                                              QStringLiteral(R"({"method": "%1", "parameters": %2,
            "data": {"project": "tiny.mergelab.json", %3}})")
                                                  .arg(method, params, knobs)
                                                  .toUtf8());
        const QString withTasks = writeText(dir, "t.json",
                                            QStringLiteral(R"({"method": "%1", "parameters": %2,
            "base": "base.safetensors", "models": ["a.safetensors", "b.safetensors"],
            "data": {"config": "config.json", %3, "tasks": [
              {"name": "a", "dataset": "a.h5", "head": "heads.safetensors", "head_tensor": "a.weight", "normalize": true},
              {"name": "b", "dataset": "b.h5", "head": "heads.safetensors", "head_tensor": "b.weight", "normalize": true}]}})")
                                                .arg(method, params, knobs)
                                                .toUtf8());
        const Run p = cli({"merge", "-q", withProject, "-o", dir.filePath("p.safetensors")});
        QVERIFY2(p.exitCode == 0, qPrintable(p.err));
        QVERIFY(p.out.contains("wrote"));
        const Run t = cli({"merge", "-q", withTasks, "-o", dir.filePath("t.safetensors")});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        const Run l = cli(QStringList{"learn-merge", "-q", "--project", dir.filePath("tiny.mergelab.json"), "-m",
                                      method, "-o", dir.filePath("l.safetensors")}
                          << flags);
        QVERIFY2(l.exitCode == 0, qPrintable(l.err));
        QCOMPARE(readAll(dir.filePath("p.safetensors")), readAll(dir.filePath("l.safetensors")));
        QCOMPARE(readAll(dir.filePath("t.safetensors")), readAll(dir.filePath("l.safetensors")));
        // Not a no-op: the result differs from task arithmetic at λ = 0.3.
        const auto merged = mergelab::readCheckpointTensors(d + "/p.safetensors");
        const auto base = mergelab::readCheckpointTensors(d + "/base.safetensors");
        const auto a = mergelab::readCheckpointTensors(d + "/a.safetensors");
        const auto b = mergelab::readCheckpointTensors(d + "/b.safetensors");
        const std::string name = "vision_model.encoder.layers.0.mlp.fc1.weight";
        const at::Tensor ta = base.at(name) + 0.3 * (a.at(name) - base.at(name)) + 0.3 * (b.at(name) - base.at(name));
        QVERIFY(!at::allclose(merged.at(name), ta, 1e-5, 1e-6));
    }

    void dataRecipeErrors_data()
    {
        QTest::addColumn<QString>("recipe");
        QTest::addColumn<QString>("message");
        QTest::newRow("no data") << R"({"method": "wemoe", "base": "base.safetensors", "models": ["a.safetensors"]})"
                                 << "needs a 'data' section";
        QTest::newRow("unknown data key")
            << R"({"method": "wemoe", "data": {"project": "tiny.mergelab.json", "stepz": 3}})"
            << "unsupported recipe key 'data.stepz'";
        QTest::newRow("bad lr") << R"({"method": "adamerging", "data": {"project": "tiny.mergelab.json", "lr": -1}})"
                                << "'data.lr' must be positive";
        QTest::newRow("unknown parameter") << R"({"method": "regmean", "parameters": {"density": 0.2},
            "data": {"project": "tiny.mergelab.json"}})"
                                           << "unknown parameter 'density'";
        QTest::newRow("tasks without models") << R"({"method": "fisher", "base": "base.safetensors",
            "data": {"config": "config.json", "tasks": [{"dataset": "a.h5", "head": "heads.safetensors", "head_tensor": "a.weight"}]}})"
                                              << "one task per model";
        QTest::newRow("missing dataset")
            << R"({"method": "regmean", "base": "base.safetensors", "models": ["a.safetensors"],
            "data": {"config": "config.json", "tasks": [{"dataset": "nope.h5", "head": "heads.safetensors", "head_tensor": "a.weight"}]}})"
            << "nope.h5";
    }
    void dataRecipeErrors()
    {
        QFETCH(QString, recipe);
        QFETCH(QString, message);
        QTemporaryDir dir;
        tinyproject::writeProject(dir.path().toStdString());
        const Run r =
            cli({"merge", "-q", writeText(dir, "r.json", recipe.toUtf8()), "-o", dir.filePath("out.safetensors")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("error: ") && r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("out.safetensors")));
    }
};

QTEST_GUILESS_MAIN(TstCliMerge)
#include "tst_cli_merge.moc"
