#include "zoo/lm_trainer.h"

#include "common/error.h"
#include "jobs/job.h"
#include "models/causal_lm.h"
#include "zoo/trainer.h"

#include <torch/torch.h>

#include <random>

namespace mergelab {

TensorMap initCausalLmWeights(const CausalLmConfig& config, uint64_t seed)
{
    at::Generator gen = at::detail::createCPUGenerator(seed);
    TensorMap out;
    for (const auto& [name, shape] : config.expectedTensors()) {
        const bool norm = name.find("norm.weight") != std::string::npos;
        out[name] = norm ? at::ones(shape, at::kFloat) : at::normal(0.0, 0.02, shape, gen, at::kFloat);
    }
    return out;
}

void trainCausalLm(const CausalLmConfig& config, TensorMap& weights, const std::vector<int64_t>& tokens,
                   const LmTrainSettings& settings, uint64_t seed, const std::function<void(int64_t, double)>& report,
                   const CancelToken& cancel)
{
    const int64_t window = settings.context + 1;
    if (static_cast<int64_t>(tokens.size()) <= window)
        throw InputError("training text has " + std::to_string(tokens.size()) + " tokens, fewer than one window of " +
                         std::to_string(window));
    std::vector<at::Tensor> params;
    for (auto& [name, t] : weights) {
        t = t.to(at::kFloat).detach().contiguous().set_requires_grad(true);
        params.push_back(t);
    }
    // The model holds the same tensors as `weights`: the optimiser's in-place steps are what it runs.
    const CausalLm model(config, weights, "training");
    torch::optim::AdamW optimizer(params,
                                  torch::optim::AdamWOptions(settings.learningRate).weight_decay(settings.weightDecay));
    const at::Tensor stream =
        at::from_blob(const_cast<int64_t*>(tokens.data()), {static_cast<int64_t>(tokens.size())}, at::kLong);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> pick(0, static_cast<int64_t>(tokens.size()) - window);
    double smoothed = 0;
    for (int64_t step = 0; step < settings.steps; ++step) {
        throwIfCancelled(cancel);
        applyScheduledLearningRate(optimizer, settings.learningRate, step, settings.steps, settings.warmupSteps);
        std::vector<at::Tensor> rows;
        for (int64_t b = 0; b < settings.batchSize; ++b)
            rows.push_back(stream.narrow(0, pick(rng), window));
        const at::Tensor batch = at::stack(rows);
        const at::Tensor inputs = batch.narrow(1, 0, settings.context);
        const at::Tensor targets = batch.narrow(1, 1, settings.context);
        optimizer.zero_grad();
        const at::Tensor logits = model.forward(inputs);
        const at::Tensor loss =
            torch::nn::functional::cross_entropy(logits.reshape({-1, config.vocabSize}), targets.reshape({-1}));
        loss.backward();
        torch::nn::utils::clip_grad_norm_(params, 1.0);
        optimizer.step();
        const double value = loss.item<double>();
        smoothed = step == 0 ? value : 0.95 * smoothed + 0.05 * value;
        if (report && ((step + 1) % 25 == 0 || step + 1 == settings.steps))
            report(step + 1, smoothed);
    }
    for (auto& [name, t] : weights)
        t = t.detach().set_requires_grad(false);
}

} // namespace mergelab
