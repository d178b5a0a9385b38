// The allowlist: the only globals a torch.save state dict (and, in TorchScript mode, a scripted
// module's data.pkl) needs, and the inert values REDUCE/NEWOBJ/BUILD/BINPERSID make of them.
#include "io/pickle_globals.h"

#include <cstring>
#include <optional>

namespace mergelab::pickle {

namespace {

const char* const kRebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
const char* const kRebuildTensor = "torch._utils._rebuild_tensor";
const char* const kRebuildParameter = "torch._utils._rebuild_parameter";
const char* const kRebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";
const char* const kOrderedDict = "collections.OrderedDict";
const char* const kTorchSize = "torch.Size";
const char* const kJitPickle = "torch.jit._pickle.";

std::optional<DType> storageDType(const std::string& global)
{
    static const std::pair<const char*, DType> types[] = {
        {"torch.FloatStorage", DType::F32},  {"torch.HalfStorage", DType::F16}, {"torch.BFloat16Storage", DType::BF16},
        {"torch.DoubleStorage", DType::F64}, {"torch.LongStorage", DType::I64}, {"torch.IntStorage", DType::I32},
        {"torch.ShortStorage", DType::I16},  {"torch.CharStorage", DType::I8},  {"torch.ByteStorage", DType::U8},
        {"torch.BoolStorage", DType::BOOL},
    };
    for (const auto& [name, dtype] : types)
        if (global == name)
            return dtype;
    return std::nullopt;
}

bool startsWith(const std::string& s, const char* prefix)
{
    return s.compare(0, std::strlen(prefix), prefix) == 0;
}

const char* kindName(Kind k)
{
    switch (k) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::Str:
        return "str";
    case Kind::Bytes:
        return "bytes";
    case Kind::Tuple:
        return "tuple";
    case Kind::List:
        return "list";
    case Kind::Dict:
        return "dict";
    case Kind::Global:
        return "global";
    case Kind::Object:
        return "object";
    case Kind::Storage:
        return "storage";
    case Kind::Tensor:
        return "tensor";
    }
    return "?";
}

const Node& expect(const Document& doc, uint32_t index, Kind kind, const std::string& what)
{
    const Node& n = doc.nodes[index];
    if (n.kind != kind)
        reject(what + " must be a " + kindName(kind) + ", not a " + kindName(n.kind));
    return n;
}

std::vector<int64_t> intTuple(const Document& doc, uint32_t index, const std::string& what)
{
    const Node& n = doc.nodes[index];
    if (n.kind != Kind::Tuple && n.kind != Kind::List)
        reject(what + " must be a tuple of ints, not a " + std::string(kindName(n.kind)));
    std::vector<int64_t> out;
    out.reserve(n.items.size());
    for (uint32_t item : n.items)
        out.push_back(expect(doc, item, Kind::Int, what + " entry").i);
    return out;
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
uint32_t rebuildTensor(Document& doc, const Node& args)
{
    if (args.items.size() < 4)
        reject("tensor rebuild call with " + std::to_string(args.items.size()) + " arguments (4 or more expected)");
    TensorRef t;
    t.storage = static_cast<uint32_t>(expect(doc, args.items[0], Kind::Storage, "tensor storage").i);
    t.offset = expect(doc, args.items[1], Kind::Int, "tensor storage offset").i;
    t.sizes = intTuple(doc, args.items[2], "tensor size");
    t.strides = intTuple(doc, args.items[3], "tensor stride");
    if (t.sizes.size() != t.strides.size())
        reject("tensor has " + std::to_string(t.sizes.size()) + " sizes but " + std::to_string(t.strides.size()) +
               " strides");
    doc.tensors.push_back(std::move(t));
    Node n;
    n.kind = Kind::Tensor;
    n.i = static_cast<int64_t>(doc.tensors.size() - 1);
    return addNode(doc, std::move(n));
}

uint32_t firstArg(const Document& doc, const Node& args, const std::string& callee)
{
    if (args.items.empty())
        reject(callee + " called without arguments");
    return args.items[0];
}

} // namespace

bool isAllowedGlobal(const std::string& module, const std::string& name, bool torchScript)
{
    const std::string full = module + "." + name;
    if (full == kOrderedDict || full == kRebuildTensorV2 || full == kRebuildTensor || full == kRebuildParameter ||
        full == kRebuildParameterWithState || full == kTorchSize || storageDType(full))
        return true;
    if (!torchScript)
        return false;
    // TorchScript: the scripted classes themselves (built inert, never run) and the list/tag helpers.
    if (module == "__torch__" || startsWith(module, "__torch__."))
        return true;
    return full == "torch.jit._pickle.restore_type_tag" || full == "torch.jit._pickle.build_intlist" ||
           full == "torch.jit._pickle.build_doublelist" || full == "torch.jit._pickle.build_boollist" ||
           full == "torch.jit._pickle.build_tensorlist";
}

uint32_t callGlobal(Document& doc, uint32_t callable, uint32_t argsIndex)
{
    const std::string callee = expect(doc, callable, Kind::Global, "REDUCE target").s;
    const Node args = expect(doc, argsIndex, Kind::Tuple, "arguments of " + callee); // copy: doc.nodes may grow
    if (callee == kRebuildTensorV2 || callee == kRebuildTensor)
        return rebuildTensor(doc, args);
    if (callee == kRebuildParameter || callee == kRebuildParameterWithState) {
        const uint32_t tensor = firstArg(doc, args, callee);
        expect(doc, tensor, Kind::Tensor, "parameter data");
        return tensor;
    }
    if (callee == kOrderedDict) {
        Node dict;
        dict.kind = Kind::Dict;
        if (!args.items.empty()) { // OrderedDict([(key, value), ...])
            const Node& pairs = doc.nodes[args.items[0]];
            if (pairs.kind != Kind::List && pairs.kind != Kind::Tuple)
                reject("OrderedDict argument must be a list of pairs");
            for (uint32_t p : pairs.items) {
                const Node& pair = doc.nodes[p];
                if (pair.kind != Kind::Tuple || pair.items.size() != 2)
                    reject("OrderedDict argument must be a list of pairs");
                dict.items.push_back(pair.items[0]);
                dict.items.push_back(pair.items[1]);
            }
        }
        return addNode(doc, std::move(dict));
    }
    if (callee == kTorchSize) {
        const uint32_t dims = args.items.empty() ? addNode(doc, Node{Kind::Tuple, 0, 0, {}, {}}) : args.items[0];
        intTuple(doc, dims, "torch.Size");
        return dims;
    }
    if (startsWith(callee, kJitPickle)) // restore_type_tag(value, type) and build_*list(list) return their value
        return firstArg(doc, args, callee);
    if (startsWith(callee, "__torch__."))
        return newObject(doc, callable, argsIndex);
    reject("cannot call '" + callee + "'");
}

uint32_t newObject(Document& doc, uint32_t cls, uint32_t args)
{
    const std::string name = expect(doc, cls, Kind::Global, "NEWOBJ class").s;
    if (name == kOrderedDict)
        return addNode(doc, Node{Kind::Dict, 0, 0, {}, {}});
    if (!startsWith(name, "__torch__."))
        reject("cannot create an object of class '" + name + "'");
    return addNode(doc, Node{Kind::Object, 0, 0, name, {}});
}

void buildObject(Document& doc, uint32_t obj, uint32_t state)
{
    Node& target = doc.nodes[obj];
    switch (target.kind) {
    case Kind::Dict:   // OrderedDict state: the state dict's _metadata (versions per module); not weights
    case Kind::Tensor: // _rebuild_parameter_with_state leftovers: attributes, not weights
        return;
    case Kind::Object:
        target.items.assign(1, state);
        return;
    default:
        reject(std::string("BUILD on a ") + kindName(target.kind));
    }
}

uint32_t persistentLoad(Document& doc, uint32_t pid, bool legacy)
{
    const Node& id = doc.nodes[pid];
    if (id.kind != Kind::Tuple || id.items.empty() || doc.nodes[id.items[0]].kind != Kind::Str)
        reject("persistent id is not a ('storage', ...) tuple");
    const std::string& tag = doc.nodes[id.items[0]].s;
    if (tag != "storage")
        reject("unknown persistent id type '" + tag.substr(0, 64) + "'");
    const std::size_t fields = legacy ? 6 : 5;
    if (id.items.size() != fields)
        reject("storage persistent id has " + std::to_string(id.items.size()) + " fields (" + std::to_string(fields) +
               " expected)");
    // Legacy view metadata (view_key, offset, size) came from torch < 0.4 storage views; never seen since.
    if (legacy && doc.nodes[id.items[5]].kind != Kind::None)
        reject("storage views of the legacy torch.save format are not supported");
    const std::string& type = expect(doc, id.items[1], Kind::Global, "storage type").s;
    const auto dtype = storageDType(type);
    if (!dtype)
        reject("'" + type + "' is not a storage type");
    StorageRef s;
    s.dtype = *dtype;
    const Node& key = doc.nodes[id.items[2]];
    if (key.kind == Kind::Str)
        s.key = key.s;
    else if (key.kind == Kind::Int)
        s.key = std::to_string(key.i);
    else
        reject("storage key must be a string");
    if (s.key.empty() || s.key.size() > 256 || s.key.find('/') != std::string::npos || s.key == "..")
        reject("storage key '" + s.key.substr(0, 64) + "' is not a plain record name");
    s.location = expect(doc, id.items[3], Kind::Str, "storage location").s;
    s.numel = expect(doc, id.items[4], Kind::Int, "storage size").i;
    if (s.numel < 0)
        reject("storage size is negative");
    doc.storages.push_back(std::move(s));
    Node n;
    n.kind = Kind::Storage;
    n.i = static_cast<int64_t>(doc.storages.size() - 1);
    return addNode(doc, std::move(n));
}

} // namespace mergelab::pickle
