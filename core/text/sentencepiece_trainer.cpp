#include "text/sentencepiece_trainer.h"

#include "common/error.h"
#include "text/sentencepiece_library.h"

#include <mutex>
#include <unordered_map>
#include <vector>

namespace mergelab {

namespace {

// SentencePiece's trainer keeps process-wide state (its flags, its log level): one training at a time.
std::mutex& trainingMutex()
{
    static std::mutex m;
    return m;
}

} // namespace

std::string trainSentencePiece(const std::vector<std::string>& sentences, const SentencePieceTrainOptions& options)
{
    if (sentences.empty())
        throw InputError("tokenizer training: no text");
    if (options.vocabSize < 8 || options.vocabSize > (1 << 20))
        throw InputError("tokenizer training: vocabulary size " + std::to_string(options.vocabSize) +
                         " is out of range (8 to 1048576)");
    const std::unordered_map<std::string, std::string> args = {
        {"model_type", "bpe"},
        {"vocab_size", std::to_string(options.vocabSize)},
        {"character_coverage", "1.0"},
        {"byte_fallback", options.byteFallback ? "true" : "false"},
        {"split_digits", "true"},
        {"allow_whitespace_only_pieces", "true"},
        {"remove_extra_whitespaces", "false"},
        {"normalization_rule_name", "identity"},
        {"add_dummy_prefix", "true"},
        {"unk_id", "0"},
        {"bos_id", "1"},
        {"eos_id", "2"},
        {"pad_id", "-1"},
        {"num_threads", "1"},
        {"max_sentence_length", std::to_string(options.maxSentenceLength)},
        {"input_sentence_size", "0"},
        {"shuffle_input_sentence", "false"},
        {"train_extremely_large_corpus", "false"},
    };
    const SentencePieceLibrary& sp = sentencePieceLibrary();
    std::vector<const char*> keys, values, texts;
    std::vector<size_t> sizes;
    for (const auto& [key, value] : args) {
        keys.push_back(key.c_str());
        values.push_back(value.c_str());
    }
    for (const std::string& s : sentences) {
        texts.push_back(s.data());
        sizes.push_back(s.size());
    }
    std::lock_guard<std::mutex> lock(trainingMutex());
    char* model = nullptr;
    size_t modelSize = 0;
    char error[512] = {};
    const int status = sp.train(keys.data(), values.data(), keys.size(), texts.data(), sizes.data(), texts.size(),
                                &model, &modelSize, error, sizeof error);
    if (status != 0)
        throw InputError(std::string("tokenizer training failed: ") + error);
    std::string out(model, modelSize);
    sp.free(model);
    return out;
}

} // namespace mergelab
