// libFuzzer target: the safetensors header parser over arbitrary bytes (the whole "file").
// Every input must end in success or a mergelab::Error; anything else (crash, other exception,
// sanitizer report) is a finding.
#include "common/error.h"
#include "io/safetensors_header.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto header = mergelab::parseSafetensorsHeader(data, size, "fuzz.safetensors");
        // Touch what a reader would use: every entry must lie inside the input.
        for (const auto& e : header.entries)
            if (header.dataStart + e.end > size || e.end - e.begin != e.info.byteSize)
                __builtin_trap();
    } catch (const mergelab::Error&) {}
    return 0;
}
