// ctest-labels: slow
// The language-model set: HF folders that load back as models and tokenizers, fine-tunes that beat
// the base on their own domain's held-out text (re-evaluated from the written files), the same
// files for the same seed, and a cancelled build that leaves nothing.
#include "common/error.h"
#include "eval/lm_eval.h"
#include "io/model_set.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"
#include "zoo/lm_zoo.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const char* const kDomains[] = {"code", "arithmetic", "verse", "definitions"};

std::string bytesOf(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

double perplexityOf(const std::string& folder, const std::string& textFile)
{
    auto model = CausalLm::open(folder);
    auto tokenizer = Tokenizer::open(folder);
    at::NoGradGuard noGrad;
    const NllTotal total =
        windowedNll(*model, tokenizer->encodeForModel(bytesOf(textFile)), model->config().maxPositions);
    return std::exp(total.mean());
}

// A preset that trains a few steps only: for the checks that do not need a good model.
LmZooPreset quickPreset()
{
    LmZooPreset p = lmZooPreset("lm-tiny");
    p.pretrain.steps = 4;
    p.finetune.steps = 2;
    return p;
}

} // namespace

class TestLmZoo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tinyBuildFineTunesBeatTheBase()
    {
        QTemporaryDir dir;
        const fs::path out = dir.filePath("lm").toStdString();
        LmZooBuildJob job(out.string(), lmZooPreset("lm-tiny"), 0);
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        for (const char* file : {"lm.mergelab.json", "MODEL_CARD.md", "model_card.json"})
            QVERIFY2(fs::exists(out / file), file);
        const ModelSet set = ModelSet::load((out / "lm.mergelab.json").string());
        QCOMPARE(set.models.size(), size_t(4));
        // One language-model task per domain, each model linked to its own; the {split} texts exist.
        QCOMPARE(set.tasks.size(), size_t(4));
        for (size_t i = 0; i < set.tasks.size(); ++i) {
            QCOMPARE(set.models[i].task, set.tasks[i].name);
            QCOMPARE(set.tasks[i].textFor("test"), (out / "data" / (set.tasks[i].name + ".test.txt")).string());
        }
        std::vector<std::string> folders = {"base"};
        for (const char* d : kDomains) {
            folders.push_back(d);
            QVERIFY(fs::exists(out / "data" / (std::string(d) + ".val.txt")));
            QVERIFY(fs::file_size(out / "data" / (std::string(d) + ".test.txt")) > 1000);
        }
        for (const std::string& f : folders)
            for (const char* file : {"config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json",
                                     "generation_config.json", "README.md"})
                QVERIFY2(fs::exists(out / f / file), (f + "/" + file).c_str());
        // Every model folder loads as a Llama with its tokenizer; each fine-tune's perplexity on its
        // own domain's held-out text, recomputed from the files, is clearly below the base's.
        for (const char* d : kDomains) {
            const std::string text = (out / "data" / (std::string(d) + ".test.txt")).string();
            const double base = perplexityOf((out / "base").string(), text);
            const double tuned = perplexityOf((out / d).string(), text);
            QVERIFY2(tuned < 0.9 * base, qPrintable(QString("%1: fine-tune %2, base %3").arg(d).arg(tuned).arg(base)));
            // The report says the same as the files.
            for (const LmZooScores& s : job.report().scores)
                if (s.model == d)
                    QVERIFY(std::abs(s.perplexity.at(d) - tuned) < 1e-3 * tuned);
        }
        QVERIFY(job.report().pretrainTokens > 10000);
    }

    void sameSeedSameFiles()
    {
        QTemporaryDir dir;
        std::vector<fs::path> outs;
        for (const auto& [name, seed] : std::vector<std::pair<std::string, uint64_t>>{{"a", 3}, {"b", 3}, {"c", 4}}) {
            outs.push_back(dir.filePath(QString::fromStdString(name)).toStdString());
            LmZooBuildJob job(outs.back().string(), quickPreset(), seed);
            NullProgress progress;
            CancelToken cancel;
            const JobResult r = runJob(job, progress, cancel);
            QVERIFY2(r.status == Status::Ok, r.message.c_str());
        }
        for (const char* file : {"base/model.safetensors", "code/model.safetensors", "base/tokenizer.model"})
            QVERIFY2(bytesOf(outs[0] / file) == bytesOf(outs[1] / file), file);
        QVERIFY(bytesOf(outs[0] / "base/model.safetensors") != bytesOf(outs[2] / "base/model.safetensors"));
    }

    void refusesAFullFolderAndCancelLeavesNothing()
    {
        QTemporaryDir dir;
        const fs::path full = dir.filePath("full").toStdString();
        fs::create_directories(full);
        std::ofstream(full / "keep.txt") << "mine";
        LmZooBuildJob refused(full.string(), quickPreset(), 0);
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(refused, progress, cancel);
        QCOMPARE(r.status, Status::Failed);
        QVERIFY2(QString::fromStdString(r.message).contains("not empty"), r.message.c_str());
        QVERIFY(fs::exists(full / "keep.txt"));

        const fs::path out = dir.filePath("cancelled").toStdString();
        LmZooBuildJob job(out.string(), quickPreset(), 0);
        CancelToken cancelled;
        cancelled.cancel();
        QCOMPARE(runJob(job, progress, cancelled).status, Status::Cancelled);
        QVERIFY(!fs::exists(out));
        for (const auto& entry : fs::directory_iterator(dir.path().toStdString()))
            QVERIFY2(entry.path().filename().string().find("mergelab-tmp") == std::string::npos, entry.path().c_str());
    }
};

QTEST_GUILESS_MAIN(TestLmZoo)
#include "tst_lm_zoo.moc"
