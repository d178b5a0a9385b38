// Router fine-tuning: one batch holds every task's samples, so a step is one forward and one backward
// through the MoE ViT; only the routers (small [E, hidden] matrices) get gradients and Adam state.
#include "moe/router_finetune.h"

#include "common/error.h"
#include "io/model_set.h"
#include "models/causal_lm.h"
#include "moe/moe_vit.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <cstdio>
#include <functional>

namespace mergelab {

namespace {

// Adam (Kingma & Ba) on a few tensors; written out because the optimiser is four lines and the
// torch::optim headers cost a long compile.
class Adam {
public:
    Adam(std::vector<at::Tensor> params, double lr) : m_params(std::move(params)), m_lr(lr)
    {
        for (const at::Tensor& p : m_params) {
            m_m.push_back(at::zeros_like(p).detach());
            m_v.push_back(at::zeros_like(p).detach());
        }
    }
    void step()
    {
        at::NoGradGuard noGrad;
        ++m_t;
        const double c1 = 1.0 - std::pow(m_beta1, m_t), c2 = 1.0 - std::pow(m_beta2, m_t);
        for (std::size_t i = 0; i < m_params.size(); ++i) {
            at::Tensor& p = m_params[i];
            if (!p.grad().defined())
                continue;
            const at::Tensor g = p.grad();
            m_m[i].mul_(m_beta1).add_(g, 1.0 - m_beta1);
            m_v[i].mul_(m_beta2).addcmul_(g, g, 1.0 - m_beta2);
            p.addcdiv_(m_m[i] / c1, (m_v[i] / c2).sqrt_().add_(1e-8), -m_lr);
            p.mutable_grad().zero_();
        }
    }

private:
    std::vector<at::Tensor> m_params, m_m, m_v;
    double m_lr;
    double m_beta1 = 0.9, m_beta2 = 0.999;
    int m_t = 0;
};

} // namespace

at::Tensor loadBalancingLoss(const at::Tensor& probs, const at::Tensor& selected)
{
    const int64_t experts = probs.size(-1);
    at::Tensor flat = selected.reshape({-1}).to(at::kLong);
    at::Tensor counts =
        at::zeros({experts}, at::TensorOptions().dtype(probs.scalar_type()))
            .index_add_(0, flat, at::ones({flat.size(0)}, at::TensorOptions().dtype(probs.scalar_type())));
    at::Tensor share = counts / static_cast<double>(std::max<int64_t>(flat.size(0), 1)); // f_e, sums to 1
    return (share * probs.reshape({-1, experts}).mean(0)).sum() * static_cast<double>(experts);
}

namespace {

void checkOptions(const RouterFinetuneOptions& options)
{
    if (options.steps < 0 || options.batchPerTask < 1 || !(options.learningRate > 0))
        throw InputError("router fine-tuning: steps must be >= 0, batch >= 1 and learning rate > 0");
}

// The loop every model shares: `taskLoss(routing)` runs one step's batch, recording what the MoE
// layers did, and returns the task loss; the loop adds the load-balancing loss (mean over MoE
// layers), takes an Adam step on `params`, logs, and keeps the last step's expert usage.
void trainRouters(std::vector<at::Tensor> params, const RouterFinetuneOptions& options, Progress& progress,
                  const CancelToken& cancel, const std::function<at::Tensor(MoeRouting&)>& taskLossOf,
                  RouterFinetuneResult& result)
{
    c10::InferenceMode off(false); // callers may run under inference mode; training needs autograd
    at::AutoGradMode grad(true);
    Adam adam(std::move(params), options.learningRate);
    const double total = static_cast<double>(std::max(options.steps, 1));
    for (int step = 0; step < options.steps; ++step) {
        throwIfCancelled(cancel);
        MoeRouting routing;
        routing.keepInputs = false;
        const at::Tensor taskLoss = taskLossOf(routing);
        at::Tensor balance = at::zeros({}, taskLoss.options());
        for (const auto& [layer, probs] : routing.probs)
            balance = balance + loadBalancingLoss(probs, routing.selected.at(layer).back());
        balance = balance / static_cast<double>(std::max<std::size_t>(routing.probs.size(), 1));
        const at::Tensor loss = taskLoss + options.balanceWeight * balance;
        loss.backward();
        adam.step();

        RouterFinetuneStep s;
        s.step = step + 1;
        s.loss = loss.item<double>();
        s.taskLoss = taskLoss.item<double>();
        s.balanceLoss = balance.item<double>();
        if (!std::isfinite(s.loss))
            throw InputError("router fine-tuning: the loss is not finite at step " + std::to_string(s.step) +
                             " (NaN weights, or a learning rate too high)");
        result.history.push_back(s);
        char line[128];
        std::snprintf(line, sizeof line, "step %d/%d  loss %.4f  task %.4f  balance %.4f", s.step, options.steps,
                      s.loss, s.taskLoss, s.balanceLoss);
        if (options.logEvery > 0 && (s.step % options.logEvery == 0 || s.step == 1 || s.step == options.steps))
            progress.log(line);
        progress.update(s.step, total, line);
        if (step + 1 == options.steps)
            for (const auto& [layer, selected] : routing.selected) {
                const int64_t experts = routing.probs.at(layer).size(1);
                at::Tensor flat = selected.back().reshape({-1});
                at::Tensor counts = at::bincount(flat, {}, experts).to(at::kDouble) / static_cast<double>(flat.numel());
                result.usage[layer] =
                    std::vector<double>(counts.data_ptr<double>(), counts.data_ptr<double>() + experts);
            }
    }
}

} // namespace

RouterFinetuneResult finetuneRouters(MoeVitBackbone& model, const std::vector<EvalTask>& tasks,
                                     const RouterFinetuneOptions& options, Progress& progress,
                                     const CancelToken& cancel)
{
    if (tasks.empty())
        throw InputError("router fine-tuning: no task to train on");
    if (model.blocks().empty())
        throw InputError("router fine-tuning: the model has no MoE layer");
    checkOptions(options);
    for (const EvalTask& t : tasks)
        if (t.labels.numel() == 0)
            throw InputError("router fine-tuning: task '" + t.name + "' has no training samples");

    // Small ops: one intra-op thread avoids OpenMP spin-waits on a busy machine (measured ~10x).
    ScopedThreadSettings oneThread(1);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    RouterFinetuneResult result;
    const auto taskLossOf = [&](MoeRouting& routing) {
        std::vector<at::Tensor> inputs, labels;
        std::vector<int64_t> sizes;
        for (const EvalTask& t : tasks) {
            const int64_t n = t.labels.size(0);
            at::Tensor pick =
                at::randint(n, {std::min(options.batchPerTask, n)}, gen, at::TensorOptions().dtype(at::kLong));
            inputs.push_back(t.inputs.index_select(0, pick));
            labels.push_back(t.labels.index_select(0, pick));
            sizes.push_back(pick.size(0));
        }
        const at::Tensor embeds = model.embed(at::cat(inputs), &routing);
        at::Tensor taskLoss = at::zeros({}, embeds.options());
        int64_t offset = 0;
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            const at::Tensor logits = tasks[i].head.logits(embeds.narrow(0, offset, sizes[i]));
            taskLoss = taskLoss + at::nll_loss(at::log_softmax(logits, 1), labels[i]);
            offset += sizes[i];
        }
        return taskLoss / static_cast<double>(tasks.size());
    };
    try {
        trainRouters(model.setTrainable(true, options.trainExperts), options, progress, cancel, taskLossOf, result);
    } catch (const c10::Error& e) {
        model.setTrainable(false, false);
        throw InputError(std::string("router fine-tuning failed: ") + e.what_without_backtrace());
    } catch (...) {
        model.setTrainable(false, false);
        throw;
    }
    model.setTrainable(false, false);
    static const char* roles[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    for (const auto& [layer, block] : model.blocks()) {
        const std::string prefix = "vision_model.encoder.layers." + std::to_string(layer) + ".moe.";
        result.routers[prefix + "gate.weight"] = block.router.detach().clone();
        if (options.trainExperts)
            for (std::size_t e = 0; e < block.experts.size(); ++e)
                for (std::size_t r = 0; r < 4; ++r)
                    result.experts[prefix + "experts." + std::to_string(e) + "." + roles[r]] =
                        block.experts[e][r].detach().clone();
    }
    progress.update(static_cast<double>(options.steps), std::max(options.steps, 1), "router fine-tuning done");
    return result;
}

RouterFinetuneResult finetuneLmRouters(const CausalLmConfig& config, TensorMap weights,
                                       const std::vector<std::vector<int64_t>>& taskTokens,
                                       const RouterFinetuneOptions& options, Progress& progress,
                                       const CancelToken& cancel)
{
    if (taskTokens.empty())
        throw InputError("router fine-tuning: no task to train on");
    checkOptions(options);
    if (options.trainExperts)
        throw InputError("router fine-tuning: training the experts too is supported for the MoE ViT only");
    if (options.context < 1)
        throw InputError("router fine-tuning: the context must be at least 1 token");
    // Windows of context + 1 tokens (inputs and next-token targets), shorter when a task's text is.
    int64_t window = options.context + 1;
    for (const auto& tokens : taskTokens) {
        if (tokens.size() < 2)
            throw InputError("router fine-tuning: a task's text has fewer than 2 tokens");
        window = std::min<int64_t>(window, static_cast<int64_t>(tokens.size()));
    }
    // The routers become float32 leaves that require gradients; the model holds the same tensors,
    // so Adam's in-place steps are what it runs. Every other weight stays as it was, frozen.
    std::vector<std::string> names;
    {
        const CausalLm probe(config, weights, "router fine-tuning");
        for (int layer : probe.moeLayers())
            names.push_back(probe.routerName(layer));
    }
    if (names.empty())
        throw InputError("router fine-tuning: the model has no MoE layer");
    std::vector<at::Tensor> params;
    for (const std::string& name : names) {
        at::Tensor& t = weights.at(name);
        t = t.to(at::kFloat).detach().clone().set_requires_grad(true);
        params.push_back(t);
    }
    const CausalLm model(config, weights, "router fine-tuning");
    if (config.expertsPerToken == 1 && (config.family == LmFamily::Mixtral || config.normTopkProb))
        progress.log("note: top-1 routing renormalised over the chosen expert gives every token the weight 1, so the "
                     "task loss gives the routers no gradient; only the load-balancing loss trains them (use top-2)");
    std::vector<at::Tensor> streams;
    for (const auto& tokens : taskTokens)
        streams.push_back(at::tensor(at::ArrayRef<int64_t>(tokens), at::kLong));
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    RouterFinetuneResult result;
    const auto taskLossOf = [&](MoeRouting& routing) {
        std::vector<at::Tensor> rows;
        for (const at::Tensor& stream : streams) {
            at::Tensor starts = at::randint(stream.size(0) - window + 1, {options.batchPerTask}, gen,
                                            at::TensorOptions().dtype(at::kLong));
            at::Tensor offsets = at::arange(window, at::kLong);
            rows.push_back(stream.index_select(0, (starts.unsqueeze(1) + offsets).reshape({-1})).view({-1, window}));
        }
        const at::Tensor batch = at::cat(rows);
        const at::Tensor logits = model.forward(batch.narrow(1, 0, window - 1), nullptr, &routing);
        const at::Tensor targets = batch.narrow(1, 1, window - 1);
        at::Tensor taskLoss = at::zeros({}, logits.options());
        const int64_t per = options.batchPerTask;
        for (std::size_t i = 0; i < streams.size(); ++i) {
            const int64_t offset = static_cast<int64_t>(i) * per;
            const at::Tensor l = logits.narrow(0, offset, per).reshape({-1, logits.size(-1)});
            taskLoss = taskLoss + at::nll_loss(at::log_softmax(l, 1), targets.narrow(0, offset, per).reshape({-1}));
        }
        return taskLoss / static_cast<double>(streams.size());
    };
    try {
        trainRouters(params, options, progress, cancel, taskLossOf, result);
    } catch (const c10::Error& e) {
        throw InputError(std::string("router fine-tuning failed: ") + e.what_without_backtrace());
    }
    for (std::size_t i = 0; i < names.size(); ++i)
        result.routers[names[i]] = params[i].detach().clone();
    progress.update(static_cast<double>(options.steps), std::max(options.steps, 1), "router fine-tuning done");
    return result;
}

RouterFinetuneJob::RouterFinetuneJob(std::string modelPath, std::string projectPath, RouterFinetuneOptions options,
                                     int64_t trainLimit)
    : m_modelPath(std::move(modelPath)), m_projectPath(std::move(projectPath)), m_options(options),
      m_trainLimit(trainLimit)
{}

void RouterFinetuneJob::run(Progress& progress, const CancelToken& cancel)
{
    auto model = loadMoeVit(m_modelPath);
    const ModelSet set = ModelSet::load(m_projectPath);
    const std::vector<EvalTask> tasks = loadEvalTasks(set, "train", m_trainLimit);
    m_result = finetuneRouters(*model, tasks, m_options, progress, cancel);
}

} // namespace mergelab
