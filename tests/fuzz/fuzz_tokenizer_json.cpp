// libFuzzer target: a tokenizer.json over arbitrary bytes, then an encode and decode of a fixed text
// through whatever tokenizer it describes. Every input must end in success or a mergelab::Error;
// anything else (crash, hang, other exception, sanitizer report, an id outside the vocabulary) is a
// finding.
#include "common/error.h"
#include "text/bpe_tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::unique_ptr<mergelab::BpeTokenizer> tokenizer;
    try {
        tokenizer = mergelab::BpeTokenizer::fromJsonText(std::string(reinterpret_cast<const char*>(data), size),
                                                         "fuzz/tokenizer.json");
    } catch (const mergelab::Error&) {
        return 0;
    }
    static const std::string text = "Hello, world! It's 2024:\n\n    x = 12345  <|endoftext|><s> [INST]caf\xC3\xA9 "
                                    "e\xCC\x81 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80\t\r\n'S  ";
    const std::vector<int64_t> ids = tokenizer->encode(text);
    for (int64_t id : ids)
        if (id < 0 || id >= tokenizer->vocabSize())
            __builtin_trap();
    // Ids the tokenizer produced always decode.
    try {
        tokenizer->decode(ids);
    } catch (const mergelab::Error&) {
        __builtin_trap();
    }
    return 0;
}
