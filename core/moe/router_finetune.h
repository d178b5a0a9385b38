// BTX's short MoE fine-tune: the routers of an MoE ViT (optionally its experts too) trained on the
// tasks' mixed training data, cross-entropy through each task's frozen head plus the Switch/Mixtral
// load-balancing loss.
#pragma once

#include "eval/evaluator.h"
#include "io/tensor_map.h"
#include "jobs/job.h"
#include "models/causal_lm_config.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace mergelab {

class MoeVitBackbone;

// How the routers are trained.
struct RouterFinetuneOptions {
    int steps = 200;
    double learningRate = 1e-2;  // Adam
    double balanceWeight = 0.01; // weight of the load-balancing loss (Switch Transformer's 0.01)
    int64_t batchPerTask = 32;   // images (LM: text windows) of every task in each step, one forward for all
    int64_t context = 128;       // LM: tokens per window
    bool trainExperts = false;   // also train the experts' weights (routers only by default)
    uint64_t seed = 0;           // batch sampling
    int logEvery = 10;           // a Progress log line every this many steps (0: none)
};

// Loss of one step.
struct RouterFinetuneStep {
    int step = 0;
    double loss = 0;        // task + balanceWeight * balance
    double taskLoss = 0;    // mean over tasks of each task's cross-entropy
    double balanceLoss = 0; // mean over MoE layers; 1 = perfectly balanced, E = all tokens on one expert
};

// What the fine-tune produced.
struct RouterFinetuneResult {
    std::vector<RouterFinetuneStep> history;
    std::map<std::string, at::Tensor> routers; // router tensor name -> trained [E, hidden] (detached)
    std::map<std::string, at::Tensor> experts; // expert tensor name -> trained tensor (trainExperts only)
    std::map<int, std::vector<double>> usage;  // layer -> share of top-k slots per expert, last step
};

// Switch/Mixtral load-balancing loss of one layer: E * sum_e f_e P_e, f_e = share of the top-k slots
// given to expert e (from `selected` [N, k]), P_e = mean router probability of e (from `probs` [N, E],
// differentiable). 1 when routing is uniform.
at::Tensor loadBalancingLoss(const at::Tensor& probs, const at::Tensor& selected);

// Trains the model's routers in place on `tasks` (training inputs, labels, frozen heads): every step
// draws batchPerTask samples from each task, runs them through the model in one batch and takes an
// Adam step on the mean task cross-entropy + balanceWeight x load-balancing loss. Progress and the
// loss per step; checks cancel per step. Throws InputError when there is no task or no MoE layer.
RouterFinetuneResult finetuneRouters(MoeVitBackbone& model, const std::vector<EvalTask>& tasks,
                                     const RouterFinetuneOptions& options, Progress& progress,
                                     const CancelToken& cancel);

// The same for a language model with MoE layers (a Mixtral-format BTX output, config + weights in
// memory): every step draws batchPerTask windows of context + 1 tokens from each task's token stream,
// runs them in one batch and takes an Adam step on the mean over tasks of the next-token cross-entropy
// + balanceWeight x load-balancing loss. Only the routers train (float32 copies; `weights` is taken by
// value and left to the caller unchanged). Router names as in the checkpoint.
RouterFinetuneResult finetuneLmRouters(const CausalLmConfig& config, TensorMap weights,
                                       const std::vector<std::vector<int64_t>>& taskTokens,
                                       const RouterFinetuneOptions& options, Progress& progress,
                                       const CancelToken& cancel);

// finetuneRouters() as a Job: loads the MoE ViT at `modelPath` and the train split of the project's
// tasks (at most `trainLimit` samples each; < 0: all).
class RouterFinetuneJob : public Job {
public:
    RouterFinetuneJob(std::string modelPath, std::string projectPath, RouterFinetuneOptions options,
                      int64_t trainLimit = 2048);
    std::string name() const override { return "Router fine-tuning"; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const RouterFinetuneResult& result() const { return m_result; }

private:
    std::string m_modelPath;
    std::string m_projectPath;
    RouterFinetuneOptions m_options;
    int64_t m_trainLimit;
    RouterFinetuneResult m_result;
};

} // namespace mergelab
