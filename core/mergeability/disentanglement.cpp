// Weight disentanglement: does adding other tasks' vectors change a task's predictions?
#include "mergeability/disentanglement.h"

#include "common/error.h"

#include <ATen/ATen.h>

namespace mergelab {

TensorMap addTaskVectors(const TensorMap& base, const std::vector<TensorMap>& taskVectors,
                         const std::vector<double>& coefficients)
{
    if (coefficients.size() != taskVectors.size())
        throw InputError("need one coefficient per task vector (" + std::to_string(taskVectors.size()) + "), got " +
                         std::to_string(coefficients.size()));
    at::NoGradGuard noGrad;
    TensorMap out;
    for (const auto& [name, b] : base) {
        at::Tensor t = b;
        for (std::size_t k = 0; k < taskVectors.size(); ++k) {
            if (coefficients[k] == 0)
                continue;
            auto it = taskVectors[k].find(name);
            if (it != taskVectors[k].end())
                t = t + coefficients[k] * it->second;
        }
        out[name] = t;
    }
    return out;
}

TensorMap taskVector(const TensorMap& base, const TensorMap& finetuned)
{
    at::NoGradGuard noGrad;
    TensorMap out;
    for (const auto& [name, b] : base) {
        auto it = finetuned.find(name);
        if (it == finetuned.end() || !at::isFloatingType(b.scalar_type()))
            continue;
        if (!it->second.sizes().equals(b.sizes()))
            throw InputError({}, name,
                             "fine-tuned shape " + std::string(c10::str(it->second.sizes())) +
                                 " differs from the base's " + std::string(c10::str(b.sizes())));
        out[name] = it->second.to(b.scalar_type()) - b;
    }
    return out;
}

namespace {

double disagreement(const at::Tensor& a, const at::Tensor& b)
{
    if (a.numel() == 0)
        return 0;
    return a.ne(b).to(at::kDouble).mean().item<double>();
}

} // namespace

DisentanglementReport weightDisentanglement(const TensorMap& base, const std::vector<TensorMap>& taskVectors,
                                            const std::vector<std::string>& names, const std::vector<double>& alphas,
                                            const TaskPredictor& predict, Progress& progress, const CancelToken& cancel)
{
    const std::size_t n = taskVectors.size();
    if (names.size() != n || alphas.size() != n)
        throw InputError("need one name and one coefficient per task vector");
    DisentanglementReport r;
    r.tasks = names;
    r.alphas = alphas;
    r.pairs.assign(n, std::vector<double>(n, 0.0));
    r.all.assign(n, 0.0);
    const double total = double(n + n * (n - 1) / 2 + 1);
    double done = 0;
    auto step = [&](const std::string& what) {
        throwIfCancelled(cancel);
        progress.update(done++, total, what);
    };

    // Reference predictions: each task alone at its coefficient.
    std::vector<at::Tensor> alone(n);
    for (std::size_t t = 0; t < n; ++t) {
        step("disentanglement: " + names[t] + " alone");
        std::vector<double> c(n, 0.0);
        c[t] = alphas[t];
        alone[t] = predict(addTaskVectors(base, taskVectors, c), t);
    }
    double pairSum = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            step("disentanglement: " + names[i] + " + " + names[j]);
            std::vector<double> c(n, 0.0);
            c[i] = alphas[i];
            c[j] = alphas[j];
            const TensorMap merged = addTaskVectors(base, taskVectors, c);
            const double e =
                0.5 * (disagreement(predict(merged, i), alone[i]) + disagreement(predict(merged, j), alone[j]));
            r.pairs[i][j] = r.pairs[j][i] = e;
            pairSum += e;
        }
    step("disentanglement: all tasks");
    const TensorMap merged = addTaskVectors(base, taskVectors, alphas);
    double allSum = 0;
    for (std::size_t t = 0; t < n; ++t) {
        throwIfCancelled(cancel);
        r.all[t] = disagreement(predict(merged, t), alone[t]);
        allSum += r.all[t];
    }
    progress.update(total, total, "disentanglement done");
    r.pairMean = n > 1 ? pairSum / double(n * (n - 1) / 2) : 0.0;
    r.allMean = n > 0 ? allSum / double(n) : 0.0;
    return r;
}

} // namespace mergelab
