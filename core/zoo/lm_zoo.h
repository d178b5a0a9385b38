// The language-model demo sets (lm-tiny for tests, lm-demo for people): a Llama-architecture base
// with its own SentencePiece tokenizer, pretrained here on text Debian packages ship, and one
// fine-tune per domain (code, arithmetic, verse, definitions). Every model is a Hugging Face folder.
#pragma once

#include "jobs/job.h"
#include "models/causal_lm_config.h"
#include "zoo/lm_corpus.h"
#include "zoo/lm_trainer.h"

#include <map>
#include <string>
#include <vector>

namespace mergelab {

struct LmZooPreset {
    std::string name;
    CausalLmConfig config; // vocabSize is the tokenizer's size
    LmCorpusSizes corpus;
    double domainShareInPretraining = 0.05;
    int64_t choiceQuestions = 100; // per domain and held-out split
    LmTrainSettings pretrain;
    LmTrainSettings finetune;
};

// Whether `name` names an LM preset ("lm-tiny", "lm-demo").
bool isLmZooPreset(const std::string& name);
// Throws InputError for other names.
LmZooPreset lmZooPreset(const std::string& name);

// One model of the built set on every domain's test split: held-out perplexity and multiple-choice
// accuracy (eval/lm_evaluator.h, the same scoring as `mergelab-cli eval`).
struct LmZooScores {
    std::string model; // "base" or the domain it was fine-tuned on
    std::map<std::string, double> perplexity;
    std::map<std::string, double> accuracy;
};

struct LmZooReport {
    std::string projectPath;
    std::string preset;
    uint64_t seed = 0;
    double seconds = 0;
    int64_t pretrainTokens = 0;
    std::map<std::string, int64_t> domainTokens; // training tokens per domain
    std::vector<LmZooScores> scores;
};

// Builds the set into `outDir` (must be missing or empty): tokenizer, base, fine-tunes as HF folders
// (config.json, model.safetensors, tokenizer.model, tokenizer_config.json, generation_config.json,
// README.md), held-out texts under data/, the project file lm.mergelab.json and a model card.
// Built in a temporary folder and renamed into place, so a cancelled build leaves nothing.
// Deterministic for a seed.
class LmZooBuildJob : public Job {
public:
    LmZooBuildJob(std::string outDir, LmZooPreset preset, uint64_t seed);
    std::string name() const override { return "Build language-model set (" + m_preset.name + ")"; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const LmZooReport& report() const { return m_report; }

private:
    std::string m_outDir;
    LmZooPreset m_preset;
    uint64_t m_seed;
    LmZooReport m_report;
};

} // namespace mergelab
