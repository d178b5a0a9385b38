// libFuzzer target: the unpickler and the tensor walks over arbitrary bytes, and (mode bit 2) the
// whole torch reader on an in-memory file (zip directory, legacy format, view checks, reads).
// Anything but a mergelab::Error (a crash, a sanitizer report, a hang, another exception) is a finding.
#include "common/error.h"
#include "io/pickle.h"
#include "io/torch_zip_reader.h"

#include <cstddef>
#include <cstdint>

namespace {

void unpickleAndWalk(const uint8_t* data, std::size_t size, bool torchScript)
{
    using namespace mergelab;
    pickle::Options options;
    options.file = "fuzz.pt";
    options.source = "data.pkl";
    options.torchScript = torchScript;
    // Smaller caps than the defaults keep each run fast; the logic is the same.
    options.maxStack = 1u << 14;
    options.maxMemo = 1u << 14;
    options.maxNodes = 1u << 18;
    const pickle::Document doc = pickle::unpickle(data, size, options);
    if (torchScript)
        pickle::moduleTensors(doc, options);
    else
        pickle::stateDictTensors(doc, options);
}

void openAndRead(const uint8_t* data, std::size_t size, bool torchScript)
{
    using namespace mergelab;
    const auto mode = torchScript ? TorchArchiveMode::TorchScript : TorchArchiveMode::Detect;
    const auto checkpoint = openTorchBytes("fuzz.pt", FileBytes{nullptr, data, size}, mode);
    for (const TensorInfo& t : checkpoint->tensors()) {
        const TensorData bytes = checkpoint->read(t.name);
        if (bytes.size() != t.byteSize)
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    // The first byte picks the mode so one corpus covers all: bit 0 TorchScript, bit 1 whole file.
    if (size == 0)
        return 0;
    const bool torchScript = data[0] & 1;
    try {
        if (data[0] & 2)
            openAndRead(data + 1, size - 1, torchScript);
        else
            unpickleAndWalk(data + 1, size - 1, torchScript);
    } catch (const mergelab::Error&) {}
    return 0;
}
