// Finding the weights in an unpickled graph: a state dict (possibly nested in a training
// checkpoint) for torch.save files, the module attribute tree for TorchScript archives.
#include "io/pickle.h"

#include "common/error.h"

#include <cstdio>
#include <unordered_map>

namespace mergelab::pickle {

namespace {

constexpr int kMaxDepth = 64;

// Walks containers depth-first. Shared sub-graphs are walked once per reference (tied names stay
// separate names), so the walk is capped by a budget instead of a visited set; cycles hit the depth cap.
class Collector {
public:
    Collector(const Document& doc, const Options& options, bool modules)
        : m_doc(doc), m_options(options), m_modules(modules), m_budget(4 * doc.nodes.size() + 4096)
    {}

    void walk(uint32_t index, const std::string& prefix, int depth)
    {
        if (depth > kMaxDepth)
            fail("values nested deeper than " + std::to_string(kMaxDepth) + " levels (or a cycle)");
        if (m_budget-- == 0)
            fail("pickle graph shares values too often to be walked");
        const Node& n = m_doc.nodes[index];
        switch (n.kind) {
        case Kind::Tensor:
            emit(prefix, static_cast<uint32_t>(n.i));
            return;
        case Kind::Dict:
            if (m_modules)
                return; // TorchScript: parameters and buffers are attributes, not dict entries
            for (std::size_t k = 0; k + 1 < n.items.size(); k += 2) {
                std::string key;
                if (keyName(n.items[k], key))
                    walk(n.items[k + 1], join(prefix, key), depth + 1);
            }
            return;
        case Kind::List:
        case Kind::Tuple:
            if (m_modules)
                return;
            for (std::size_t k = 0; k < n.items.size(); ++k)
                walk(n.items[k], join(prefix, std::to_string(k)), depth + 1);
            return;
        case Kind::Object: {
            if (n.items.empty())
                return;
            const Node& state = m_doc.nodes[n.items[0]];
            if (state.kind != Kind::Dict)
                return; // a custom __getstate__: not a module's attribute dict
            for (std::size_t k = 0; k + 1 < state.items.size(); k += 2) {
                std::string key;
                if (keyName(state.items[k], key))
                    walk(state.items[k + 1], join(prefix, key), depth + 1);
            }
            return;
        }
        default:
            return; // numbers, strings, None...: not weights
        }
    }

    std::vector<NamedTensor> take() { return std::move(m_out); }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw FormatError(m_options.file, {}, m_options.source + ": " + what);
    }
    static std::string join(const std::string& prefix, const std::string& key)
    {
        return prefix.empty() ? key : prefix + "." + key;
    }
    bool keyName(uint32_t index, std::string& out) const
    {
        const Node& k = m_doc.nodes[index];
        if (k.kind == Kind::Str)
            out = k.s;
        else if (k.kind == Kind::Int)
            out = std::to_string(k.i);
        else
            return false;
        return true;
    }
    // A repeated key (SETITEM twice) keeps its first position and its last value, as a Python dict.
    void emit(const std::string& name, uint32_t tensor)
    {
        if (name.empty())
            fail("a tensor has no name (the pickle's top level is a tensor, not a dict)");
        auto [it, inserted] = m_byName.emplace(name, m_out.size());
        if (inserted)
            m_out.push_back({name, tensor});
        else
            m_out[it->second].tensor = tensor;
    }

    const Document& m_doc;
    const Options& m_options;
    bool m_modules;
    std::size_t m_budget;
    std::vector<NamedTensor> m_out;
    std::unordered_map<std::string, std::size_t> m_byName;
};

const Node* dictValue(const Document& doc, const Node& dict, const std::string& key)
{
    const Node* found = nullptr;
    for (std::size_t k = 0; k + 1 < dict.items.size(); k += 2) {
        const Node& kn = doc.nodes[dict.items[k]];
        if (kn.kind == Kind::Str && kn.s == key)
            found = &doc.nodes[dict.items[k + 1]]; // last one wins
    }
    return found;
}

std::string scalarText(const Node& n)
{
    switch (n.kind) {
    case Kind::Int:
        return std::to_string(n.i);
    case Kind::Bool:
        return n.i ? "true" : "false";
    case Kind::Str:
        return n.s.substr(0, 256);
    case Kind::Float: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", n.f);
        return buf;
    }
    default:
        return {};
    }
}

} // namespace

std::vector<NamedTensor> stateDictTensors(const Document& doc, const Options& options,
                                          std::map<std::string, std::string>* metadata)
{
    const Node& root = doc.nodes[doc.root];
    if (root.kind != Kind::Dict)
        throw FormatError(options.file, {}, options.source + " holds no state dict (its top level is not a dict)");
    uint32_t chosen = doc.root;
    bool direct = false;
    for (std::size_t k = 1; k < root.items.size(); k += 2)
        direct = direct || doc.nodes[root.items[k]].kind == Kind::Tensor;
    if (!direct) {
        // A training checkpoint: the weights sit under a well-known key.
        for (const char* key : {"state_dict", "model_state_dict", "model", "module"}) {
            const Node* sub = dictValue(doc, root, key);
            if (!sub || sub->kind != Kind::Dict)
                continue;
            Collector probe(doc, options, false);
            probe.walk(static_cast<uint32_t>(sub - doc.nodes.data()), {}, 0);
            if (probe.take().empty())
                continue;
            chosen = static_cast<uint32_t>(sub - doc.nodes.data());
            if (metadata) {
                for (std::size_t k = 0; k + 1 < root.items.size(); k += 2) {
                    const Node& kn = doc.nodes[root.items[k]];
                    const std::string value = scalarText(doc.nodes[root.items[k + 1]]);
                    if (kn.kind == Kind::Str && !value.empty())
                        (*metadata)[kn.s] = value;
                }
            }
            break;
        }
    }
    Collector collector(doc, options, false);
    collector.walk(chosen, {}, 0);
    std::vector<NamedTensor> tensors = collector.take();
    if (tensors.empty())
        throw FormatError(options.file, {}, options.source + " holds no tensors (expected a state dict)");
    return tensors;
}

std::vector<NamedTensor> moduleTensors(const Document& doc, const Options& options)
{
    if (doc.nodes[doc.root].kind != Kind::Object)
        throw FormatError(options.file, {}, options.source + " does not hold a scripted module");
    Collector collector(doc, options, true);
    collector.walk(doc.root, {}, 0);
    return collector.take();
}

} // namespace mergelab::pickle
