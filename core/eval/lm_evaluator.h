// Language-model tasks of a project (TaskEntry::text): held-out perplexity of a model per task, the
// LM counterpart of eval/evaluator.h's accuracies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

class CancelToken;
class CausalLm;
class ModelSet;
class Progress;
class Tokenizer;

struct LmTaskScore {
    std::string name;
    // Held-out text (when the task has one).
    int64_t tokens = 0; // predicted tokens
    double nll = 0;     // mean, nats
    // Multiple choice (when the task has choices): lm-eval's acc (highest summed log-likelihood) and
    // acc_norm (highest log-likelihood per byte of the choice).
    int64_t questions = 0;
    double accuracy = 0;
    double accuracyNorm = 0;

    bool hasText() const { return tokens > 0; }
    bool hasChoices() const { return questions > 0; }
    double perplexity() const;
};

struct LmEvalResult {
    std::string model;
    std::string split;
    int64_t context = 0;
    std::vector<LmTaskScore> tasks;
    // Mean over tasks with text of the per-task mean NLL (each task weighs the same) and its
    // exponential; mean accuracy over tasks with choices. NaN when no task has one.
    double meanNll() const;
    double perplexity() const;
    double meanAccuracy() const;
    // {"model", "split", "context", "tasks": [{"name", "perplexity", "nll", "tokens", "accuracy",
    // "accuracy_norm", "questions"}], "nll", "perplexity", "accuracy"} (keys of what was measured)
    std::string toJson() const;
};

// Whether the project has language-model tasks (any task with a text or choices).
bool hasLmTasks(const ModelSet& set);

// Every LM task on `split`: its text tokenized as a whole (BOS first when the tokenizer adds it) and
// scored in windows of the model's default context (eval/lm_eval.h); its choices scored as lm-eval
// does (context and context + choice tokenized, the choice's tokens the difference). One-line errors
// naming a missing or malformed file.
LmEvalResult evaluateLmTasks(const CausalLm& model, const Tokenizer& tokenizer, const ModelSet& set,
                             const std::string& split, Progress& progress, const CancelToken& cancel);

// A model folder (config.json, weights, its own tokenizer: a fine-tune, a merge, a BTX MoE) scored on
// the project's LM tasks; result.model is the path.
LmEvalResult evaluateLmModel(const std::string& modelPath, const ModelSet& set, const std::string& split,
                             Progress& progress, const CancelToken& cancel);

} // namespace mergelab
