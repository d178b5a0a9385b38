// Router fine-tuning: one batch holds every task's samples, so a step is one forward and one backward
// through the MoE ViT; only the routers (small [E, hidden] matrices) get gradients and Adam state.
#include "moe/router_finetune.h"

#include "common/error.h"
#include "io/model_set.h"
#include "moe/moe_vit.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <cstdio>

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

RouterFinetuneResult finetuneRouters(MoeVitBackbone& model, const std::vector<EvalTask>& tasks,
                                     const RouterFinetuneOptions& options, Progress& progress,
                                     const CancelToken& cancel)
{
    if (tasks.empty())
        throw InputError("router fine-tuning: no task to train on");
    if (model.blocks().empty())
        throw InputError("router fine-tuning: the model has no MoE layer");
    if (options.steps < 0 || options.batchPerTask < 1 || !(options.learningRate > 0))
        throw InputError("router fine-tuning: steps must be >= 0, batch >= 1 and learning rate > 0");
    for (const EvalTask& t : tasks)
        if (t.labels.numel() == 0)
            throw InputError("router fine-tuning: task '" + t.name + "' has no training samples");

    // Small ops: one intra-op thread avoids OpenMP spin-waits on a busy machine (measured ~10x).
    ScopedThreadSettings oneThread(1);
    c10::InferenceMode off(false); // callers may run under inference mode; training needs autograd
    at::AutoGradMode grad(true);
    Adam adam(model.setTrainable(true, options.trainExperts), options.learningRate);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    RouterFinetuneResult result;
    const double total = static_cast<double>(std::max(options.steps, 1));
    try {
        for (int step = 0; step < options.steps; ++step) {
            throwIfCancelled(cancel);
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
            MoeRouting routing;
            routing.keepInputs = false;
            const at::Tensor embeds = model.embed(at::cat(inputs), &routing);
            at::Tensor taskLoss = at::zeros({}, embeds.options());
            int64_t offset = 0;
            for (std::size_t i = 0; i < tasks.size(); ++i) {
                const at::Tensor logits = tasks[i].head.logits(embeds.narrow(0, offset, sizes[i]));
                taskLoss = taskLoss + at::nll_loss(at::log_softmax(logits, 1), labels[i]);
                offset += sizes[i];
            }
            taskLoss = taskLoss / static_cast<double>(tasks.size());
            at::Tensor balance = at::zeros({}, embeds.options());
            for (const auto& [layer, probs] : routing.probs)
                balance = balance + loadBalancingLoss(probs, routing.selected.at(layer).back());
            balance = balance / static_cast<double>(routing.probs.size());
            const at::Tensor loss = taskLoss + options.balanceWeight * balance;
            loss.backward();
            adam.step();

            RouterFinetuneStep s;
            s.step = step + 1;
            s.loss = loss.item<double>();
            s.taskLoss = taskLoss.item<double>();
            s.balanceLoss = balance.item<double>();
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
                    at::Tensor counts =
                        at::bincount(flat, {}, experts).to(at::kDouble) / static_cast<double>(flat.numel());
                    result.usage[layer] =
                        std::vector<double>(counts.data_ptr<double>(), counts.data_ptr<double>() + experts);
                }
        }
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
    progress.update(total, total, "router fine-tuning done");
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
