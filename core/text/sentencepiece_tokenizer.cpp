#include "text/sentencepiece_tokenizer.h"

#include "common/error.h"
#include "io/json_file.h"
#include "text/sentencepiece_library.h"

#include <memory>

namespace mergelab {

namespace {

constexpr size_t kErrorSize = 512;

} // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const std::string& path)
{
    m_path = path;
    const SentencePieceLibrary& sp = sentencePieceLibrary();
    // Read the bytes ourselves: the one-line IoError for unreadable files, and the library only
    // ever parses memory.
    const std::string bytes = readTextFile(path, "tokenizer");
    char error[kErrorSize] = {};
    m_processor = sp.load(bytes.data(), bytes.size(), error, sizeof error);
    if (!m_processor)
        throw FormatError(path, {}, std::string("not a SentencePiece model: ") + error);
    int pieces = 0, bos = -1, eos = -1, unk = -1;
    sp.info(m_processor, &pieces, &bos, &eos, &unk);
    if (pieces <= 0) {
        sp.destroy(m_processor);
        throw FormatError(path, {}, "the SentencePiece model has no pieces");
    }
    m_pieces = pieces;
    m_bosId = bos;
    m_eosId = eos;
}

SentencePieceTokenizer::~SentencePieceTokenizer()
{
    if (m_processor)
        sentencePieceLibrary().destroy(m_processor);
}

std::vector<int64_t> SentencePieceTokenizer::encode(const std::string& text) const
{
    const SentencePieceLibrary& sp = sentencePieceLibrary();
    int* ids = nullptr;
    size_t count = 0;
    char error[kErrorSize] = {};
    if (sp.encode(m_processor, text.data(), text.size(), &ids, &count, error, sizeof error) != 0)
        throw InputError(m_path, {}, std::string("cannot tokenize the text: ") + error);
    std::unique_ptr<int, MlspFreeFn> owned(ids, sp.free);
    return std::vector<int64_t>(ids, ids + count);
}

std::string SentencePieceTokenizer::decode(const std::vector<int64_t>& ids) const
{
    std::vector<int> narrow;
    narrow.reserve(ids.size());
    for (int64_t id : ids) {
        if (id < 0 || id >= m_pieces)
            throw InputError(m_path, {}, "token id " + std::to_string(id) + " is outside the vocabulary");
        narrow.push_back(static_cast<int>(id));
    }
    const SentencePieceLibrary& sp = sentencePieceLibrary();
    char* text = nullptr;
    size_t size = 0;
    char error[kErrorSize] = {};
    if (sp.decode(m_processor, narrow.data(), narrow.size(), &text, &size, error, sizeof error) != 0)
        throw InputError(m_path, {}, std::string("cannot decode token ids: ") + error);
    std::unique_ptr<char, MlspFreeFn> owned(text, sp.free);
    return std::string(text, size);
}

int64_t SentencePieceTokenizer::vocabSize() const
{
    return m_pieces;
}

} // namespace mergelab
