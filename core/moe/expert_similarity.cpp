// Streaming Gram matrices of expert weights and router rows.
#include "moe/expert_similarity.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace mergelab {

namespace {

// Cosine matrix from a Gram matrix (zero vectors: similarity 0 to others, 1 to themselves).
std::vector<double> cosineFromGram(const at::Tensor& gram)
{
    const int64_t n = gram.size(0);
    auto g = gram.accessor<double, 2>();
    std::vector<double> out(static_cast<std::size_t>(n * n));
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) {
            const double denom = std::sqrt(g[i][i] * g[j][j]);
            double c = i == j ? 1.0 : (denom > 0 ? g[i][j] / denom : 0.0);
            out[static_cast<std::size_t>(i * n + j)] = std::clamp(c, -1.0, 1.0);
        }
    return out;
}

} // namespace

ExpertSimilarity weightSimilarity(const Checkpoint& checkpoint, const MoeLayer& layer, const CancelToken* cancel,
                                  int64_t chunkElements)
{
    const int64_t experts = static_cast<int64_t>(layer.experts.size());
    ExpertSimilarity result;
    result.layer = layer.layer;
    result.numExperts = static_cast<int>(experts);
    at::Tensor gram = at::zeros({experts, experts}, at::kDouble);
    chunkElements = std::max<int64_t>(chunkElements, 1);
    try {
        for (std::size_t r = 0; r < layer.roles.size(); ++r) {
            if (cancel)
                throwIfCancelled(*cancel);
            std::vector<TensorData> bytes; // keeps the mmap views alive while the role is reduced
            std::vector<at::Tensor> flat;
            for (const MoeExpert& e : layer.experts) {
                bytes.push_back(checkpoint.read(e.tensors[r]));
                flat.push_back(toTorch(bytes.back()).reshape({-1}));
            }
            const int64_t numel = flat.front().numel();
            for (int64_t start = 0; start < numel; start += chunkElements) {
                const int64_t len = std::min(chunkElements, numel - start);
                std::vector<at::Tensor> rows;
                rows.reserve(flat.size());
                for (const at::Tensor& f : flat)
                    rows.push_back(f.narrow(0, start, len).to(at::kDouble));
                at::Tensor x = at::stack(rows);
                gram += at::matmul(x, x.t());
            }
        }
        const TensorData routerBytes = checkpoint.read(layer.router);
        at::Tensor rows = toTorch(routerBytes).to(at::kDouble).reshape({experts, -1});
        result.router = cosineFromGram(at::matmul(rows, rows.t()).contiguous());
    } catch (const c10::Error& e) {
        throw FormatError(checkpoint.path(), layer.prefix,
                          std::string("expert similarity failed: ") + e.what_without_backtrace());
    }
    result.weights = cosineFromGram(gram.contiguous());
    return result;
}

std::vector<ExpertSimilarity> analyzeExpertRedundancy(const Checkpoint& checkpoint, const MoeLayout& layout,
                                                      int onlyLayer, Progress& progress, const CancelToken& cancel)
{
    std::vector<const MoeLayer*> layers;
    for (const MoeLayer& l : layout.layers)
        if (onlyLayer < 0 || l.layer == onlyLayer)
            layers.push_back(&l);
    if (layers.empty())
        throw InputError(checkpoint.path(), {},
                         "layer " + std::to_string(onlyLayer) +
                             " is not an MoE layer (MoE layers: " + std::to_string(layout.layers.front().layer) + ".." +
                             std::to_string(layout.layers.back().layer) + ")");
    std::vector<ExpertSimilarity> out;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        progress.update(static_cast<double>(i), static_cast<double>(layers.size()),
                        "expert similarity, layer " + std::to_string(layers[i]->layer));
        out.push_back(weightSimilarity(checkpoint, *layers[i], &cancel));
    }
    progress.update(static_cast<double>(layers.size()), static_cast<double>(layers.size()), "expert similarity done");
    return out;
}

} // namespace mergelab
