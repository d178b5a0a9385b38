// Branch-Train-MiX and expert similarity on language models, against
// tests/fixtures/lm/make_moe_lm_reference.py (a float64 python3-torch forward written from the papers
// and transformers' modeling files): the BTX output reloads as Mixtral and its logits equal the
// reference's; routers set from the tasks' text separate the domains, and router fine-tuning lowers
// its objective; expert outputs, usage and co-selection on a calibration text equal the reference's;
// merging a Mixtral's experts to K gives a model that loads and reads text as before.
#include "common/error.h"
#include "eval/lm_eval.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "models/causal_lm.h"
#include "moe/btx.h"
#include "moe/btx_job.h"
#include "moe/expert_merge_job.h"
#include "text/tokenizer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const std::string kLm = std::string(MERGELAB_FIXTURES_DIR) + "/lm";
const std::string kTokenizer = std::string(MERGELAB_FIXTURES_DIR) + "/text/tokenizer.model";

at::Tensor read(const std::string& file, const std::string& name)
{
    return toTorch(Checkpoint::open(file)->read(name)).clone();
}

// A copy of a fixture model folder with the 64-piece SentencePiece tokenizer beside it.
std::string withTokenizer(const QTemporaryDir& tmp, const std::string& fixture, const std::string& name)
{
    const std::string dir = tmp.path().toStdString() + "/" + name;
    fs::create_directories(dir);
    for (const char* file : {"config.json", "pytorch_model.bin"})
        fs::copy_file(kLm + "/" + fixture + "/" + file, dir + "/" + file, fs::copy_options::overwrite_existing);
    fs::copy_file(kTokenizer, dir + "/tokenizer.model", fs::copy_options::overwrite_existing);
    return dir;
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string repeated(const std::string& line, int times)
{
    std::string out;
    for (int i = 0; i < times; ++i)
        out += line;
    return out;
}

// Base (llama_gqa) and the two fine-tunes of the BTX fixture, each with the tokenizer, and a project
// whose tasks "dog" and "merge" are their domains: clearly different texts, train/val/test splits.
std::string lmProject(const QTemporaryDir& tmp)
{
    const std::string root = tmp.path().toStdString();
    withTokenizer(tmp, "llama_gqa", "base");
    withTokenizer(tmp, "btx/ft_a", "ft_a");
    withTokenizer(tmp, "btx/ft_b", "ft_b");
    const std::string dog = "the dog sat in the park and a bird ran on the mat.\n";
    const std::string merge = "merging the task vectors of models is fun when signs agree.\n";
    for (const char* split : {"train", "val", "test"}) {
        writeText(root + "/dog." + split + ".txt", repeated(dog, 12));
        writeText(root + "/merge." + split + ".txt", repeated(merge, 12));
    }
    const std::string project = root + "/lm.mergelab.json";
    writeText(project, "{\"format\": \"mergelab-project\", \"version\": 1, \"name\": \"lm\", "
                       "\"base\": {\"name\": \"base\", \"path\": \"base\"}, "
                       "\"models\": [{\"name\": \"ft_a\", \"path\": \"ft_a\", \"color\": \"#ff0000\", \"task\": "
                       "\"dog\"}, {\"name\": \"ft_b\", \"path\": \"ft_b\", \"color\": \"#00ff00\", \"task\": "
                       "\"merge\"}], \"tasks\": [{\"name\": \"dog\", \"text\": \"dog.{split}.txt\"}, "
                       "{\"name\": \"merge\", \"text\": \"merge.{split}.txt\"}]}");
    return project;
}

// Output similarity of the mixtral_top2 fixture (with the tokenizer) on cli_text.txt in 16-token windows.
ExpertMergeSpec mixtralSpec(const QTemporaryDir& tmp)
{
    ExpertMergeSpec spec;
    spec.input = withTokenizer(tmp, "mixtral_top2", "mixtral");
    spec.by = ExpertGrouping::Outputs;
    spec.calibrationData = {kLm + "/cli_text.txt"};
    spec.calibrationContext = 16;
    return spec;
}

// Runs the job; the JobResult.
JobResult run(Job& job)
{
    NullProgress progress;
    CancelToken cancel;
    return runJob(job, progress, cancel);
}

// BTX of the project's base and two fine-tunes with routers from its tasks' text, written to root/name.
BtxSpec lmBtxSpec(const QTemporaryDir& tmp, const std::string& name)
{
    const std::string root = tmp.path().toStdString();
    BtxSpec spec;
    spec.base = root + "/base";
    spec.experts = {root + "/ft_a", root + "/ft_b"};
    spec.data = lmProject(tmp);
    spec.output = root + "/" + name;
    spec.finetune.context = 16;
    return spec;
}

// Share of a text's tokens whose top-1 expert at `layer` is `expert`.
double topOneShare(const CausalLm& model, const std::vector<int64_t>& ids, int layer, int64_t expert)
{
    MoeRouting routing;
    model.hiddenStates(at::tensor(at::ArrayRef<int64_t>(ids), at::kLong).unsqueeze(0), nullptr, &routing);
    const at::Tensor top = routing.selected.at(layer).back().select(1, 0);
    return (top == expert).to(at::kDouble).mean().item<double>();
}

std::vector<int64_t> tokensOf(const std::string& folder, const std::string& textFile)
{
    std::ifstream in(textFile);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return Tokenizer::open(folder)->encodeForModel(text);
}

} // namespace

class TestMoeLm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void btxOutputEqualsTheReference()
    {
        QTemporaryDir tmp;
        const std::string base = withTokenizer(tmp, "llama_gqa", "base");
        BtxOptions options;
        options.includeBase = true;
        options.topK = 2;
        const auto routers = Checkpoint::open(kLm + "/btx/routers.pt");
        for (const TensorInfo& t : routers->tensors())
            options.routers[t.name] = toTorch(routers->read(t.name)).clone();
        NullProgress progress;
        CancelToken cancel;
        const std::string out = tmp.path().toStdString() + "/moe";
        const BtxResult r =
            branchTrainMix(base, {kLm + "/btx/ft_a", kLm + "/btx/ft_b"}, options, out, progress, cancel);
        QCOMPARE(r.family, MoeFamily::Mixtral);
        QCOMPARE(r.experts, 3);
        QCOMPARE(r.layers, 2);

        // A Mixtral folder: config.json says so, and the base's tokenizer travelled with it.
        std::ifstream in(out + "/config.json");
        const nlohmann::json config = nlohmann::json::parse(in);
        QCOMPARE(config["architectures"][0].get<std::string>(), std::string("MixtralForCausalLM"));
        QCOMPARE(config["num_local_experts"].get<int>(), 3);
        QCOMPARE(config["num_experts_per_tok"].get<int>(), 2);
        QVERIFY(fs::exists(out + "/tokenizer.model"));
        QCOMPARE(fs::file_size(out + "/tokenizer.model"), fs::file_size(kTokenizer));

        const auto model = CausalLm::open(out);
        QCOMPARE(model->config().architecture, std::string("MixtralForCausalLM"));
        const std::string ref = kLm + "/btx/reference.pt";
        const at::Tensor logits = model->forward(read(ref, "input_ids"));
        const at::Tensor want = read(ref, "logits");
        const double diff = (logits - want).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QString("max |logit difference| %1").arg(diff)));
    }

    void hiddenRoutersSeparateTheDomains()
    {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        BtxSpec spec = lmBtxSpec(tmp, "hidden");
        spec.options.topK = 1;
        spec.router = BtxRouterInit::Hidden;
        {
            BtxJob job(spec);
            const JobResult r = run(job);
            QVERIFY2(r.status == Status::Ok, r.message.c_str());
        }
        // Layer 0's router inputs do not depend on any router: each domain's tokens go to its own
        // expert more than the other domain's do (expert 0 = ft_a = dog, expert 1 = ft_b = merge;
        // words both texts share, "the", BOS, may go either way).
        const auto hidden = CausalLm::open(spec.output);
        const std::vector<int64_t> dog = tokensOf(spec.base, root + "/dog.test.txt");
        const std::vector<int64_t> merge = tokensOf(spec.base, root + "/merge.test.txt");
        const double dogOnA = topOneShare(*hidden, dog, 0, 0), mergeOnA = topOneShare(*hidden, merge, 0, 0);
        QVERIFY2(dogOnA > 0.5 && dogOnA - mergeOnA > 0.25,
                 qPrintable(QString("top-1 share of expert 0: dog %1, merge %2").arg(dogOnA).arg(mergeOnA)));
    }

    // Router fine-tuning on one fixed window per task (17 tokens read, context 16: every step sees the
    // same batch, so the objective is deterministic): cross-entropy + balance loss must go down from
    // random top-2 routers, and the routers written are the trained ones.
    void finetunedRoutersLowerTheirObjective()
    {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        BtxSpec spec = lmBtxSpec(tmp, "tuned");
        spec.options.topK = 2; // top-1 renormalised is weight 1: the task loss would give no gradient
        spec.options.routerStd = 1.0;
        spec.finetuneRouters = true;
        spec.trainTokens = 17;
        spec.finetune.steps = 40;
        spec.finetune.batchPerTask = 1;
        spec.finetune.learningRate = 0.02;
        BtxJob job(spec);
        const JobResult r = run(job);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        const auto& history = job.finetuneResult().history;
        QCOMPARE(history.size(), std::size_t(40));
        QVERIFY2(history.back().loss < history.front().loss - 0.01,
                 qPrintable(QString("loss %1 -> %2").arg(history.front().loss).arg(history.back().loss)));
        QCOMPARE(job.finetuneResult().routers.size(), std::size_t(2));
        for (const auto& [name, router] : job.finetuneResult().routers)
            QVERIFY2(at::equal(read(spec.output, name), router), name.c_str());
        QVERIFY(!fs::exists(root + "/tuned.btx-scratch"));
    }

    void routersFromTextNeedTheTasksText()
    {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        BtxSpec spec = lmBtxSpec(tmp, "out");
        fs::remove(root + "/dog.train.txt"); // falls back to val
        fs::remove(root + "/dog.val.txt");   // nothing left to learn the dog domain from
        spec.options.topK = 1;
        spec.router = BtxRouterInit::Hidden;
        BtxJob job(spec);
        const JobResult r = run(job);
        QCOMPARE(r.status, Status::Failed);
        QVERIFY2(r.message.find("dog.val.txt") != std::string::npos, r.message.c_str());
        QVERIFY2(r.message.find('\n') == std::string::npos, r.message.c_str());
        QVERIFY(!fs::exists(root + "/out"));
        QVERIFY(!fs::exists(root + "/out.btx-scratch"));
    }

    void expertOutputsEqualTheReference()
    {
        QTemporaryDir tmp;
        ExpertMergeJob job(mixtralSpec(tmp));
        const JobResult r = run(job);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        const std::string ref = kLm + "/btx/expert_outputs.pt";
        QCOMPARE(job.outcome().layers.size(), std::size_t(2));
        for (const LayerRedundancy& layer : job.outcome().layers) {
            const ExpertSimilarity& s = layer.similarity;
            const std::string p = "layer" + std::to_string(s.layer) + ".";
            const auto compare = [&](const std::vector<double>& got, const std::string& name) {
                const at::Tensor want = read(ref, p + name).reshape({-1});
                QCOMPARE(static_cast<int64_t>(got.size()), want.numel());
                for (int64_t i = 0; i < want.numel(); ++i)
                    QVERIFY2(std::abs(got[i] - want[i].item<double>()) < 1e-5,
                             qPrintable(QString::fromStdString(p + name) +
                                        QString(" [%1]: %2 vs %3").arg(i).arg(got[i]).arg(want[i].item<double>())));
            };
            compare(s.outputs, "outputs");
            compare(s.usage, "usage");
            compare(s.coSelection, "co_selection");
        }
    }

    void mergingAMixtralToKGivesAWorkingModel()
    {
        QTemporaryDir tmp;
        ExpertMergeSpec spec = mixtralSpec(tmp);
        spec.targetExperts = 2;
        spec.output = tmp.path().toStdString() + "/merged";
        ExpertMergeJob job(spec);
        const JobResult r = run(job);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        const auto merged = CausalLm::open(spec.output);
        QCOMPARE(merged->config().numExperts, int64_t(2));
        QCOMPARE(merged->config().expertsPerToken, int64_t(2));
        QVERIFY(fs::exists(spec.output + "/tokenizer.model"));
        const std::vector<int64_t> ids = tokensOf(spec.output, kLm + "/cli_text.txt");
        const at::Tensor logits = merged->forward(at::tensor(at::ArrayRef<int64_t>(ids), at::kLong).unsqueeze(0));
        QVERIFY(at::isfinite(logits).all().item<bool>());
    }

    void textCalibrationNeedsATokenizer()
    {
        QTemporaryDir tmp;
        const ExpertMergeSpec spec = mixtralSpec(tmp);
        fs::remove(spec.input + "/tokenizer.model");
        ExpertMergeJob job(spec);
        const JobResult r = run(job);
        QCOMPARE(r.status, Status::Failed);
        QVERIFY2(r.message.find("no tokenizer in the folder") != std::string::npos, r.message.c_str());
        QVERIFY2(r.message.find('\n') == std::string::npos, r.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestMoeLm)
#include "tst_moe_lm.moc"
