// Our own allowlisted unpickler for torch.save and torch.jit.save archives. It never runs code:
// GLOBAL only names a small set of known callables, REDUCE/NEWOBJ/BUILD only build inert values.
#pragma once

#include "common/dtype.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mergelab::pickle {

enum class Kind : uint8_t { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Global, Object, Storage, Tensor };

// One value of the unpickled object graph. Containers refer to other nodes by index, so shared and
// even cyclic references (memo) are plain indices and the graph frees in one piece.
struct Node {
    Kind kind = Kind::None;
    int64_t i = 0;               // Int, Bool; Storage / Tensor: index into Document::storages / tensors
    double f = 0;                // Float
    std::string s;               // Str, Bytes; Global: "module.name"; Object: its class name
    std::vector<uint32_t> items; // Tuple/List elements; Dict: key, value, key, value...; Object: [state]
};

// A persistent id ('storage', torch.FloatStorage, key, location, numel): the record data/<key>.
struct StorageRef {
    DType dtype = DType::F32;
    std::string key;
    std::string location;
    int64_t numel = 0; // elements of dtype
};

// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): a view of a storage.
struct TensorRef {
    uint32_t storage = 0; // index into Document::storages
    int64_t offset = 0;   // in elements
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
};

// The unpickled graph: all nodes in one arena, root = the value STOP returned.
struct Document {
    std::vector<Node> nodes;
    std::vector<StorageRef> storages;
    std::vector<TensorRef> tensors;
    uint32_t root = 0;
    std::size_t end = 0; // bytes consumed, STOP included (the legacy format chains pickles)

    const Node& node(uint32_t index) const { return nodes[index]; }
};

// What the unpickler accepts.
struct Options {
    std::string file;         // for error messages: the archive path
    std::string source;       // for error messages: the record, e.g. "data.pkl"
    bool torchScript = false; // also allow __torch__.* classes (inert objects) and torch.jit._pickle helpers
    bool legacy = false;      // pre-1.6 torch.save: persistent ids carry a 6th field (view metadata, None)
    std::size_t maxStack = 1u << 20;
    std::size_t maxMarks = 1u << 12;
    std::size_t maxMemo = 1u << 22;
    std::size_t maxNodes = 1u << 26;
};

// Parses a pickle (protocols 2-5, the opcodes torch writes and their common neighbours). Throws
// FormatError(file, {}, "<what> in <source> at byte N") for anything malformed, truncated, over a
// limit, or naming a global outside the allowlist ("forbidden global 'os.system' in data.pkl ...").
Document unpickle(const uint8_t* data, std::size_t size, const Options& options);

// A tensor of the document under the name the checkpoint gives it.
struct NamedTensor {
    std::string name;
    uint32_t tensor = 0; // index into Document::tensors
};

// The tensors of a torch.save pickle, named as load_state_dict() would see them. A dict whose values
// include tensors is the state dict; a dict without direct tensors but with a "state_dict" / "model" /
// "model_state_dict" / "module" entry holding tensors uses that entry; nested dicts, lists and tuples
// below the chosen dict are flattened with dotted names ("encoder.0.weight"). Non-tensor values are
// skipped; scalar entries beside a picked sub-dict ("epoch": 3) go to `metadata`. Throws FormatError
// when there are no tensors at all.
std::vector<NamedTensor> stateDictTensors(const Document& doc, const Options& options,
                                          std::map<std::string, std::string>* metadata = nullptr);

// The tensors of a TorchScript data.pkl: every tensor attribute of the root module object and its
// submodules, named by attribute path ("block.lin.weight"), i.e. parameters and buffers.
std::vector<NamedTensor> moduleTensors(const Document& doc, const Options& options);

} // namespace mergelab::pickle
