// libmergelab_sentencepiece: see sentencepiece_shim.h for why this is a separate module.
#include "sentencepiece_shim.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#define MLSP_EXPORT extern "C" __attribute__((visibility("default")))

// Declared in the library's own logging header, which Debian does not install.
namespace sentencepiece::logging {
void SetMinLogLevel(int v);
}

struct MlspProcessor {
    sentencepiece::SentencePieceProcessor processor;
};

namespace {

// The library logs with std::cerr. Deep-bound, it would reach libstdc++'s own std::cerr, not the
// program's copy-relocated (initialised) one, and crash: its logging is switched off below FATAL for
// the life of the process (every failure is reported through a Status instead).
const bool kQuiet = [] {
    sentencepiece::logging::SetMinLogLevel(3);
    return true;
}();

void setError(char* error, size_t errorSize, const std::string& message)
{
    if (!error || errorSize == 0)
        return;
    const size_t n = std::min(errorSize - 1, message.size());
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

// Copies n items into a malloc'ed buffer for the caller (released with mlsp_free). 0 on success.
template <typename T>
int copyOut(const T* data, size_t n, T** out, size_t* count, char* error, size_t errorSize)
{
    *out = static_cast<T*>(std::malloc(std::max<size_t>(1, n) * sizeof(T)));
    if (!*out) {
        setError(error, errorSize, "out of memory");
        return 1;
    }
    if (n > 0)
        std::memcpy(*out, data, n * sizeof(T));
    *count = n;
    return 0;
}

class Sentences : public sentencepiece::SentenceIterator {
public:
    Sentences(const char* const* sentences, const size_t* sizes, size_t count)
        : m_sentences(sentences), m_sizes(sizes), m_count(count)
    {
        load();
    }
    bool done() const override { return m_index >= m_count; }
    void Next() override
    {
        ++m_index;
        load();
    }
    const std::string& value() const override { return m_value; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    void load()
    {
        if (m_index < m_count)
            m_value.assign(m_sentences[m_index], m_sizes[m_index]);
    }
    const char* const* m_sentences;
    const size_t* m_sizes;
    size_t m_count;
    size_t m_index = 0;
    std::string m_value;
};

} // namespace

MLSP_EXPORT MlspProcessor* mlsp_load(const char* bytes, size_t size, char* error, size_t errorSize)
{
    try {
        auto* p = new MlspProcessor;
        const auto status = p->processor.LoadFromSerializedProto(std::string(bytes, size));
        if (!status.ok()) {
            setError(error, errorSize, status.message());
            delete p;
            return nullptr;
        }
        return p;
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return nullptr;
    }
}

MLSP_EXPORT void mlsp_destroy(MlspProcessor* p)
{
    delete p;
}

MLSP_EXPORT int mlsp_info(const MlspProcessor* p, int* pieces, int* bos, int* eos, int* unk)
{
    *pieces = p->processor.GetPieceSize();
    *bos = p->processor.bos_id();
    *eos = p->processor.eos_id();
    *unk = p->processor.unk_id();
    return 0;
}

MLSP_EXPORT int mlsp_encode(const MlspProcessor* p, const char* text, size_t size, int** ids, size_t* count,
                            char* error, size_t errorSize)
{
    try {
        std::vector<int> out;
        const auto status = p->processor.Encode(std::string(text, size), &out);
        if (!status.ok()) {
            setError(error, errorSize, status.message());
            return 1;
        }
        return copyOut(out.data(), out.size(), ids, count, error, errorSize);
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return 1;
    }
}

MLSP_EXPORT int mlsp_decode(const MlspProcessor* p, const int* ids, size_t count, char** text, size_t* size,
                            char* error, size_t errorSize)
{
    try {
        std::string out;
        const auto status = p->processor.Decode(std::vector<int>(ids, ids + count), &out);
        if (!status.ok()) {
            setError(error, errorSize, status.message());
            return 1;
        }
        return copyOut(out.data(), out.size(), text, size, error, errorSize);
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return 1;
    }
}

MLSP_EXPORT int mlsp_train(const char* const* keys, const char* const* values, size_t argCount,
                           const char* const* sentences, const size_t* sizes, size_t count, char** model,
                           size_t* modelSize, char* error, size_t errorSize)
{
    try {
        std::unordered_map<std::string, std::string> args;
        for (size_t i = 0; i < argCount; ++i)
            args[keys[i]] = values[i];
        Sentences iterator(sentences, sizes, count);
        std::string out;
        const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &out);
        if (!status.ok()) {
            setError(error, errorSize, status.message());
            return 1;
        }
        return copyOut(out.data(), out.size(), model, modelSize, error, errorSize);
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return 1;
    }
}

MLSP_EXPORT void mlsp_free(void* buffer)
{
    std::free(buffer);
}
