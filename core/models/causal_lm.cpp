#include "models/causal_lm.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <limits>

namespace mergelab {

namespace {

// Queries per attention block: bounds the score matrix to [B, heads, 256, positions].
constexpr int64_t kQueryBlock = 256;

at::Tensor f32(const at::Tensor& t)
{
    if (!t.defined())
        return t;
    return t.scalar_type() == at::kFloat ? t : t.to(at::kFloat);
}

std::string shapeText(at::IntArrayRef shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    at::Tensor variance = x.pow(2).mean(-1, /*keepdim=*/true);
    return f32(weight) * (x * at::rsqrt(variance + eps));
}

at::Tensor project(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias = {})
{
    return at::linear(x, f32(weight), f32(bias));
}

at::Tensor gatedMlp(const at::Tensor& x, const at::Tensor& gate, const at::Tensor& up, const at::Tensor& down)
{
    return project(at::silu(project(x, gate)) * project(x, up), down);
}

// HF's rotate_half: (x1, x2) -> (-x2, x1) over the two halves of the last dimension.
at::Tensor applyRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin)
{
    const int64_t half = x.size(-1) / 2;
    at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * cos + rotated * sin;
}

} // namespace

CausalLmConfig loadModelConfig(const std::string& path)
{
    std::error_code ec;
    const std::filesystem::path folder = std::filesystem::is_directory(path, ec)
                                             ? std::filesystem::path(path)
                                             : std::filesystem::path(path).parent_path();
    return CausalLmConfig::load((folder / "config.json").string());
}

CausalLmFiles readCausalLm(const std::string& path)
{
    std::unique_ptr<Checkpoint> checkpoint = Checkpoint::open(path);
    CausalLmFiles files{loadModelConfig(path), {}, checkpoint->path()};
    // Only the tensors the architecture uses are mapped (older checkpoints also carry rotary buffers).
    for (const auto& expected : files.config.expectedTensors())
        if (checkpoint->contains(expected.first))
            files.weights.emplace(expected.first, toTorch(checkpoint->read(expected.first)));
    return files;
}

std::unique_ptr<CausalLm> CausalLm::open(const std::string& path)
{
    CausalLmFiles files = readCausalLm(path);
    return std::make_unique<CausalLm>(std::move(files.config), files.weights, files.origin);
}

CausalLm::CausalLm(CausalLmConfig config, const TensorMap& weights, std::string origin)
    : m_config(std::move(config)), m_origin(std::move(origin))
{
    const CausalLmConfig& c = m_config;
    for (const auto& [name, shape] : c.expectedTensors()) {
        auto it = weights.find(name);
        if (it == weights.end() || !it->second.defined())
            throw FormatError(m_origin, name, "missing (needed by " + c.architecture + ")");
        const at::Tensor& t = it->second;
        if (t.sizes() != at::IntArrayRef(shape))
            throw FormatError(m_origin, name,
                              "shape " + shapeText(t.sizes()) + ", config.json implies " + shapeText(shape));
        const at::ScalarType type = t.scalar_type();
        if (type != at::kFloat && type != at::kHalf && type != at::kBFloat16)
            throw FormatError(m_origin, name,
                              std::string("dtype ") + c10::toString(type) + " is not supported (F32, F16, BF16)");
        m_weightBytes += static_cast<uint64_t>(t.numel()) * t.element_size();
    }
    auto w = [&](const std::string& name) { return weights.at(name); };
    auto optional = [&](const std::string& name) {
        auto it = weights.find(name);
        return it == weights.end() ? at::Tensor() : it->second;
    };
    m_embed = w("model.embed_tokens.weight");
    m_finalNorm = w("model.norm.weight");
    m_head = c.tieWordEmbeddings ? m_embed : w("lm_head.weight");
    m_layers.resize(c.numLayers);
    for (int64_t i = 0; i < c.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        Layer& l = m_layers[i];
        l.inputNorm = w(p + "input_layernorm.weight");
        l.postNorm = w(p + "post_attention_layernorm.weight");
        l.q = w(p + "self_attn.q_proj.weight");
        l.k = w(p + "self_attn.k_proj.weight");
        l.v = w(p + "self_attn.v_proj.weight");
        l.o = w(p + "self_attn.o_proj.weight");
        if (c.qkvBias) {
            l.qBias = w(p + "self_attn.q_proj.bias");
            l.kBias = w(p + "self_attn.k_proj.bias");
            l.vBias = w(p + "self_attn.v_proj.bias");
        }
        if (c.outputBias)
            l.oBias = w(p + "self_attn.o_proj.bias");
        if (c.family == LmFamily::Mixtral) {
            const std::string m = p + "block_sparse_moe.";
            l.router = w(m + "gate.weight");
            for (int64_t e = 0; e < c.numExperts; ++e) {
                const std::string x = m + "experts." + std::to_string(e) + ".";
                l.experts.push_back({w(x + "w1.weight"), w(x + "w3.weight"), w(x + "w2.weight")});
            }
        } else if (c.isMoeLayer(i)) {
            l.router = w(p + "mlp.gate.weight");
            for (int64_t e = 0; e < c.numExperts; ++e) {
                const std::string x = p + "mlp.experts." + std::to_string(e) + ".";
                l.experts.push_back({w(x + "gate_proj.weight"), w(x + "up_proj.weight"), w(x + "down_proj.weight")});
            }
            if (c.sharedExpertIntermediateSize > 0) {
                const std::string x = p + "mlp.shared_expert.";
                l.shared = {w(x + "gate_proj.weight"), w(x + "up_proj.weight"), w(x + "down_proj.weight")};
                l.sharedGate = optional(p + "mlp.shared_expert_gate.weight");
            }
        } else {
            l.mlp = {w(p + "mlp.gate_proj.weight"), w(p + "mlp.up_proj.weight"), w(p + "mlp.down_proj.weight")};
        }
    }
    const std::vector<double> inv = c.ropeInverseFrequencies();
    m_invFreq = at::tensor(at::ArrayRef<double>(inv), at::kDouble);
}

at::Tensor CausalLm::hiddenStates(const at::Tensor& ids, KvCache* cache, MoeRouting* routing) const
{
    if (ids.dim() != 2 || ids.scalar_type() != at::kLong)
        throw InputError(m_origin, {}, "token ids must be an int64 tensor [batch, tokens]");
    const int64_t batch = ids.size(0), tokens = ids.size(1);
    if (tokens == 0)
        throw InputError(m_origin, {}, "no tokens to run");
    const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= m_config.vocabSize)
        throw InputError(m_origin, {},
                         "token id " + std::to_string(lo < 0 ? lo : hi) + " is outside the vocabulary of " +
                             std::to_string(m_config.vocabSize));
    const int64_t start = cache ? cache->length : 0;
    if (cache && cache->keys.empty()) {
        cache->keys.resize(m_config.numLayers);
        cache->values.resize(m_config.numLayers);
    }
    at::Tensor h = f32(at::index_select(m_embed, 0, ids.reshape({-1}))).reshape({batch, tokens, m_config.hiddenSize});
    for (int64_t i = 0; i < m_config.numLayers; ++i) {
        const Layer& layer = m_layers[i];
        h = h + attention(layer, i, rmsNorm(h, layer.inputNorm, m_config.rmsNormEps), start, cache);
        h = h + feedForward(layer, i, rmsNorm(h, layer.postNorm, m_config.rmsNormEps), routing);
    }
    if (cache)
        cache->length += tokens;
    return rmsNorm(h, m_finalNorm, m_config.rmsNormEps);
}

at::Tensor CausalLm::outputWeight() const
{
    return f32(m_head);
}

at::Tensor CausalLm::logits(const at::Tensor& hidden) const
{
    return at::linear(hidden, outputWeight());
}

at::Tensor CausalLm::forward(const at::Tensor& ids, KvCache* cache, MoeRouting* routing) const
{
    return logits(hiddenStates(ids, cache, routing));
}

std::vector<int> CausalLm::moeLayers() const
{
    std::vector<int> out;
    for (int64_t i = 0; i < static_cast<int64_t>(m_layers.size()); ++i)
        if (m_layers[i].router.defined())
            out.push_back(static_cast<int>(i));
    return out;
}

const CausalLm::Layer& CausalLm::moeLayer(int layer) const
{
    if (layer < 0 || layer >= static_cast<int>(m_layers.size()) || !m_layers[layer].router.defined())
        throw InputError(m_origin, {}, "layer " + std::to_string(layer) + " is not an MoE layer");
    return m_layers[layer];
}

std::string CausalLm::routerName(int layer) const
{
    moeLayer(layer);
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    return p + (m_config.family == LmFamily::Mixtral ? "block_sparse_moe.gate.weight" : "mlp.gate.weight");
}

int64_t CausalLm::expertCount(int layer) const
{
    return static_cast<int64_t>(moeLayer(layer).experts.size());
}

at::Tensor CausalLm::expertOutput(int layer, int64_t expert, const at::Tensor& x) const
{
    const Layer& l = moeLayer(layer);
    if (expert < 0 || expert >= static_cast<int64_t>(l.experts.size()))
        throw InputError(m_origin, {}, "expert " + std::to_string(expert) + " is out of range");
    const Mlp& e = l.experts[expert];
    return gatedMlp(x, e.gate, e.up, e.down);
}

at::Tensor CausalLm::attention(const Layer& layer, int64_t index, const at::Tensor& x, int64_t start,
                               KvCache* cache) const
{
    const CausalLmConfig& c = m_config;
    const int64_t batch = x.size(0), tokens = x.size(1), hd = c.headDim;
    at::Tensor q = project(x, layer.q, layer.qBias).view({batch, tokens, c.numHeads, hd}).transpose(1, 2);
    at::Tensor k = project(x, layer.k, layer.kBias).view({batch, tokens, c.numKvHeads, hd}).transpose(1, 2);
    at::Tensor v = project(x, layer.v, layer.vBias).view({batch, tokens, c.numKvHeads, hd}).transpose(1, 2);

    // RoPE for positions start .. start + tokens - 1: angles in double, applied in float32.
    at::Tensor positions = at::arange(start, start + tokens, at::kDouble);
    at::Tensor angles = at::outer(positions, m_invFreq);
    angles = at::cat({angles, angles}, -1).to(at::kFloat); // [tokens, hd]
    const at::Tensor cos = angles.cos(), sin = angles.sin();
    q = applyRope(q, cos, sin);
    k = applyRope(k, cos, sin);
    if (cache) {
        at::Tensor& ck = cache->keys[index];
        at::Tensor& cv = cache->values[index];
        k = ck.defined() ? at::cat({ck, k}, 2) : k.contiguous();
        v = cv.defined() ? at::cat({cv, v}, 2) : v.contiguous();
        ck = k;
        cv = v;
    }
    const int64_t groups = c.numHeads / c.numKvHeads;
    if (groups > 1) { // HF's repeat_kv: query head h reads key/value head h / groups
        k = k.repeat_interleave(groups, 1);
        v = v.repeat_interleave(groups, 1);
    }
    const int64_t keysTotal = k.size(2);
    const int64_t window = c.windowOfLayer(index);
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    at::Tensor kT = k.transpose(-2, -1);
    at::Tensor keyPos = at::arange(keysTotal, at::kLong).view({1, keysTotal});
    std::vector<at::Tensor> blocks;
    for (int64_t q0 = 0; q0 < tokens; q0 += kQueryBlock) {
        const int64_t n = std::min(kQueryBlock, tokens - q0);
        at::Tensor scores = at::matmul(q.narrow(2, q0, n), kT) * scale; // [B, H, n, keys]
        at::Tensor queryPos = at::arange(start + q0, start + q0 + n, at::kLong).view({n, 1});
        at::Tensor hidden = keyPos > queryPos;
        if (window > 0)
            hidden = hidden | (keyPos <= queryPos - window);
        scores.masked_fill_(hidden, -std::numeric_limits<float>::infinity());
        blocks.push_back(at::matmul(at::softmax(scores, -1), v));
    }
    at::Tensor out = blocks.size() == 1 ? blocks[0] : at::cat(blocks, 2);
    out = out.transpose(1, 2).reshape({batch, tokens, c.numHeads * hd});
    return project(out, layer.o, layer.oBias);
}

at::Tensor CausalLm::feedForward(const Layer& layer, int64_t index, const at::Tensor& x, MoeRouting* routing) const
{
    if (layer.router.defined())
        return moe(layer, index, x, routing);
    return gatedMlp(x, layer.mlp.gate, layer.mlp.up, layer.mlp.down);
}

// Mixtral / Qwen2-MoE sparse block: softmax over the router's logits, the top k experts per token,
// their weights renormalised to sum to one when the config says so; Qwen2-MoE adds a shared expert
// scaled by sigmoid(shared_expert_gate).
at::Tensor CausalLm::moe(const Layer& layer, int64_t index, const at::Tensor& x, MoeRouting* routing) const
{
    const at::IntArrayRef shape = x.sizes();
    at::Tensor flat = x.reshape({-1, shape.back()});
    at::Tensor probs = at::softmax(project(flat, layer.router), -1);
    auto [topWeights, topExperts] = at::topk(probs, m_config.expertsPerToken, -1);
    if (routing) {
        const int key = static_cast<int>(index);
        if (routing->keepInputs)
            routing->inputs[key].push_back(flat.detach().clone());
        routing->selected[key].push_back(topExperts.detach().clone());
        routing->probs[key] = probs;
    }
    if (m_config.normTopkProb)
        topWeights = topWeights / topWeights.sum(-1, /*keepdim=*/true);
    at::Tensor out = at::zeros_like(flat);
    for (int64_t e = 0; e < static_cast<int64_t>(layer.experts.size()); ++e) {
        at::Tensor chosen = topExperts == e; // [N, k]
        at::Tensor rows = chosen.any(-1).nonzero().reshape({-1});
        if (rows.numel() == 0)
            continue;
        at::Tensor weight = (topWeights * chosen).sum(-1).index_select(0, rows).unsqueeze(1);
        const Mlp& expert = layer.experts[e];
        at::Tensor y = gatedMlp(flat.index_select(0, rows), expert.gate, expert.up, expert.down);
        out.index_add_(0, rows, y * weight);
    }
    if (layer.shared.gate.defined()) {
        at::Tensor shared = gatedMlp(flat, layer.shared.gate, layer.shared.up, layer.shared.down);
        if (layer.sharedGate.defined())
            shared = shared * at::sigmoid(project(flat, layer.sharedGate));
        out = out + shared;
    }
    return out.reshape(shape);
}

} // namespace mergelab
