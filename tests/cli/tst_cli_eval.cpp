// mergelab-cli eval and sweep: JSON on a hand-checkable project (tests/core/eval/eval_fixture.h),
// --recipe against merge-then-eval, MoE ViT and WEMoE checkpoints, and bad input.
#include "eval_fixture.h"
#include "cli_run.h"

#include "datamerge/data_merge_inputs.h"
#include "datamerge/wemoe_model.h"
#include "io/checkpoint.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace mergelab;

namespace {

const QString kFixtures = QStringLiteral(MERGELAB_FIXTURES_DIR) + "/";

QJsonObject jsonOf(const CliRun& r)
{
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// name -> correct count per task of an eval --json result.
QMap<QString, int> correctCounts(const QJsonObject& j)
{
    QMap<QString, int> out;
    for (const QJsonValue& t : j["tasks"].toArray())
        out[t["name"].toString()] = qRound(t["accuracy"].toDouble() * t["samples"].toInt());
    return out;
}

QStringList filesIn(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestCliEval : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void evalJsonKeys()
    {
        QTemporaryDir dir;
        const QString project = QString::fromStdString(evalfixture::writeProject(dir.path().toStdString()));
        CliRun r = runCli({"eval", project, "--split", "test", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = jsonOf(r);
        for (const char* key : {"checkpoint", "split", "tasks", "average"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["split"].toString(), QString("test"));
        const QJsonObject task = j["tasks"].toArray().at(0).toObject();
        for (const char* key : {"name", "accuracy", "samples"})
            QVERIFY2(task.contains(key), key);
        QCOMPARE(task["name"].toString(), QString("t"));
        QCOMPARE(task["samples"].toInt(), 5);
        QCOMPARE(task["accuracy"].toDouble(), 0.6); // hand count: 3 of 5 labels are 1
        QCOMPARE(j["average"].toDouble(), 0.6);

        r = runCli({"eval", project, "--split", "test", "--limit", "4", "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(jsonOf(r)["average"].toDouble(), 0.5);
    }

    void sweepReportsBestValue()
    {
        QTemporaryDir dir;
        const QString project = QString::fromStdString(evalfixture::writeProject(dir.path().toStdString()));
        const CliRun r = runCli(
            {"sweep", project, "--method", "task_arithmetic", "--param", "lambda=0:1:0.5", "--split", "val", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = jsonOf(r);
        QCOMPARE(j["values"].toArray().size(), 3);
        QCOMPARE(j["best"].toObject()["average"].toDouble(), 0.25);
    }

    // A recipe evaluated in memory == merge to a file, then eval --checkpoint of that file; and
    // eval --recipe writes nothing.
    void recipeInMemoryEqualsMergedFile_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("parameters");
        QTest::newRow("task_arithmetic") << "task_arithmetic"
                                         << R"({"lambda": 0.6})";
        QTest::newRow("ties") << "ties"
                              << R"({"density": 0.5, "lambda": 0.8})";
        QTest::newRow("dare_ties") << "dare_ties"
                                   << R"({"density": 0.4, "lambda": 1.0})";
    }
    void recipeInMemoryEqualsMergedFile()
    {
        QFETCH(QString, method);
        QFETCH(QString, parameters);
        QTemporaryDir dir;
        const QString project = QString::fromStdString(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        const QString recipe = dir.filePath("recipe.json");
        writeText(recipe, QString(R"({"method": "%1", "base": "%2", "models": ["%3", "%4"], "parameters": %5,
                                     "seed": 3})")
                              .arg(method, dir.filePath("base.safetensors"), dir.filePath("m0.safetensors"),
                                   dir.filePath("m1.safetensors"), parameters)
                              .toUtf8());
        const QStringList before = filesIn(dir.path());
        const CliRun inMemory = runCli({"eval", project, "--recipe", recipe, "--split", "test", "--json", "-q"});
        QCOMPARE(inMemory.exitCode, 0);
        QCOMPARE(filesIn(dir.path()), before);

        QTemporaryDir out;
        const QString merged = out.filePath("merged.safetensors");
        const CliRun merge = runCli({"merge", recipe, "-o", merged, "-q"});
        QVERIFY2(merge.exitCode == 0, qPrintable(merge.err));
        const CliRun fromFile = runCli({"eval", project, "--checkpoint", merged, "--split", "test", "--json", "-q"});
        QCOMPARE(fromFile.exitCode, 0);
        const QMap<QString, int> a = correctCounts(jsonOf(inMemory)), b = correctCounts(jsonOf(fromFile));
        QCOMPARE(a.size(), 2);
        QCOMPARE(a, b);
        QCOMPARE(jsonOf(inMemory)["average"].toDouble(), jsonOf(fromFile)["average"].toDouble());
        // The merge matters here (else the comparison proves little): the base scores differently.
        const CliRun base = runCli({"eval", project, "--split", "test", "--json", "-q"});
        QVERIFY(correctCounts(jsonOf(base)) != a || method != "task_arithmetic");
    }

    // btx / experts write MoE ViTs: eval detects the layout and runs the routed forward. Labels are
    // the argmax of a head on python's MoE ViT embeddings (tests/fixtures/moe/make_moe_fixtures.py),
    // the last one shifted: 2 of 3 correct.
    void moeVitCheckpoint()
    {
        QTemporaryDir dir;
        const auto ref = Checkpoint::open((kFixtures + "moe/moe_vit_forward.safetensors").toStdString());
        std::map<std::string, at::Tensor> tensors;
        for (const TensorInfo& info : ref->tensors())
            tensors[info.name] = toTorch(ref->read(info.name)).clone();
        QVERIFY(tensors.count("images") && tensors.count("embeds"));
        at::manual_seed(1);
        const at::Tensor head = at::randn({3, 4});
        at::Tensor labels = at::matmul(tensors["embeds"], head.t()).argmax(1);
        labels[2] = (labels[2] + 1) % 3;
        std::map<std::string, LabeledImages> splits;
        splits["test"] = {tensors["images"].to(at::kFloat).contiguous(), labels.to(at::kLong)};
        writeDataset(dir.filePath("t.h5").toStdString(), "t", {"a", "b", "c"}, splits, {}, {});
        evalfixture::writeTensors(dir.filePath("heads.safetensors").toStdString(), {{"t.weight", head}});
        const QString vit = kFixtures + "moe/moe_vit";
        writeText(dir.filePath("p.mergelab.json"),
                  QString(R"({"format": "mergelab-project", "version": 1, "name": "moe",
            "base": {"name": "base", "path": "%1/model.safetensors"}, "models": [],
            "architecture": {"type": "clip_vit", "config": "%1/config.json"},
            "tasks": [{"name": "t", "dataset": "t.h5", "head": "heads.safetensors", "head_tensor": "t.weight"}]})")
                      .arg(vit)
                      .toUtf8());
        const CliRun r = runCli({"eval", dir.filePath("p.mergelab.json"), "--checkpoint", vit, "--json", "-q"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject task = jsonOf(r)["tasks"].toArray().at(0).toObject();
        QCOMPARE(task["samples"].toInt(), 3);
        QCOMPARE(qRound(task["accuracy"].toDouble() * 3), 2);
    }

    // learn-merge -m wemoe writes a folder; with every router fixed at lambda it is task arithmetic
    // with that lambda (WEMoE's definition), so eval of the folder == eval --recipe task_arithmetic.
    void wemoeFolder()
    {
        QTemporaryDir dir;
        const std::string project = evalfixture::writeTwoModelProject(dir.path().toStdString());
        const ModelSet set = ModelSet::load(project);
        const DataMergeInputs inputs = loadDataMergeInputs(set, "test", -1);
        WeMoeConfig config;
        config.initLambda = 0.4;
        auto model = WeMoeModel::upcycle(inputs, config, 0);
        model->fixRouters(0.4);
        const QString folder = dir.filePath("wemoe");
        model->save(folder.toStdString());

        const CliRun wemoe = runCli({"eval", QString::fromStdString(project), "--checkpoint", folder, "--json", "-q"});
        QVERIFY2(wemoe.exitCode == 0, qPrintable(wemoe.err));
        const QString recipe = dir.filePath("ta.json");
        writeText(recipe, QString(R"({"method": "task_arithmetic", "base": "%1", "models": ["%2", "%3"],
                                     "parameters": {"lambda": 0.4}})")
                              .arg(dir.filePath("base.safetensors"), dir.filePath("m0.safetensors"),
                                   dir.filePath("m1.safetensors"))
                              .toUtf8());
        const CliRun ta = runCli({"eval", QString::fromStdString(project), "--recipe", recipe, "--json", "-q"});
        QCOMPARE(ta.exitCode, 0);
        QCOMPARE(correctCounts(jsonOf(wemoe)), correctCounts(jsonOf(ta)));
        QCOMPARE(jsonOf(wemoe)["checkpoint"].toString(), folder);
    }

    void badInputIsOneLineError_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QStringList>("args"); // PROJECT, OTHER (another architecture), NAN are replaced
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("eval: missing project")
            << "eval" << QStringList{"/nonexistent/p.mergelab.json"} << 1 << "error: /nonexistent/p.mergelab.json: ";
        QTest::newRow("sweep: missing project")
            << "sweep" << QStringList{"/nonexistent/p.mergelab.json", "--method", "ties", "--param", "lambda=0:1:0.5"}
            << 1 << "error: /nonexistent/p.mergelab.json: ";
        QTest::newRow("eval: another architecture")
            << "eval" << QStringList{"PROJECT", "--checkpoint", "OTHER"} << 1 << "does not match the architecture's";
        QTest::newRow("eval: NaN weights")
            << "eval" << QStringList{"PROJECT", "--checkpoint", "NAN"} << 1 << "contains NaN or infinite values";
        QTest::newRow("eval: both checkpoint and recipe")
            << "eval" << QStringList{"PROJECT", "--checkpoint", "NAN", "--recipe", "NAN"} << 1 << "not both";
        QTest::newRow("eval: --limit 0") << "eval" << QStringList{"PROJECT", "--limit", "0"} << 2 << "--limit";
        QTest::newRow("eval: unknown split") << "eval" << QStringList{"PROJECT", "--split", "dev"} << 2 << "--split";
        QTest::newRow("sweep: descending range")
            << "sweep" << QStringList{"PROJECT", "--method", "task_arithmetic", "--param", "lambda=1:0:0.1"} << 1
            << "start <= stop";
        QTest::newRow("sweep: no step") << "sweep"
                                        << QStringList{"PROJECT", "--method", "ties", "--param", "lambda=0:1"} << 1
                                        << "start:stop:step";
        QTest::newRow("sweep: step 0") << "sweep"
                                       << QStringList{"PROJECT", "--method", "ties", "--param", "lambda=0:1:0"} << 1
                                       << "step > 0";
        QTest::newRow("sweep: --limit 0")
            << "sweep" << QStringList{"PROJECT", "--method", "ties", "--param", "lambda=0:1:0.5", "--limit", "0"} << 2
            << "--limit";
        QTest::newRow("sweep: unknown parameter")
            << "sweep" << QStringList{"PROJECT", "--method", "ties", "--param", "alpha=0:1:0.5"} << 1
            << "ties has no such parameter";
        QTest::newRow("sweep: unknown method")
            << "sweep" << QStringList{"PROJECT", "--method", "nope", "--param", "lambda=0:1:0.5"} << 1
            << "unknown merge method";
    }
    void badInputIsOneLineError()
    {
        QFETCH(QString, verb);
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const QString project = QString::fromStdString(evalfixture::writeProject(folder));
        // Another architecture: every tensor of the project's ViT, hidden size 6 instead of 8.
        const QString other = dir.filePath("other.safetensors");
        std::map<std::string, at::Tensor> wide;
        ClipVisionConfig c = ClipVisionConfig::fromJson(
            R"({"hidden_size": 6, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                "image_size": 4, "patch_size": 2, "num_channels": 1, "projection_dim": 4})",
            "wide");
        for (const auto& [name, t] : ClipVitBackbone(c).parameters())
            wide[name] = t.detach().clone();
        evalfixture::writeTensors(other.toStdString(), wide);
        // NaN weights: the base with one NaN.
        const QString nan = dir.filePath("nan.safetensors");
        std::map<std::string, at::Tensor> base;
        const auto ckpt = Checkpoint::open(folder + "/base.safetensors");
        for (const TensorInfo& info : ckpt->tensors())
            base[info.name] = toTorch(ckpt->read(info.name)).clone();
        base["vision_model.encoder.layers.0.mlp.fc1.weight"].view(-1)[3] = std::nanf("");
        evalfixture::writeTensors(nan.toStdString(), base);

        QStringList full{verb};
        for (const QString& a : args)
            full << (a == "PROJECT" ? project : a == "OTHER" ? other : a == "NAN" ? nan : a);
        full << "-q";
        const CliRun r = runCli(full);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.err.trimmed().count('\n') == 0 || exitCode == 2, qPrintable(r.err)); // one line
        if (exitCode == 1)
            QVERIFY2(r.err.startsWith("error: "), qPrintable(r.err));
        if (message.contains("architecture") || message.contains("NaN"))
            QVERIFY2(r.err.contains(".safetensors: vision_model."), qPrintable(r.err)); // file: tensor: what
    }
};

QTEST_GUILESS_MAIN(TestCliEval)
#include "tst_cli_eval.moc"
