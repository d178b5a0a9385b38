#include "models/causal_lm_config.h"

#include "common/error.h"
#include "io/json_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace mergelab {

using nlohmann::json;

namespace {

struct FamilyDefaults {
    const char* architecture;
    LmFamily family;
    double rmsNormEps;
    double ropeTheta;
};

// transformers' defaults (configuration_<family>.py) for the keys a config may leave out.
const FamilyDefaults kFamilies[] = {
    {"LlamaForCausalLM", LmFamily::Llama, 1e-6, 10000.0},
    {"MistralForCausalLM", LmFamily::Mistral, 1e-6, 10000.0},
    {"Qwen2ForCausalLM", LmFamily::Qwen2, 1e-6, 10000.0},
    {"MixtralForCausalLM", LmFamily::Mixtral, 1e-5, 1e6},
    {"Qwen2MoeForCausalLM", LmFamily::Qwen2Moe, 1e-6, 10000.0},
};

class Keys {
public:
    Keys(const json& root, const std::string& path) : m_root(root), m_path(path) {}

    [[noreturn]] void fail(const std::string& key, const std::string& what) const
    {
        throw FormatError(m_path, {}, "key '" + key + "': " + what);
    }
    [[noreturn]] void refuse(const std::string& what) const { throw InputError(m_path, {}, what); }
    bool has(const char* key) const { return m_root.contains(key) && !m_root[key].is_null(); }

    int64_t positive(const char* key, int64_t fallback, bool required) const
    {
        if (!has(key)) {
            if (required)
                fail(key, "missing");
            return fallback;
        }
        const json& v = m_root[key];
        if (!v.is_number_integer() || v.get<int64_t>() <= 0)
            fail(key, "expected a positive integer");
        return v.get<int64_t>();
    }
    double number(const char* key, double fallback) const
    {
        if (!has(key))
            return fallback;
        const json& v = m_root[key];
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0)
            fail(key, "expected a positive number");
        return v.get<double>();
    }
    bool boolean(const char* key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        if (!m_root[key].is_boolean())
            fail(key, "expected true or false");
        return m_root[key].get<bool>();
    }
    // An integer or a list of integers (eos_token_id); empty when absent.
    std::vector<int64_t> ids(const char* key) const
    {
        std::vector<int64_t> out;
        if (!has(key))
            return out;
        const json& v = m_root[key];
        auto one = [&](const json& x) {
            if (!x.is_number_integer() || x.get<int64_t>() < 0)
                fail(key, "expected a token id or a list of token ids");
            out.push_back(x.get<int64_t>());
        };
        if (v.is_array())
            for (const json& x : v)
                one(x);
        else
            one(v);
        return out;
    }

private:
    const json& m_root;
    const std::string& m_path;
};

RopeScaling parseRopeScaling(const json& root, const Keys& keys)
{
    RopeScaling s;
    if (!keys.has("rope_scaling"))
        return s;
    const json& r = root["rope_scaling"];
    if (!r.is_object())
        keys.fail("rope_scaling", "expected an object or null");
    // transformers accepts "type" (older configs) and "rope_type".
    const char* typeKey = r.contains("rope_type") ? "rope_type" : "type";
    if (!r.contains(typeKey) || !r[typeKey].is_string())
        keys.fail("rope_scaling", "missing \"rope_type\"");
    s.type = r[typeKey].get<std::string>();
    if (s.type != "default" && s.type != "linear" && s.type != "llama3")
        keys.refuse("rope_scaling type \"" + s.type + "\" is not supported (default, linear, llama3)");
    auto number = [&](const char* key, double& out, bool required) {
        if (!r.contains(key)) {
            if (required)
                keys.fail("rope_scaling", std::string("missing \"") + key + "\"");
            return;
        }
        if (!r[key].is_number() || !std::isfinite(r[key].get<double>()) || r[key].get<double>() <= 0)
            keys.fail("rope_scaling", std::string("\"") + key + "\": expected a positive number");
        out = r[key].get<double>();
    };
    if (s.type == "default")
        return s;
    number("factor", s.factor, true);
    if (s.type == "llama3") {
        number("low_freq_factor", s.lowFreqFactor, true);
        number("high_freq_factor", s.highFreqFactor, true);
        double original = 0;
        number("original_max_position_embeddings", original, true);
        s.originalMaxPositions = static_cast<int64_t>(original);
        if (s.highFreqFactor <= s.lowFreqFactor)
            keys.fail("rope_scaling", "high_freq_factor must be greater than low_freq_factor");
    }
    return s;
}

} // namespace

bool CausalLmConfig::isSupported(const std::string& architecture)
{
    return std::any_of(std::begin(kFamilies), std::end(kFamilies),
                       [&](const FamilyDefaults& f) { return architecture == f.architecture; });
}

CausalLmConfig CausalLmConfig::fromJson(const json& root, const std::string& path)
{
    if (!root.is_object())
        throw FormatError(path, {}, "expected a JSON object");
    Keys keys(root, path);
    CausalLmConfig c;
    if (!root.contains("architectures") || !root["architectures"].is_array() || root["architectures"].empty() ||
        !root["architectures"][0].is_string())
        keys.fail("architectures", "expected a list naming the model class (e.g. [\"LlamaForCausalLM\"])");
    c.architecture = root["architectures"][0].get<std::string>();
    const FamilyDefaults* family = nullptr;
    for (const FamilyDefaults& f : kFamilies)
        if (c.architecture == f.architecture)
            family = &f;
    if (!family) {
        std::string known;
        for (const FamilyDefaults& f : kFamilies)
            known += std::string(known.empty() ? "" : ", ") + f.architecture;
        throw InputError(path, {}, "architecture \"" + c.architecture + "\" is not supported (" + known + ")");
    }
    c.family = family->family;

    c.vocabSize = keys.positive("vocab_size", 0, true);
    c.hiddenSize = keys.positive("hidden_size", 0, true);
    c.intermediateSize = keys.positive("intermediate_size", 0, true);
    c.numLayers = keys.positive("num_hidden_layers", 0, true);
    c.numHeads = keys.positive("num_attention_heads", 0, true);
    c.numKvHeads = keys.positive("num_key_value_heads", c.numHeads, false);
    if (keys.has("head_dim"))
        c.headDim = keys.positive("head_dim", 0, true);
    else {
        if (c.hiddenSize % c.numHeads != 0)
            keys.fail("num_attention_heads", "hidden_size " + std::to_string(c.hiddenSize) +
                                                 " is not a multiple of it and no head_dim is given");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0)
        keys.fail("head_dim", "must be even for rotary embeddings");
    if (c.numHeads % c.numKvHeads != 0)
        keys.fail("num_key_value_heads",
                  std::to_string(c.numKvHeads) + " does not divide num_attention_heads " + std::to_string(c.numHeads));
    c.maxPositions = keys.positive("max_position_embeddings", 2048, false);
    c.rmsNormEps = keys.number("rms_norm_eps", family->rmsNormEps);
    c.ropeTheta = keys.number("rope_theta", family->ropeTheta);
    c.ropeScaling = parseRopeScaling(root, keys);
    if (keys.has("partial_rotary_factor") && keys.number("partial_rotary_factor", 1.0) != 1.0)
        keys.fail("partial_rotary_factor", "only 1.0 is supported");
    c.tieWordEmbeddings = keys.boolean("tie_word_embeddings", false);
    if (keys.has("hidden_act") && (!root["hidden_act"].is_string() || root["hidden_act"] != "silu"))
        keys.refuse("hidden_act " + root["hidden_act"].dump() + " is not supported (silu)");
    if (keys.boolean("mlp_bias", false))
        keys.fail("mlp_bias", "MLP biases are not supported");
    if (c.family == LmFamily::Llama) {
        c.qkvBias = c.outputBias = keys.boolean("attention_bias", false);
    } else if (c.family == LmFamily::Qwen2 || c.family == LmFamily::Qwen2Moe) {
        c.qkvBias = true;
    }

    // Sliding windows. Mistral and Mixtral: every layer when sliding_window is set (Mistral's
    // default is 4096, Mixtral's none). Qwen2: only with use_sliding_window, and then only on layers
    // from max_window_layers on.
    if (c.family == LmFamily::Mistral) {
        c.slidingWindow = root.contains("sliding_window") ? keys.positive("sliding_window", 0, false) : 4096;
    } else if (c.family == LmFamily::Mixtral) {
        c.slidingWindow = keys.positive("sliding_window", 0, false);
    } else if (c.family == LmFamily::Qwen2Moe) {
        // transformers' Qwen2-MoE and Qwen2 disagree on which layers slide, across versions.
        if (keys.boolean("use_sliding_window", false))
            keys.refuse("use_sliding_window is not supported for Qwen2MoeForCausalLM");
    } else if (c.family == LmFamily::Qwen2) {
        if (keys.boolean("use_sliding_window", false)) {
            c.slidingWindow = keys.positive("sliding_window", 4096, false);
            c.firstSlidingLayer = keys.positive("max_window_layers", 28, false);
        }
    }

    if (c.family == LmFamily::Mixtral) {
        c.numExperts = keys.positive("num_local_experts", 8, false);
        c.expertsPerToken = keys.positive("num_experts_per_tok", 2, false);
        c.moeIntermediateSize = c.intermediateSize;
        c.normTopkProb = true;
    } else if (c.family == LmFamily::Qwen2Moe) {
        c.numExperts = keys.positive("num_experts", 60, false);
        c.expertsPerToken = keys.positive("num_experts_per_tok", 4, false);
        c.moeIntermediateSize = keys.positive("moe_intermediate_size", 1408, false);
        c.sharedExpertIntermediateSize = keys.positive("shared_expert_intermediate_size", 5632, false);
        c.normTopkProb = keys.boolean("norm_topk_prob", false);
        c.decoderSparseStep = keys.positive("decoder_sparse_step", 1, false);
        if (keys.has("mlp_only_layers")) {
            const json& v = root["mlp_only_layers"];
            if (!v.is_array())
                keys.fail("mlp_only_layers", "expected a list of layer indexes");
            for (const json& x : v) {
                if (!x.is_number_integer())
                    keys.fail("mlp_only_layers", "expected a list of layer indexes");
                c.mlpOnlyLayers.push_back(x.get<int64_t>());
            }
        }
    }
    if (c.numExperts > 0 && c.expertsPerToken > c.numExperts)
        keys.fail("num_experts_per_tok",
                  std::to_string(c.expertsPerToken) + " is more than the " + std::to_string(c.numExperts) + " experts");

    std::vector<int64_t> bos = keys.ids("bos_token_id");
    c.bosTokenId = bos.empty() ? -1 : bos.front();
    c.eosTokenIds = keys.ids("eos_token_id");
    for (int64_t id : c.eosTokenIds)
        if (id >= c.vocabSize)
            keys.fail("eos_token_id",
                      std::to_string(id) + " is outside the vocabulary of " + std::to_string(c.vocabSize));
    if (c.bosTokenId >= c.vocabSize)
        keys.fail("bos_token_id",
                  std::to_string(c.bosTokenId) + " is outside the vocabulary of " + std::to_string(c.vocabSize));
    return c;
}

CausalLmConfig CausalLmConfig::load(const std::string& configPath)
{
    return fromJson(readJsonFile(configPath, "config"), configPath);
}

json CausalLmConfig::toJson() const
{
    static const char* const kModelTypes[] = {"llama", "mistral", "qwen2", "mixtral", "qwen2_moe"};
    json j = {{"architectures", {architecture}},
              {"model_type", kModelTypes[static_cast<int>(family)]},
              {"vocab_size", vocabSize},
              {"hidden_size", hiddenSize},
              {"intermediate_size", intermediateSize},
              {"num_hidden_layers", numLayers},
              {"num_attention_heads", numHeads},
              {"num_key_value_heads", numKvHeads},
              {"head_dim", headDim},
              {"hidden_act", "silu"},
              {"max_position_embeddings", maxPositions},
              {"rms_norm_eps", rmsNormEps},
              {"rope_theta", ropeTheta},
              {"tie_word_embeddings", tieWordEmbeddings},
              {"torch_dtype", "float32"}};
    if (ropeScaling.type == "default") {
        j["rope_scaling"] = nullptr;
    } else {
        j["rope_scaling"] = {{"rope_type", ropeScaling.type}, {"factor", ropeScaling.factor}};
        if (ropeScaling.type == "llama3") {
            j["rope_scaling"]["low_freq_factor"] = ropeScaling.lowFreqFactor;
            j["rope_scaling"]["high_freq_factor"] = ropeScaling.highFreqFactor;
            j["rope_scaling"]["original_max_position_embeddings"] = ropeScaling.originalMaxPositions;
        }
    }
    if (family == LmFamily::Llama)
        j["attention_bias"] = qkvBias;
    if (family == LmFamily::Mistral || family == LmFamily::Mixtral)
        j["sliding_window"] = slidingWindow > 0 ? json(slidingWindow) : json(nullptr);
    if (family == LmFamily::Qwen2) {
        j["use_sliding_window"] = slidingWindow > 0;
        if (slidingWindow > 0) {
            j["sliding_window"] = slidingWindow;
            j["max_window_layers"] = firstSlidingLayer;
        }
    }
    if (family == LmFamily::Mixtral) {
        j["num_local_experts"] = numExperts;
        j["num_experts_per_tok"] = expertsPerToken;
    }
    if (family == LmFamily::Qwen2Moe) {
        j["num_experts"] = numExperts;
        j["num_experts_per_tok"] = expertsPerToken;
        j["moe_intermediate_size"] = moeIntermediateSize;
        j["shared_expert_intermediate_size"] = sharedExpertIntermediateSize;
        j["norm_topk_prob"] = normTopkProb;
        j["decoder_sparse_step"] = decoderSparseStep;
        j["mlp_only_layers"] = mlpOnlyLayers;
    }
    if (bosTokenId >= 0)
        j["bos_token_id"] = bosTokenId;
    if (eosTokenIds.size() == 1)
        j["eos_token_id"] = eosTokenIds.front();
    else if (!eosTokenIds.empty())
        j["eos_token_id"] = eosTokenIds;
    return j;
}

bool CausalLmConfig::isMoeLayer(int64_t layer) const
{
    if (numExperts <= 0)
        return false;
    if (family == LmFamily::Mixtral)
        return true;
    if (std::find(mlpOnlyLayers.begin(), mlpOnlyLayers.end(), layer) != mlpOnlyLayers.end())
        return false;
    return (layer + 1) % decoderSparseStep == 0;
}

int64_t CausalLmConfig::windowOfLayer(int64_t layer) const
{
    return layer >= firstSlidingLayer ? slidingWindow : 0;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> CausalLmConfig::expectedTensors() const
{
    std::vector<std::pair<std::string, std::vector<int64_t>>> out;
    const int64_t d = hiddenSize, q = numHeads * headDim, kv = numKvHeads * headDim;
    auto add = [&](std::string name, std::vector<int64_t> shape) { out.emplace_back(std::move(name), shape); };
    auto mlp = [&](const std::string& p, const char* gate, const char* up, const char* down, int64_t inner) {
        add(p + gate + ".weight", {inner, d});
        add(p + up + ".weight", {inner, d});
        add(p + down + ".weight", {d, inner});
    };
    add("model.embed_tokens.weight", {vocabSize, d});
    for (int64_t i = 0; i < numLayers; ++i) {
        const std::string l = "model.layers." + std::to_string(i) + ".";
        add(l + "input_layernorm.weight", {d});
        add(l + "self_attn.q_proj.weight", {q, d});
        if (qkvBias)
            add(l + "self_attn.q_proj.bias", {q});
        add(l + "self_attn.k_proj.weight", {kv, d});
        if (qkvBias)
            add(l + "self_attn.k_proj.bias", {kv});
        add(l + "self_attn.v_proj.weight", {kv, d});
        if (qkvBias)
            add(l + "self_attn.v_proj.bias", {kv});
        add(l + "self_attn.o_proj.weight", {d, q});
        if (outputBias)
            add(l + "self_attn.o_proj.bias", {d});
        add(l + "post_attention_layernorm.weight", {d});
        if (family == LmFamily::Mixtral) {
            add(l + "block_sparse_moe.gate.weight", {numExperts, d});
            for (int64_t e = 0; e < numExperts; ++e)
                mlp(l + "block_sparse_moe.experts." + std::to_string(e) + ".", "w1", "w3", "w2", moeIntermediateSize);
        } else if (isMoeLayer(i)) {
            add(l + "mlp.gate.weight", {numExperts, d});
            for (int64_t e = 0; e < numExperts; ++e)
                mlp(l + "mlp.experts." + std::to_string(e) + ".", "gate_proj", "up_proj", "down_proj",
                    moeIntermediateSize);
            if (sharedExpertIntermediateSize > 0) {
                mlp(l + "mlp.shared_expert.", "gate_proj", "up_proj", "down_proj", sharedExpertIntermediateSize);
                add(l + "mlp.shared_expert_gate.weight", {1, d});
            }
        } else {
            mlp(l + "mlp.", "gate_proj", "up_proj", "down_proj", intermediateSize);
        }
    }
    add("model.norm.weight", {d});
    if (!tieWordEmbeddings)
        add("lm_head.weight", {vocabSize, d});
    return out;
}

std::vector<double> CausalLmConfig::ropeInverseFrequencies() const
{
    const int64_t half = headDim / 2;
    std::vector<double> inv(half);
    for (int64_t i = 0; i < half; ++i)
        inv[i] = 1.0 / std::pow(ropeTheta, static_cast<double>(2 * i) / static_cast<double>(headDim));
    if (ropeScaling.type == "linear") {
        for (double& f : inv)
            f /= ropeScaling.factor;
    } else if (ropeScaling.type == "llama3") {
        // transformers' _compute_llama3_parameters: wavelengths longer than the original context /
        // low_freq_factor are slowed by `factor`, shorter than context / high_freq_factor kept,
        // and the band between interpolated smoothly.
        const double oldContext = static_cast<double>(ropeScaling.originalMaxPositions);
        const double lowWavelen = oldContext / ropeScaling.lowFreqFactor;
        const double highWavelen = oldContext / ropeScaling.highFreqFactor;
        for (double& f : inv) {
            const double wavelen = 2.0 * M_PI / f;
            if (wavelen > lowWavelen) {
                f /= ropeScaling.factor;
            } else if (wavelen >= highWavelen) {
                const double smooth = (oldContext / wavelen - ropeScaling.lowFreqFactor) /
                                      (ropeScaling.highFreqFactor - ropeScaling.lowFreqFactor);
                f = (1.0 - smooth) * f / ropeScaling.factor + smooth * f;
            }
        }
    }
    return inv;
}

} // namespace mergelab
