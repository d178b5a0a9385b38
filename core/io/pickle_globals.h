// Internal to the unpickler: what the allowlisted globals do when REDUCE/NEWOBJ/BUILD/BINPERSID
// meet them. Each function may append nodes to the document and returns the result node.
#pragma once

#include "io/pickle.h"

#include <string>

namespace mergelab::pickle {

// Thrown by the functions below; the machine turns it into a FormatError "<what> in <source> at byte N".
struct Rejection {
    std::string what;
};
[[noreturn]] inline void reject(const std::string& what)
{
    throw Rejection{what};
}

// True when module.name may appear in a GLOBAL opcode under these options.
bool isAllowedGlobal(const std::string& module, const std::string& name, bool torchScript);
// REDUCE: callable(*args).
uint32_t callGlobal(Document& doc, uint32_t callable, uint32_t args);
// NEWOBJ: cls.__new__(cls, *args).
uint32_t newObject(Document& doc, uint32_t cls, uint32_t args);
// BUILD: obj.__setstate__(state); obj stays on the stack.
void buildObject(Document& doc, uint32_t obj, uint32_t state);
// BINPERSID: torch's persistent_load(pid) -> a Storage node.
uint32_t persistentLoad(Document& doc, uint32_t pid, bool legacy);

// Appends a node and returns its index.
uint32_t addNode(Document& doc, Node node);

} // namespace mergelab::pickle
