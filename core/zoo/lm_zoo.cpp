#include "zoo/lm_zoo.h"

#include "common/error.h"
#include "common/version.h"
#include "eval/lm_evaluator.h"
#include "io/atomic_output.h"
#include "io/model_set.h"
#include "io/tensor_map.h"
#include "models/causal_lm.h"
#include "text/sentencepiece_tokenizer.h"
#include "text/sentencepiece_trainer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mergelab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

CausalLmConfig llamaConfig(int64_t vocab, int64_t hidden, int64_t layers, int64_t heads, int64_t kvHeads,
                           int64_t intermediate, int64_t context)
{
    CausalLmConfig c;
    c.architecture = "LlamaForCausalLM";
    c.family = LmFamily::Llama;
    c.vocabSize = vocab;
    c.hiddenSize = hidden;
    c.numLayers = layers;
    c.numHeads = heads;
    c.numKvHeads = kvHeads;
    c.headDim = hidden / heads;
    c.intermediateSize = intermediate;
    c.maxPositions = context;
    c.rmsNormEps = 1e-5;
    c.ropeTheta = 10000.0;
    c.bosTokenId = 1;
    c.eosTokenIds = {2};
    return c;
}

// [BOS] + ids of each document, concatenated: the training stream.
std::vector<int64_t> tokenStream(const Tokenizer& tokenizer, const std::vector<std::string>& documents)
{
    std::vector<int64_t> out;
    for (const std::string& d : documents) {
        out.push_back(tokenizer.bosId());
        const std::vector<int64_t> ids = tokenizer.encode(d);
        out.insert(out.end(), ids.begin(), ids.end());
    }
    return out;
}

std::string fmt(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void writeModelFolder(const fs::path& dir, const CausalLmConfig& config, const TensorMap& weights,
                      const std::string& tokenizerModel, const std::map<std::string, std::string>& meta,
                      const std::string& card)
{
    ensureFolder(dir.string());
    writeFileAtomically((dir / "config.json").string(), config.toJson().dump(2) + "\n");
    saveTensorMap((dir / "model.safetensors").string(), weights, meta);
    writeFileAtomically((dir / "tokenizer.model").string(), tokenizerModel);
    const json tokenizerConfig = {{"tokenizer_class", "LlamaTokenizer"},
                                  {"add_bos_token", true},
                                  {"add_eos_token", false},
                                  {"bos_token", "<s>"},
                                  {"eos_token", "</s>"},
                                  {"unk_token", "<unk>"},
                                  {"model_max_length", config.maxPositions}};
    writeFileAtomically((dir / "tokenizer_config.json").string(), tokenizerConfig.dump(2) + "\n");
    const json generation = {{"bos_token_id", 1}, {"eos_token_id", 2}, {"max_length", config.maxPositions}};
    writeFileAtomically((dir / "generation_config.json").string(), generation.dump(2) + "\n");
    writeFileAtomically((dir / "README.md").string(), card);
}

} // namespace

bool isLmZooPreset(const std::string& name)
{
    return name == "lm-tiny" || name == "lm-demo";
}

LmZooPreset lmZooPreset(const std::string& name)
{
    LmZooPreset p;
    p.name = name;
    if (name == "lm-tiny") {
        p.config = llamaConfig(384, 64, 2, 4, 2, 176, 64);
        p.corpus = {60000, 4000};
        p.choiceQuestions = 24;
        p.pretrain = {150, 16, 64, 4e-3, 0.1, 15};
        p.finetune = {60, 16, 64, 2e-3, 0.1, 6};
    } else if (name == "lm-demo") {
        p.config = llamaConfig(1024, 128, 4, 4, 2, 352, 128);
        p.corpus = {300000, 12000};
        p.pretrain = {600, 16, 128, 3e-3, 0.1, 50};
        p.finetune = {120, 16, 128, 1e-3, 0.1, 12};
        p.choiceQuestions = 60;
    } else {
        throw InputError("unknown language-model preset \"" + name + "\" (lm-tiny, lm-demo)");
    }
    return p;
}

LmZooBuildJob::LmZooBuildJob(std::string outDir, LmZooPreset preset, uint64_t seed)
    : m_outDir(std::move(outDir)), m_preset(std::move(preset)), m_seed(seed)
{}

void LmZooBuildJob::run(Progress& progress, const CancelToken& cancel)
{
    const auto started = std::chrono::steady_clock::now();
    const LmZooPreset& p = m_preset;
    const fs::path out = fs::absolute(fs::path(m_outDir)).lexically_normal();
    if (fs::exists(out) && !fs::is_empty(out))
        throw InputError(out.string(), {}, "folder exists and is not empty; choose another --out");
    ensureFolder(out.parent_path().string());
    AtomicOutput output(out.string(), AtomicOutput::Kind::Folder);
    const fs::path partial = output.path();
    ensureFolder((partial / "data").string());
    auto report = [&](double percent, const std::string& message) { progress.update(percent, 100, message); };

    // 1. Text and tokenizer.
    report(0, "collecting text");
    const std::vector<LmDomainText> domains = loadLmDomains(p.corpus, m_seed);
    const LmDomainText general = loadLmPretrainText(domains, p.corpus, p.domainShareInPretraining, m_seed);
    throwIfCancelled(cancel);
    report(2, "training the tokenizer");
    std::vector<std::string> lines;
    auto addLines = [&](const std::vector<std::string>& documents) {
        for (const std::string& d : documents)
            for (std::string& line : splitLines(d))
                if (!line.empty())
                    lines.push_back(std::move(line));
    };
    addLines(general.train);
    for (const LmDomainText& d : domains)
        addLines(d.train);
    SentencePieceTrainOptions spOptions;
    spOptions.vocabSize = p.config.vocabSize;
    const std::string tokenizerModel = trainSentencePiece(lines, spOptions);
    const fs::path tokenizerPath = partial / "tokenizer.model";
    writeFileAtomically(tokenizerPath.string(), tokenizerModel);
    const SentencePieceTokenizer tokenizer(tokenizerPath.string());
    CausalLmConfig config = p.config;
    config.vocabSize = tokenizer.vocabSize();

    // 2. Base: pretraining on the general text.
    const std::vector<int64_t> pretrainTokens = tokenStream(tokenizer, general.train);
    m_report.pretrainTokens = static_cast<int64_t>(pretrainTokens.size());
    TensorMap base = initCausalLmWeights(config, m_seed);
    trainCausalLm(
        config, base, pretrainTokens, p.pretrain, m_seed + 11,
        [&](int64_t step, double loss) {
            report(5 + 45.0 * double(step) / double(p.pretrain.steps), "pretraining base (loss " + fmt(loss, 3) + ")");
            progress.log("pretrain step " + std::to_string(step) + " loss " + fmt(loss, 4));
        },
        cancel);

    // 3. One fine-tune per domain, from the base.
    std::map<std::string, TensorMap> finetuned;
    const double nDomains = static_cast<double>(domains.size());
    for (size_t i = 0; i < domains.size(); ++i) {
        const LmDomainText& d = domains[i];
        const std::vector<int64_t> stream = tokenStream(tokenizer, d.train);
        m_report.domainTokens[d.name] = static_cast<int64_t>(stream.size());
        TensorMap weights;
        for (const auto& [name, t] : base)
            weights[name] = t.clone();
        const double begin = 50 + 40.0 * double(i) / nDomains;
        trainCausalLm(
            config, weights, stream, p.finetune, m_seed + 100 + i,
            [&](int64_t step, double loss) {
                report(begin + 40.0 / nDomains * double(step) / double(p.finetune.steps),
                       "fine-tuning on " + d.name + " (loss " + fmt(loss, 3) + ")");
                progress.log("finetune " + d.name + " step " + std::to_string(step) + " loss " + fmt(loss, 4));
            },
            cancel);
        finetuned[d.name] = std::move(weights);
    }

    // 4. Held-out texts and questions, the project's tasks, and every model on every domain (test split),
    //    scored as `mergelab-cli eval` scores them.
    ModelSet set;
    set.name = "MergeLab language models (" + p.name + ")";
    set.base = {"base", (partial / "base").string()};
    for (size_t i = 0; i < domains.size(); ++i) {
        const LmDomainText& d = domains[i];
        for (const char* split : {"val", "test"}) {
            const auto& documents = std::string(split) == "val" ? d.val : d.test;
            const fs::path stem = partial / "data" / (d.name + "." + split);
            writeFileAtomically(stem.string() + ".txt", joinDocuments(documents));
            writeFileAtomically(stem.string() + ".choices.jsonl",
                                makeChoiceQuestions(d.name, documents, p.choiceQuestions, m_seed + 200 + i));
        }
        // The fine-tune's own training text: what data-driven merges (BTX routers) may learn from.
        writeFileAtomically((partial / "data" / (d.name + ".train.txt")).string(), joinDocuments(d.train));
        set.models.push_back({d.name, (partial / d.name).string(), kColors[i % 6], d.name});
        TaskEntry task;
        task.name = d.name;
        task.text = (partial / "data" / (d.name + ".{split}.txt")).string();
        task.choices = (partial / "data" / (d.name + ".{split}.choices.jsonl")).string();
        set.tasks.push_back(task);
    }
    std::vector<std::pair<std::string, const TensorMap*>> models = {{"base", &base}};
    for (const LmDomainText& d : domains)
        models.emplace_back(d.name, &finetuned.at(d.name));
    NullProgress quiet;
    for (size_t m = 0; m < models.size(); ++m) {
        report(90 + 10.0 * double(m) / double(models.size()), "evaluating " + models[m].first);
        const CausalLm model(config, *models[m].second, models[m].first);
        LmZooScores s;
        s.model = models[m].first;
        for (const LmTaskScore& t : evaluateLmTasks(model, tokenizer, set, "test", quiet, cancel).tasks) {
            s.perplexity[t.name] = t.perplexity();
            s.accuracy[t.name] = t.accuracy;
        }
        m_report.scores.push_back(s);
    }
    m_report.preset = p.name;
    m_report.seed = m_seed;

    // 5. Model folders, project file, model card.
    std::string table = "| model |";
    for (const LmDomainText& d : domains)
        table += " " + d.name + " |";
    table += "\n|---|";
    for (size_t i = 0; i < domains.size(); ++i)
        table += "---:|";
    table += "\n";
    for (const LmZooScores& s : m_report.scores) {
        table += "| " + s.model + " |";
        for (const LmDomainText& d : domains)
            table += " " + fmt(s.perplexity.at(d.name), 2) + " (" + fmt(100 * s.accuracy.at(d.name), 0) + "%) |";
        table += "\n";
    }
    const std::map<std::string, std::string> meta = {{"mergelab_zoo_preset", p.name},
                                                     {"mergelab_zoo_seed", std::to_string(m_seed)}};
    auto card = [&](const std::string& model, const std::string& what) {
        std::string c = "# " + model + " (MergeLab " + p.name + ")\n\n" + what + "\n\n";
        c += "A LlamaForCausalLM with " + std::to_string(config.numLayers) + " layers, hidden size " +
             std::to_string(config.hiddenSize) + ", " + std::to_string(config.numHeads) + " heads (" +
             std::to_string(config.numKvHeads) + " key/value heads), a " + std::to_string(config.vocabSize) +
             "-piece SentencePiece tokenizer and a context of " + std::to_string(config.maxPositions) +
             " tokens, trained on this machine by `mergelab-cli zoo build --preset " + p.name + " --seed " +
             std::to_string(m_seed) + "` (MergeLab " + kMergeLabVersion + ").\n\n";
        c += "Held-out perplexity per domain (test split, windows of " + std::to_string(config.maxPositions) +
             " tokens; lower is better), and in brackets the accuracy on " + std::to_string(p.choiceQuestions) +
             " four-way questions per domain (which line comes next, or which result of a sum is right; chance "
             "25%):\n\n" +
             table;
        return c;
    };
    writeModelFolder(partial / "base", config, base, tokenizerModel, meta,
                     card("base", "The pretrained base: general English from the fortunes collections, with " +
                                      fmt(100 * p.domainShareInPretraining, 0) + "% of each domain's training text."));
    for (const LmDomainText& d : domains) {
        auto m = meta;
        m["mergelab_zoo_task"] = d.name;
        writeModelFolder(partial / d.name, config, finetuned.at(d.name), tokenizerModel, m,
                         card(d.name, "The base fine-tuned on " + d.description + " (" + d.source + ")."));
    }
    fs::remove(tokenizerPath);

    set.save((partial / "lm.mergelab.json").string());

    m_report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_report.projectPath = (out / "lm.mergelab.json").string();
    json cardJson = {{"preset", p.name},
                     {"seed", m_seed},
                     {"seconds", m_report.seconds},
                     {"config", config.toJson()},
                     {"pretrain_tokens", m_report.pretrainTokens},
                     {"domain_tokens", m_report.domainTokens},
                     {"domains", json::array()},
                     {"test_perplexity", json::object()}};
    for (const LmDomainText& d : domains)
        cardJson["domains"].push_back({{"name", d.name}, {"description", d.description}, {"source", d.source}});
    cardJson["test_accuracy"] = json::object();
    for (const LmZooScores& s : m_report.scores) {
        cardJson["test_perplexity"][s.model] = s.perplexity;
        cardJson["test_accuracy"][s.model] = s.accuracy;
    }
    writeFileAtomically((partial / "model_card.json").string(), cardJson.dump(2) + "\n");
    std::string md = "# MergeLab language-model set (" + p.name + ")\n\n";
    md += "Built in " + fmt(m_report.seconds, 0) + " s on this machine, seed " + std::to_string(m_seed) +
          ". Base: " + std::to_string(m_report.pretrainTokens) + " pretraining tokens of " + general.description +
          ". Domains:\n\n";
    for (const LmDomainText& d : domains)
        md += "- **" + d.name + "**: " + d.description + " — " + d.source + ", " +
              std::to_string(m_report.domainTokens.at(d.name)) + " training tokens\n";
    md += "\nHeld-out perplexity (test split; lower is better) and, in brackets, four-way multiple-choice accuracy "
          "(chance 25%):\n\n" +
          table;
    writeFileAtomically((partial / "MODEL_CARD.md").string(), md);

    throwIfCancelled(cancel);
    output.commit();
    ModelSet::load(m_report.projectPath);
    report(100, "done");
}

} // namespace mergelab
