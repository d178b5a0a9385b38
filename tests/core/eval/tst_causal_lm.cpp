// The native decoder-only language models (Llama, Mistral, Qwen2, Mixtral, Qwen2-MoE) against
// tests/fixtures/lm/make_lm_reference.py, a python3-torch forward written by hand from transformers'
// modeling files (float64): logits, windowed NLL, greedy generation through the KV cache, and the
// one-line errors for broken folders.
#include "common/error.h"
#include "eval/lm_eval.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "models/causal_lm.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(MERGELAB_FIXTURES_DIR) + "/lm";
const char* const kCases[] = {"llama_gqa",  "llama3_bf16",  "llama_linear_tied", "mistral_sliding",
                              "qwen2_tied", "mixtral_top2", "qwen2_moe"};

at::Tensor reference(const Checkpoint& ref, const std::string& name)
{
    return toTorch(ref.read(name)).clone();
}

std::vector<int64_t> row(const at::Tensor& ids, int64_t r)
{
    at::Tensor x = ids[r].contiguous();
    return std::vector<int64_t>(x.data_ptr<int64_t>(), x.data_ptr<int64_t>() + x.numel());
}

nlohmann::json readConfig(const std::string& folder)
{
    std::ifstream in(folder + "/config.json");
    return nlohmann::json::parse(in);
}

// A copy of a fixture folder with config.json edited by `edit`.
std::string editedCopy(const QTemporaryDir& tmp, const std::string& fixture,
                       const std::function<void(nlohmann::json&)>& edit)
{
    const std::string dir = tmp.path().toStdString() + "/" + fixture;
    fs::create_directories(dir);
    fs::copy_file(kDir + "/" + fixture + "/pytorch_model.bin", dir + "/pytorch_model.bin",
                  fs::copy_options::overwrite_existing);
    nlohmann::json config = readConfig(kDir + "/" + fixture);
    edit(config);
    std::ofstream(dir + "/config.json") << config.dump(2);
    return dir;
}

// The error CausalLm::open throws for `dir`; fails the test when it opens.
QString openError(const std::string& dir)
{
    try {
        CausalLm::open(dir);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("(opened without error)");
}

} // namespace

class TestCausalLm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void logitsEqualReference_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char* c : kCases)
            QTest::newRow(c) << QString(c);
    }
    void logitsEqualReference()
    {
        QFETCH(QString, fixture);
        const std::string dir = kDir + "/" + fixture.toStdString();
        auto model = CausalLm::open(dir);
        auto ref = Checkpoint::open(dir + "/reference.pt");
        const at::Tensor ids = reference(*ref, "input_ids");
        const at::Tensor expected = reference(*ref, "logits");
        at::NoGradGuard noGrad;
        const at::Tensor logits = model->forward(ids);
        QCOMPARE(logits.sizes(), expected.sizes());
        const double err = (logits - expected).abs().max().item<double>();
        const double scale = expected.abs().max().item<double>();
        QVERIFY2(scale > 0.5, "reference logits are degenerate");
        QVERIFY2(err < 2e-5 * std::max(1.0, scale),
                 qPrintable(QString("max |diff| %1 (scale %2)").arg(err).arg(scale)));
    }

    void windowedNllEqualsReference_data() { logitsEqualReference_data(); }
    void windowedNllEqualsReference()
    {
        QFETCH(QString, fixture);
        const std::string dir = kDir + "/" + fixture.toStdString();
        auto model = CausalLm::open(dir);
        auto ref = Checkpoint::open(dir + "/reference.pt");
        at::NoGradGuard noGrad;
        // Both rows of input_ids, each one window: the reference's mean over both.
        const at::Tensor ids = reference(*ref, "input_ids");
        NllTotal total;
        for (int64_t r = 0; r < ids.size(0); ++r) {
            const NllTotal one = windowedNll(*model, row(ids, r), ids.size(1));
            total.tokens += one.tokens;
            total.nll += one.nll;
        }
        QCOMPARE(total.tokens, ids.size(0) * (ids.size(1) - 1));
        const double nll = reference(*ref, "nll").item<double>();
        QVERIFY2(std::abs(total.mean() - nll) < 1e-5, qPrintable(QString("%1 vs %2").arg(total.mean()).arg(nll)));
        // 23 tokens in windows of 8: 8 + 8 + 7 tokens, 7 + 7 + 6 predicted.
        const NllTotal windows = windowedNll(*model, row(reference(*ref, "ppl_ids"), 0), 8);
        QCOMPARE(windows.tokens, int64_t(20));
        const double w8 = reference(*ref, "ppl_nll_w8").item<double>();
        QVERIFY2(std::abs(windows.mean() - w8) < 1e-5, qPrintable(QString("%1 vs %2").arg(windows.mean()).arg(w8)));
    }

    void greedyGenerationThroughCacheEqualsReference_data() { logitsEqualReference_data(); }
    void greedyGenerationThroughCacheEqualsReference()
    {
        QFETCH(QString, fixture);
        const std::string dir = kDir + "/" + fixture.toStdString();
        auto model = CausalLm::open(dir);
        auto ref = Checkpoint::open(dir + "/reference.pt");
        at::NoGradGuard noGrad;
        const std::vector<int64_t> prompt = row(reference(*ref, "greedy_prompt"), 0);
        const std::vector<int64_t> expected = row(reference(*ref, "greedy_out"), 0);
        GenerateOptions options;
        options.maxNewTokens = static_cast<int64_t>(expected.size() - prompt.size());
        std::vector<int64_t> got = prompt;
        for (int64_t t : generateTokens(*model, prompt, options))
            got.push_back(t);
        QCOMPARE(got, expected);
    }

    void samplingIsSeeded()
    {
        auto model = CausalLm::open(kDir + "/llama_gqa");
        at::NoGradGuard noGrad;
        GenerateOptions options;
        options.maxNewTokens = 12;
        options.temperature = 1.5;
        options.seed = 7;
        const auto a = generateTokens(*model, {1, 5, 9}, options);
        const auto b = generateTokens(*model, {1, 5, 9}, options);
        options.seed = 8;
        const auto c = generateTokens(*model, {1, 5, 9}, options);
        QCOMPARE(a, b);
        QVERIFY(a != c);
        options.temperature = 0;
        const auto greedy = generateTokens(*model, {1, 5, 9}, options);
        QVERIFY(a != greedy);
    }

    void weightsStayInTheCheckpointsDtype()
    {
        // bf16 weights are held as bf16: 2 bytes per parameter, not 4.
        auto model = CausalLm::open(kDir + "/llama3_bf16");
        auto checkpoint = Checkpoint::open(kDir + "/llama3_bf16");
        QCOMPARE(model->weightBytes(), checkpoint->totalBytes());
        QCOMPARE(model->weightBytes(), uint64_t(2 * checkpoint->parameterCount()));
        // A tied head is the embedding: no lm_head.weight in the file, and the model still runs.
        QVERIFY(!Checkpoint::open(kDir + "/qwen2_tied")->contains("lm_head.weight"));
    }

    void brokenFoldersGiveOneLineErrors()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        auto expectError = [](const std::string& dir, const QString& part) {
            const QString error = openError(dir);
            QVERIFY2(error.contains(part), qPrintable(error + " -- expected: " + part));
            QVERIFY2(!error.contains('\n'), qPrintable(error));
        };
        expectError(editedCopy(tmp, "llama_gqa", [](auto& c) { c["architectures"] = {"GPT2LMHeadModel"}; }),
                    "architecture \"GPT2LMHeadModel\" is not supported");
        expectError(editedCopy(tmp, "llama_gqa", [](auto& c) { c["num_hidden_layers"] = 3; }),
                    "model.layers.2.input_layernorm.weight: missing");
        expectError(editedCopy(tmp, "llama_gqa", [](auto& c) { c["intermediate_size"] = 50; }),
                    "model.layers.0.mlp.gate_proj.weight: shape [48, 32], config.json implies [50, 32]");
        expectError(editedCopy(tmp, "llama_gqa", [](auto& c) { c["num_key_value_heads"] = 3; }),
                    "key 'num_key_value_heads': 3 does not divide num_attention_heads 4");
        expectError(editedCopy(tmp, "llama_gqa",
                               [](auto& c) {
                                   c["rope_scaling"] = {{"rope_type", "yarn"}};
                               }),
                    "rope_scaling type \"yarn\" is not supported");
        expectError(editedCopy(tmp, "llama_gqa", [](auto& c) { c.erase("hidden_size"); }),
                    "config.json: key 'hidden_size': missing");
        expectError(editedCopy(tmp, "mixtral_top2", [](auto& c) { c["num_experts_per_tok"] = 5; }),
                    "key 'num_experts_per_tok': 5 is more than the 4 experts");
        // Tied in the config but the file has an untied head: fine (the head is ignored); untied in the
        // config without lm_head.weight: named.
        expectError(editedCopy(tmp, "qwen2_tied", [](auto& c) { c["tie_word_embeddings"] = false; }),
                    "lm_head.weight: missing");
        const std::string noConfig = tmp.path().toStdString() + "/no_config";
        fs::create_directories(noConfig);
        fs::copy_file(kDir + "/llama_gqa/pytorch_model.bin", noConfig + "/pytorch_model.bin");
        expectError(noConfig, "config.json: cannot open config");
        std::ofstream(noConfig + "/config.json") << "{\"architectures\": [";
        expectError(noConfig, "config.json: config is not valid JSON");
    }

    void tokenIdsOutsideTheVocabularyAreRefused()
    {
        auto model = CausalLm::open(kDir + "/llama_gqa");
        at::NoGradGuard noGrad;
        try {
            model->forward(at::full({1, 3}, int64_t(64), at::kLong));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("token id 64 is outside the vocabulary of 64"), e.what());
        }
        QVERIFY_EXCEPTION_THROWN(windowedNll(*model, {1, 2, 3}, 1), InputError);
    }
};

QTEST_GUILESS_MAIN(TestCausalLm)
#include "tst_causal_lm.moc"
