// Training loops of the zoo: pretraining, prototype heads, fine-tuning with a frozen head.
#include "zoo/trainer.h"

#include "jobs/job.h"

#include <torch/torch.h>

#include <cmath>
#include <random>

namespace mergelab {

double scheduledLearningRate(double peak, int64_t step, int64_t steps, int64_t warmupSteps)
{
    if (step < warmupSteps)
        return peak * double(step + 1) / double(warmupSteps);
    const double t = double(step - warmupSteps) / double(std::max<int64_t>(1, steps - warmupSteps));
    return peak * (0.05 + 0.95 * 0.5 * (1 + std::cos(3.14159265358979 * t)));
}

void applyScheduledLearningRate(torch::optim::AdamW& optimizer, double peak, int64_t step, int64_t steps,
                                int64_t warmupSteps)
{
    const double lr = scheduledLearningRate(peak, step, steps, warmupSteps);
    for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

at::Tensor cosineLogits(const at::Tensor& embeddings, const at::Tensor& weight)
{
    return at::matmul(embeddings / embeddings.norm(2, -1, true).clamp_min(1e-12), weight.t());
}

void trainClassifier(ClipVisionModel& model, at::Tensor& head, bool headTrainable, const at::Tensor& inputs,
                     const at::Tensor& labels, const TrainSettings& settings, uint64_t seed,
                     const std::function<void(int64_t, double)>& report, const CancelToken& cancel)
{
    model->train();
    std::vector<at::Tensor> params = model->parameters();
    if (headTrainable) {
        head = head.detach().clone().set_requires_grad(true);
        params.push_back(head);
    }
    torch::optim::AdamW optimizer(params,
                                  torch::optim::AdamWOptions(settings.learningRate).weight_decay(settings.weightDecay));
    std::mt19937_64 rng(seed);
    const int64_t n = inputs.size(0);
    std::uniform_int_distribution<int64_t> pick(0, n - 1);
    double runningLoss = 0;
    for (int64_t step = 0; step < settings.steps; ++step) {
        throwIfCancelled(cancel);
        applyScheduledLearningRate(optimizer, settings.learningRate, step, settings.steps, settings.warmupSteps);
        std::vector<int64_t> idx(static_cast<std::size_t>(settings.batchSize));
        for (auto& i : idx)
            i = pick(rng);
        const at::Tensor index = torch::tensor(idx, torch::kLong);
        const at::Tensor x = inputs.index_select(0, index), y = labels.index_select(0, index);
        optimizer.zero_grad();
        const auto lossAt = [&] {
            const at::Tensor weight =
                headTrainable ? settings.logitScale * head / head.norm(2, -1, true).clamp_min(1e-12) : head;
            return torch::nn::functional::cross_entropy(cosineLogits(model->forward(x), weight), y);
        };
        const at::Tensor loss = lossAt();
        loss.backward();
        if (settings.sam) {
            // Ascent to theta + e, e = rho * g / ||g||; the gradient there is applied at theta.
            std::vector<at::Tensor> ascent;
            ascent.reserve(params.size());
            {
                torch::NoGradGuard noGrad;
                double sq = 0;
                for (const at::Tensor& p : params)
                    if (p.grad().defined())
                        sq += p.grad().pow(2).sum().item<double>();
                const double scale = settings.samRho / std::max(std::sqrt(sq), 1e-12);
                for (at::Tensor& p : params) {
                    at::Tensor e = p.grad().defined() ? p.grad() * scale : at::zeros_like(p);
                    p.add_(e);
                    ascent.push_back(e);
                }
            }
            optimizer.zero_grad();
            lossAt().backward();
            torch::NoGradGuard noGrad;
            for (std::size_t i = 0; i < params.size(); ++i)
                params[i].sub_(ascent[i]);
        }
        torch::nn::utils::clip_grad_norm_(params, 1.0);
        optimizer.step();
        runningLoss = step == 0 ? loss.item<double>() : 0.9 * runningLoss + 0.1 * loss.item<double>();
        if (report && ((step + 1) % 25 == 0 || step + 1 == settings.steps))
            report(step + 1, runningLoss);
    }
    model->eval();
    if (headTrainable)
        head = (settings.logitScale * head / head.norm(2, -1, true).clamp_min(1e-12)).detach();
}

at::Tensor fitPrototypeHead(ClipVisionModel& model, const at::Tensor& inputs, const at::Tensor& labels, int64_t classes,
                            double logitScale)
{
    torch::NoGradGuard noGrad;
    model->eval();
    std::vector<at::Tensor> chunks;
    for (int64_t start = 0; start < inputs.size(0); start += 256) {
        at::Tensor e = model->forward(inputs.slice(0, start, std::min(inputs.size(0), start + 256)));
        chunks.push_back(e / e.norm(2, -1, true).clamp_min(1e-12));
    }
    const at::Tensor features = at::cat(chunks, 0);
    at::Tensor sums = at::zeros({classes, features.size(1)});
    sums.index_add_(0, labels, features);
    return logitScale * sums / sums.norm(2, -1, true).clamp_min(1e-12);
}

} // namespace mergelab
