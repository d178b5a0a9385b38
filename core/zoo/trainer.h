#pragma once

#include "models/clip_vit.h"

#include <cstdint>
#include <functional>

namespace torch::optim {
class AdamW;
}

namespace mergelab {

class Progress;
class CancelToken;

// Optimiser settings of one training run (AdamW, linear warm-up then cosine decay).
struct TrainSettings {
    int64_t steps = 100;
    int64_t batchSize = 64;
    double learningRate = 1e-3;
    double weightDecay = 0.05;
    int64_t warmupSteps = 10;
    double logitScale = 20.0; // cosine classifier temperature
    // Sharpness-aware minimisation (Foret et al. 2021): when `sam`, every step first ascends to
    // theta + samRho * g / ||g|| (global norm over all trained tensors), takes the gradient there
    // and applies it at theta. sam with samRho = 0 runs the same two passes with a zero ascent,
    // so it matches plain training step for step.
    bool sam = false;
    double samRho = 0.05;
};

// The learning rate of every zoo training run at `step`: linear warm-up over warmupSteps, then cosine
// decay to 5% of `peak` at `steps`.
double scheduledLearningRate(double peak, int64_t step, int64_t steps, int64_t warmupSteps);
// Sets every parameter group of `optimizer` to scheduledLearningRate(...).
void applyScheduledLearningRate(torch::optim::AdamW& optimizer, double peak, int64_t step, int64_t steps,
                                int64_t warmupSteps);

// logits = normalize(embeddings) @ weight^T (CLIP-style; weight rows carry the scale).
at::Tensor cosineLogits(const at::Tensor& embeddings, const at::Tensor& weight);

// Trains `model` on (inputs, labels) with a cosine classifier head. When `headTrainable`, head
// holds raw class vectors [K, D] that are trained and used as logitScale * normalize(head);
// otherwise head is a fixed, already scaled weight and only the backbone learns (fine-tuning with
// a frozen head). Batches are drawn by a seeded generator; `report` gets (step, loss) every 25 steps.
// Throws CancelledError between steps when cancelled.
void trainClassifier(ClipVisionModel& model, at::Tensor& head, bool headTrainable, const at::Tensor& inputs,
                     const at::Tensor& labels, const TrainSettings& settings, uint64_t seed,
                     const std::function<void(int64_t step, double loss)>& report, const CancelToken& cancel);

// Nearest-class-mean head on frozen features: rows = logitScale * normalize(mean of the
// normalised embeddings of each class). [K, D].
at::Tensor fitPrototypeHead(ClipVisionModel& model, const at::Tensor& inputs, const at::Tensor& labels, int64_t classes,
                            double logitScale);

} // namespace mergelab
