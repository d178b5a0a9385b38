// The live-tuning path: base, fine-tuned parameters and a validation subset stay in memory; a new
// Recipe -> per-tensor merge -> accuracy of every task. The merge is the export's: one MergePlan
// over the in-memory inputs resolves every tensor's parameters (depth, gradients, overrides, seed)
// and the registry's methods merge, so the tuner's tensors equal the exported file's bit for bit.
// Two caches keep a new coefficient cheap and exact: the task vectors θi − θ0, and per tensor the
// task arithmetic family's merged delta before lambda (a new lambda alone costs one scale and add).
#pragma once

#include "eval/evaluator.h"
#include "eval/lm_completion.h"
#include "eval/lm_evaluator.h"
#include "merge/merge_engine.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mergelab {

// Thread-safe: calls are serialised; cancel a superseded call with its CancelToken.
class MergeTuner {
public:
    // Loads the project's base and fine-tuned checkpoints (all float32, in memory), its
    // architecture, heads and the first `samplesPerTask` samples of `split` of each task.
    MergeTuner(const ModelSet& set, int64_t samplesPerTask = 256, const std::string& split = "val");
    ~MergeTuner();

    // A recipe over this tuner's inputs with `method` and scalar parameters: params.global (where
    // "seed" sets Recipe::seed) and params.perModel (aligned with modelNames()). For callers that
    // vary plain numbers (sweeps, benchmarks). Throws InputError for more per-model entries than models.
    Recipe recipe(const std::string& method, const TensorParams& params = {}) const;
    // Merges `recipe` (its base and models must be this tuner's, or empty) over the in-memory
    // inputs: float32 tensors equal to those MergeJob writes from the same recipe. Throws InputError
    // for an unknown method or a bad parameter (as MergePlan does), CancelledError when cancelled.
    std::map<std::string, at::Tensor> merge(const Recipe& recipe, const CancelToken& cancel);
    // merge() then evaluate all tasks on the kept samples.
    EvalResult evaluate(const Recipe& recipe, Progress& progress, const CancelToken& cancel);
    // Evaluates in-memory parameters (e.g. one of the inputs) on the kept samples.
    EvalResult evaluateTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                               Progress& progress, const CancelToken& cancel);

    const std::vector<std::string>& modelNames() const { return m_modelNames; }
    const std::map<std::string, at::Tensor>& base() const { return m_base; }
    const std::vector<std::map<std::string, at::Tensor>>& models() const { return m_models; }
    // Evaluation samples per task and split the tuner was built with. InputError when the project
    // has no image architecture (a language-model project: see evaluateLm).
    const Evaluator& evaluator() const;

    // Language-model projects (tasks with held-out text or choices, eval/lm_evaluator.h): whether this
    // is one, and merge() then every LM task on the tuner's split, the model built from the base
    // folder's config.json and tokenizer.
    bool isLanguageModel() const { return m_lm != nullptr; }
    LmEvalResult evaluateLm(const Recipe& recipe, Progress& progress, const CancelToken& cancel);
    // Every LM task for in-memory parameters (base(), one of models(), a merge()), labelled `label`.
    LmEvalResult evaluateLmTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                                   Progress& progress, const CancelToken& cancel);
    // Completes `prompt` with in-memory parameters (completePrompt: the CLI's generate on a folder
    // holding these tensors), or with merge(recipe). InputError on an image project. Runs beside an
    // evaluation (the model is built per call; the inputs are only read).
    LmCompletion generateLm(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                            const std::string& prompt, const GenerateOptions& options, const CancelToken& cancel) const;
    LmCompletion generateLm(const Recipe& recipe, const std::string& prompt, const GenerateOptions& options,
                            const CancelToken& cancel);

private:
    // A tensor's merged delta before lambda and the parameters (except lambda) it was made with.
    struct KeptDelta {
        std::string key;
        at::Tensor delta;
    };
    void checkInputs(const Recipe& recipe) const;

    std::mutex m_mutex;                                           // one evaluation at a time
    std::mutex m_cacheMutex;                                      // the caches below
    std::vector<std::map<std::string, at::Tensor>> m_taskVectors; // θi - θ0, made on first use
    std::map<std::string, KeptDelta> m_kept;                      // per tensor name
    std::unique_ptr<Evaluator> m_evaluator;                       // image projects
    struct LmInputs;
    std::unique_ptr<LmInputs> m_lm;   // language-model projects
    const LmInputs& lmInputs() const; // InputError on an image project
    std::map<std::string, at::Tensor> m_base;
    std::vector<std::map<std::string, at::Tensor>> m_models;
    std::vector<std::string> m_modelNames;
    std::string m_basePath;
    std::vector<std::string> m_modelPaths;
    MergeSources m_sources; // the same tensors as MemoryCheckpoints, for MergePlan
};

// One tuning evaluation as a Job (the GUI runs it on its pool; a newer one cancels the older).
class TuneJob : public Job {
public:
    TuneJob(std::shared_ptr<MergeTuner> tuner, Recipe recipe);
    std::string name() const override { return "Evaluate " + m_recipe.method; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const EvalResult& result() const { return m_result; }

private:
    std::shared_ptr<MergeTuner> m_tuner;
    Recipe m_recipe;
    EvalResult m_result;
};

} // namespace mergelab
