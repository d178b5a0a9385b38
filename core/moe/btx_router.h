// BTX router initialisation from hidden states, and evaluating an MoE ViT on a project's tasks.
#pragma once

#include "eval/evaluator.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace mergelab {

class CausalLm;
class MoeVitBackbone;
class Progress;
class CancelToken;

// Router rows of every MoE layer from each expert's task: row e = mean router input (layer_norm2 output,
// all tokens) of expert e's calibration images, minus the mean over experts, scaled so the logits on the
// calibration tokens have standard deviation `logitStd`. taskImages[e] holds expert e's normalised
// images; an undefined tensor (e.g. the base expert) gets the mean, i.e. a zero row. Returns router
// tensor name -> [E, hidden]. Throws InputError when taskImages does not have one entry per expert.
std::map<std::string, at::Tensor> hiddenStateRouters(MoeVitBackbone& model, const std::vector<at::Tensor>& taskImages,
                                                     double logitStd, Progress& progress, const CancelToken& cancel);

// The same for a language model with MoE layers (Mixtral-format BTX output): taskWindows[e] holds expert
// e's calibration text as token windows [N, T] (undefined for the base expert); router inputs are the
// post_attention_layernorm outputs of every token. Names: the model's router tensors.
std::map<std::string, at::Tensor> hiddenStateRouters(const CausalLm& model, const std::vector<at::Tensor>& taskWindows,
                                                     double logitStd, Progress& progress, const CancelToken& cancel);

// Accuracy of the MoE ViT checkpoint at `path` on every task of the project at `projectPath` (its
// heads and datasets), on the first `limit` samples of `split`.
EvalResult evaluateMoeVit(const std::string& path, const std::string& projectPath, const std::string& split,
                          int64_t limit, Progress& progress, const CancelToken& cancel);

} // namespace mergelab
