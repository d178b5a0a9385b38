// mergelab-cli perplexity and generate on a language-model folder (the llama_gqa fixture with the
// 64-piece SentencePiece tokenizer), against tests/fixtures/lm/make_cli_reference.py (a float64
// python3-torch forward and python3-sentencepiece ids), and their one-line errors.
#include "cli_run.h"
#include "tensor_files.h"

#include "io/checkpoint.h"
#include "io/torch_tensor.h"

#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kLm = QStringLiteral(MERGELAB_FIXTURES_DIR) + "/lm/";
const QString kText = QStringLiteral(MERGELAB_FIXTURES_DIR) + "/text/";

QJsonObject expected()
{
    QFile f(kLm + "cli_expected.json");
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

// A model folder: llama_gqa's config and weights plus the fixture tokenizer.
QString modelFolder(const QTemporaryDir& tmp, const QString& name = "model")
{
    const QString dir = tmp.path() + "/" + name;
    QDir().mkpath(dir);
    for (const QString& f : {QString("config.json"), QString("pytorch_model.bin")})
        QFile::copy(kLm + "llama_gqa/" + f, dir + "/" + f);
    QFile::copy(kText + "tokenizer.model", dir + "/tokenizer.model");
    return dir;
}

void verifyOneLineError(const CliRun& r, const QString& part)
{
    QVERIFY2(r.exitCode > 0, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(r.err)));
    QVERIFY2(r.err.startsWith("error: ") && r.err.trimmed().count('\n') == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(part), qPrintable(r.err + " -- expected: " + part));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
}

} // namespace

class TestCliLm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void perplexityJsonEqualsReference()
    {
        QTemporaryDir tmp;
        const QJsonObject ref = expected();
        const CliRun r = runCli({"perplexity", modelFolder(tmp), "--text", kLm + "cli_text.txt", "--context",
                                 QString::number(ref["context"].toInt()), "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["tokens"].toInt(), ref["tokens"].toInt());
        QCOMPARE(j["context"].toInt(), ref["context"].toInt());
        for (const char* key : {"nll", "perplexity", "bits_per_byte"}) {
            const double got = j[key].toDouble(), want = ref[key].toDouble();
            QVERIFY2(std::abs(got - want) < 1e-5 * std::max(1.0, want),
                     qPrintable(QString("%1: %2 vs %3").arg(key).arg(got).arg(want)));
        }
        // Without --context the whole text is one window (max_position_embeddings 128 > its tokens):
        // fewer windows, more tokens predicted.
        const CliRun whole = runCli({"perplexity", modelFolder(tmp), "--text", kLm + "cli_text.txt", "--json"});
        QCOMPARE(whole.exitCode, 0);
        const QJsonObject w = QJsonDocument::fromJson(whole.out.toUtf8()).object();
        QCOMPARE(w["context"].toInt(), 128);
        QVERIFY(w["tokens"].toInt() > ref["tokens"].toInt());
    }

    void greedyGenerateEqualsReference()
    {
        QTemporaryDir tmp;
        const QJsonObject ref = expected();
        const CliRun r = runCli({"generate", modelFolder(tmp), "--prompt", ref["prompt"].toString(), "--max-new-tokens",
                                 QString::number(ref["new_ids"].toArray().size()), "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["prompt_ids"].toArray(), ref["prompt_ids"].toArray());
        QCOMPARE(j["ids"].toArray(), ref["new_ids"].toArray());
        QCOMPARE(j["completion"].toString(), ref["completion"].toString());
        // Plain output: the prompt followed by its completion.
        const CliRun plain = runCli({"generate", modelFolder(tmp), "--prompt", ref["prompt"].toString(),
                                     "--max-new-tokens", QString::number(ref["new_ids"].toArray().size())});
        QCOMPARE(plain.exitCode, 0);
        QCOMPARE(plain.out.trimmed(), (ref["prompt"].toString() + ref["completion"].toString()).trimmed());
    }

    void evalOnAnLmProjectEqualsReference()
    {
        // A project whose task is held-out text: eval reports its perplexity in the model's own
        // context (max_position_embeddings), for the base, a model folder and a recipe merged in memory.
        QTemporaryDir tmp;
        const QJsonObject ref = expected();
        modelFolder(tmp, "base");
        modelFolder(tmp, "copy");
        QVERIFY(QFile::copy(kLm + "cli_text.txt", tmp.path() + "/held.test.txt"));
        QVERIFY(QFile::copy(kLm + "cli_choices.jsonl", tmp.path() + "/quiz.test.jsonl"));
        const QString project = tmp.path() + "/lm.mergelab.json";
        {
            QFile f(project);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                "{\"format\": \"mergelab-project\", \"version\": 1, \"name\": \"lm\", "
                "\"base\": {\"name\": \"base\", \"path\": \"base\"}, "
                "\"models\": [{\"name\": \"copy\", \"path\": \"copy\", \"color\": \"#ff0000\", \"task\": \"held\"}], "
                "\"tasks\": [{\"name\": \"held\", \"text\": \"held.{split}.txt\"}, "
                "{\"name\": \"quiz\", \"choices\": \"quiz.{split}.jsonl\"}]}");
        }
        {
            QFile f(tmp.path() + "/avg.yaml");
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QString("merge_method: linear\nmodels:\n  - model: %1/base\n    parameters: {weight: 1.0}\n"
                            "  - model: %1/copy\n    parameters: {weight: 1.0}\ndtype: float32\n")
                        .arg(tmp.path())
                        .toUtf8());
        }
        for (const QStringList& extra : {QStringList{}, QStringList{"--checkpoint", tmp.path() + "/copy"},
                                         QStringList{"--recipe", tmp.path() + "/avg.yaml"}}) {
            const CliRun r = runCli(QStringList{"eval", project, "--split", "test", "--json"} + extra);
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(j["context"].toInt(), ref["full_context"].toInt());
            const QJsonArray tasks = j["tasks"].toArray();
            QCOMPARE(tasks.size(), 2);
            // Multiple choice: lm-eval's acc and acc_norm, as the reference scores the same questions.
            QCOMPARE(tasks[1]["name"].toString(), QString("quiz"));
            QCOMPARE(tasks[1]["questions"].toInt(), ref["choices_questions"].toInt());
            QCOMPARE(tasks[1]["accuracy"].toDouble(), ref["choices_accuracy"].toDouble());
            QCOMPARE(tasks[1]["accuracy_norm"].toDouble(), ref["choices_accuracy_norm"].toDouble());
            QVERIFY(!tasks[1].toObject().contains("perplexity"));
            QCOMPARE(j["accuracy"].toDouble(), ref["choices_accuracy"].toDouble());
            QCOMPARE(tasks[0]["name"].toString(), QString("held"));
            QCOMPARE(tasks[0]["tokens"].toInt(), ref["full_context_tokens"].toInt());
            const double nll = tasks[0]["nll"].toDouble(), want = ref["full_context_nll"].toDouble();
            QVERIFY2(std::abs(nll - want) < 1e-5, qPrintable(QString("%1 vs %2").arg(nll).arg(want)));
            QVERIFY(std::abs(tasks[0]["perplexity"].toDouble() - std::exp(want)) < 1e-3);
        }
        // The val files are missing, then malformed: named.
        QVERIFY(QFile::copy(kLm + "cli_text.txt", tmp.path() + "/held.val.txt"));
        verifyOneLineError(runCli({"eval", project, "--split", "val", "-q"}),
                           "quiz.val.jsonl: cannot open choices of task quiz");
        {
            QFile f(tmp.path() + "/quiz.val.jsonl");
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"prompt\": \"a\", \"choices\": [\" b\", \" c\"], \"answer\": 0}\n"
                    "{\"prompt\": \"a\", \"choices\": [\" b\", \" c\"], \"answer\": 2}\n");
        }
        verifyOneLineError(runCli({"eval", project, "--split", "val", "-q"}),
                           "quiz.val.jsonl: line 2: answer 2 is not a choice index");
        {
            QFile f(tmp.path() + "/quiz.val.jsonl");
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("{\"prompt\": \"a\", \"choices\": [\" b\"], \"answer\": 0}\n");
        }
        verifyOneLineError(runCli({"eval", project, "--split", "val", "-q"}), "quiz.val.jsonl: line 1: expected");
        {
            QFile f(tmp.path() + "/quiz.val.jsonl");
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("{\"prompt\": \"a\", \"choi");
        }
        verifyOneLineError(runCli({"eval", project, "--split", "val", "-q"}),
                           "quiz.val.jsonl: line 1 is not valid JSON");
        QVERIFY(QFile::copy(kLm + "cli_choices.jsonl", tmp.path() + "/quiz.val2.jsonl"));
        QVERIFY(QFile::remove(tmp.path() + "/quiz.val.jsonl"));
        QVERIFY(QFile::rename(tmp.path() + "/quiz.val2.jsonl", tmp.path() + "/quiz.val.jsonl"));
        QCOMPARE(runCli({"eval", project, "--split", "val", "-q"}).exitCode, 0);
        QVERIFY(QFile::remove(tmp.path() + "/held.val.txt"));
        verifyOneLineError(runCli({"eval", project, "--split", "val", "-q"}),
                           "held.val.txt: cannot open text of task held");
    }

    void sweepOnAnLmProject()
    {
        // base + one fine-tune whose weights differ (every tensor x 1.05 + 0.01): task arithmetic at
        // λ = 0 is the base (the reference's NLL), at λ = 1 the fine-tune (as eval reads it from disk).
        QTemporaryDir tmp;
        const QJsonObject ref = expected();
        modelFolder(tmp, "base");
        const QString tuned = modelFolder(tmp, "tuned");
        {
            auto checkpoint = mergelab::Checkpoint::open((kLm + "llama_gqa").toStdString());
            std::map<std::string, at::Tensor> weights;
            for (const auto& info : checkpoint->tensors())
                weights[info.name] = mergelab::toTorch(checkpoint->read(info.name)) * 1.05 + 0.01;
            QFile::remove(tuned + "/pytorch_model.bin");
            testsupport::writeTensors((tuned + "/model.safetensors").toStdString(), weights);
        }
        QVERIFY(QFile::copy(kLm + "cli_text.txt", tmp.path() + "/held.val.txt"));
        const QString project = tmp.path() + "/lm.mergelab.json";
        {
            QFile f(project);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"format\": \"mergelab-project\", \"version\": 1, \"name\": \"lm\", "
                    "\"base\": {\"name\": \"base\", \"path\": \"base\"}, "
                    "\"models\": [{\"name\": \"tuned\", \"path\": \"tuned\", \"color\": \"#ff0000\"}], "
                    "\"tasks\": [{\"name\": \"held\", \"text\": \"held.{split}.txt\"}]}");
        }
        const CliRun r =
            runCli({"sweep", project, "--method", "task_arithmetic", "--param", "lambda=0:1:0.5", "--json", "-q"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray values = QJsonDocument::fromJson(r.out.toUtf8()).object()["values"].toArray();
        QCOMPARE(values.size(), 3);
        const double atZero = values[0]["tasks"][0]["nll"].toDouble();
        QVERIFY2(std::abs(atZero - ref["full_context_nll"].toDouble()) < 1e-5, qPrintable(QString::number(atZero)));
        const CliRun own = runCli({"eval", project, "--checkpoint", tuned, "--split", "val", "--json", "-q"});
        QVERIFY2(own.exitCode == 0, qPrintable(own.err));
        const double tunedNll = QJsonDocument::fromJson(own.out.toUtf8()).object()["tasks"][0]["nll"].toDouble();
        const double atOne = values[2]["tasks"][0]["nll"].toDouble();
        QVERIFY2(std::abs(atOne - tunedNll) < 1e-4, qPrintable(QString("%1 vs %2").arg(atOne).arg(tunedNll)));
        QVERIFY(std::abs(atOne - atZero) > 0.01);
        // The plain table names the best value.
        const CliRun plain =
            runCli({"sweep", project, "--method", "task_arithmetic", "--param", "lambda=0:1:0.5", "-q"});
        QCOMPARE(plain.exitCode, 0);
        QVERIFY2(plain.out.contains("<- best") && plain.out.contains("best lambda = "), qPrintable(plain.out));
    }

    void badInputGivesOneLineErrors()
    {
        QTemporaryDir tmp;
        const QString model = modelFolder(tmp);
        verifyOneLineError(runCli({"perplexity", model, "--text", tmp.path() + "/missing.txt"}),
                           "missing.txt: cannot open text");
        QFile empty(tmp.path() + "/empty.txt");
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        verifyOneLineError(runCli({"perplexity", model, "--text", empty.fileName()}), "empty.txt: the text is empty");
        verifyOneLineError(runCli({"perplexity", tmp.path() + "/nowhere", "--text", kLm + "cli_text.txt"}), "nowhere");
        // No tokenizer in the folder.
        const QString noTokenizer = modelFolder(tmp, "notok");
        QFile::remove(noTokenizer + "/tokenizer.model");
        verifyOneLineError(runCli({"perplexity", noTokenizer, "--text", kLm + "cli_text.txt"}),
                           "no tokenizer in the folder");
        // A config key out of range is named.
        const QString badConfig = modelFolder(tmp, "badconfig");
        {
            QFile cfg(badConfig + "/config.json");
            QVERIFY(cfg.open(QIODevice::ReadOnly));
            QJsonObject c = QJsonDocument::fromJson(cfg.readAll()).object();
            cfg.close();
            c["rms_norm_eps"] = 0;
            QVERIFY(cfg.open(QIODevice::WriteOnly | QIODevice::Truncate));
            cfg.write(QJsonDocument(c).toJson());
        }
        verifyOneLineError(runCli({"perplexity", badConfig, "--text", kLm + "cli_text.txt"}),
                           "config.json: key 'rms_norm_eps': expected a positive number");
        // NaN weights: the perplexity is refused, not printed as nan.
        const QString nanModel = modelFolder(tmp, "nan");
        {
            auto checkpoint = mergelab::Checkpoint::open((kLm + "llama_gqa").toStdString());
            std::map<std::string, at::Tensor> weights;
            for (const auto& info : checkpoint->tensors())
                weights[info.name] = mergelab::toTorch(checkpoint->read(info.name)).clone();
            weights["model.layers.1.mlp.down_proj.weight"][3][5] = std::nan("");
            QFile::remove(nanModel + "/pytorch_model.bin");
            testsupport::writeTensors((nanModel + "/model.safetensors").toStdString(), weights);
        }
        verifyOneLineError(runCli({"perplexity", nanModel, "--text", kLm + "cli_text.txt", "-q"}),
                           "log-likelihoods are not finite");
        const CliRun badContext = runCli({"perplexity", model, "--text", kLm + "cli_text.txt", "--context", "1"});
        QVERIFY(badContext.exitCode > 0);
        QVERIFY(runCli({"generate", model, "--prompt", "x", "--temperature", "-1"}).exitCode > 0);
        // An empty prompt is BOS alone: generation from nothing works.
        QCOMPARE(runCli({"generate", model, "--prompt", "", "--max-new-tokens", "3"}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliLm)
#include "tst_cli_lm.moc"
