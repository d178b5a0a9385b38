// Completing a prompt (eval/lm_completion.h) and the live tuner's generation and scoring of in-memory
// language models (MergeTuner::generateLm / evaluateLmTensors), against tests/fixtures/lm: the CLI
// generate reference (make_cli_reference.py) and the task-arithmetic merges of make_gui_reference.py
// (a float64 python3-torch forward with python3-sentencepiece ids).
#include "common/error.h"
#include "eval/lm_completion.h"
#include "eval/merge_tuner.h"
#include "io/checkpoint.h"
#include "io/model_set.h"
#include "io/torch_tensor.h"
#include "models/causal_lm.h"
#include "tensor_files.h"
#include "text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const std::string kLm = std::string(MERGELAB_FIXTURES_DIR) + "/lm/";
const std::string kTokenizer = std::string(MERGELAB_FIXTURES_DIR) + "/text/tokenizer.model";

nlohmann::json readJson(const std::string& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

nlohmann::json mergeAt(double lambda)
{
    const nlohmann::json expected = readJson(kLm + "gui_expected.json");
    for (const auto& m : expected["merges"])
        if (std::abs(m["lambda"].get<double>() - lambda) < 1e-9)
            return m;
    return {};
}

// llama_gqa's config with the fixture tokenizer; weights x scale + shift (as make_gui_reference.py).
std::string modelFolder(const fs::path& root, const std::string& name, double scale = 1.0, double shift = 0.0)
{
    const fs::path dir = root / name;
    fs::create_directories(dir);
    fs::copy_file(kLm + "llama_gqa/config.json", dir / "config.json");
    fs::copy_file(kTokenizer, dir / "tokenizer.model");
    auto checkpoint = Checkpoint::open(kLm + "llama_gqa");
    std::map<std::string, at::Tensor> weights;
    for (const auto& info : checkpoint->tensors())
        weights[info.name] = toTorch(checkpoint->read(info.name)) * scale + shift;
    testsupport::writeTensors((dir / "model.safetensors").string(), weights);
    return dir.string();
}

} // namespace

class TestLmCompletion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void completePromptEqualsTheCliReference()
    {
        QTemporaryDir tmp;
        const std::string folder = modelFolder(tmp.path().toStdString(), "model");
        const nlohmann::json ref = readJson(kLm + "cli_expected.json");
        GenerateOptions options;
        options.maxNewTokens = static_cast<int64_t>(ref["new_ids"].size());
        const LmCompletion c =
            completePrompt(*CausalLm::open(folder), *Tokenizer::open(folder), ref["prompt"], options, CancelToken());
        QCOMPARE(c.promptIds, ref["prompt_ids"].get<std::vector<int64_t>>());
        QCOMPARE(c.ids, ref["new_ids"].get<std::vector<int64_t>>());
        QCOMPARE(c.text, ref["completion"].get<std::string>());
    }

    void tunerGeneratesAndScoresInMemory()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        modelFolder(root, "base");
        modelFolder(root, "tuned", 1.5, -0.02);
        fs::copy_file(kLm + "cli_text.txt", root / "held.val.txt");
        {
            std::ofstream f(root / "lm.mergelab.json");
            f << R"({"format": "mergelab-project", "version": 1, "name": "lm",
                "base": {"name": "base", "path": "base"},
                "models": [{"name": "tuned", "path": "tuned", "color": "#ff0000", "task": "held"}],
                "tasks": [{"name": "held", "text": "held.{split}.txt"}]})";
        }
        MergeTuner tuner(ModelSet::load((root / "lm.mergelab.json").string()), 256, "val");
        QVERIFY(tuner.isLanguageModel());
        const nlohmann::json gui = readJson(kLm + "gui_expected.json");
        GenerateOptions options;
        options.maxNewTokens = gui["new_tokens"];
        const std::string prompt = gui["prompt"];
        CancelToken cancel;
        // The inputs as held in memory: the base and the fine-tune (λ = 0 and 1 of the reference).
        QCOMPARE(tuner.generateLm(tuner.base(), "base", prompt, options, cancel).ids,
                 mergeAt(0.0)["new_ids"].get<std::vector<int64_t>>());
        QCOMPARE(tuner.generateLm(tuner.models()[0], "tuned", prompt, options, cancel).text,
                 mergeAt(1.0)["completion"].get<std::string>());
        // A merge of a recipe, never written to disk.
        for (double lambda : {0.3, 0.5}) {
            const Recipe recipe = tuner.recipe("task_arithmetic", {{{"lambda", lambda}}, {{{"weight", 1.0}}}});
            const LmCompletion merged = tuner.generateLm(recipe, prompt, options, cancel);
            QCOMPARE(merged.ids, mergeAt(lambda)["new_ids"].get<std::vector<int64_t>>());
            QCOMPARE(merged.text, mergeAt(lambda)["completion"].get<std::string>());
        }
        NullProgress progress;
        const LmEvalResult base = tuner.evaluateLmTensors(tuner.base(), "base", progress, cancel);
        QCOMPARE(base.model, std::string("base"));
        QVERIFY(std::abs(base.tasks.at(0).nll - mergeAt(0.0)["nll"].get<double>()) < 1e-5);
        // Cancelled between tokens.
        CancelToken stop;
        stop.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, tuner.generateLm(tuner.base(), "base", prompt, options, stop));
    }
};

QTEST_GUILESS_MAIN(TestLmCompletion)
#include "tst_lm_completion.moc"
