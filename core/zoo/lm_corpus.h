// Text for the language-model demo sets, from files Debian packages ship: the fortunes package's
// collections (verse, definitions and, for pretraining, the rest), the Python standard library's
// sources (code), and generated arithmetic facts. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

// Documents of one domain, split by document (no document is in two splits).
struct LmDomainText {
    std::string name;        // "code", "arithmetic", ...
    std::string description; // for model cards
    std::string source;      // where the text came from
    std::vector<std::string> train, val, test;
};

struct LmCorpusSizes {
    int64_t trainChars = 400000;  // per domain, at most
    int64_t heldOutChars = 20000; // val and test each, per domain, at most
};

// The four fine-tuning domains: code, arithmetic, verse, definitions. IoError naming the file and
// the Debian package when a source is missing.
std::vector<LmDomainText> loadLmDomains(const LmCorpusSizes& sizes, uint64_t seed);

// Pretraining text: every other fortunes collection (general English), plus `domainShare` of each
// domain's training documents so the base has seen every format a little.
LmDomainText loadLmPretrainText(const std::vector<LmDomainText>& domains, const LmCorpusSizes& sizes,
                                double domainShare, uint64_t seed);

// Multiple-choice questions from held-out `documents` of `domain`, as JSONL ({"prompt", "choices",
// "answer"} per line), at most `count`: the text of a document up to a line, and which of four lines
// comes next (the true one, and lines of three other documents). Arithmetic asks for the
// result of the next sum instead (the true one and three near misses). Deterministic for a seed.
std::string makeChoiceQuestions(const std::string& domain, const std::vector<std::string>& documents, int64_t count,
                                uint64_t seed);

// The lines of `text` (without their '\n'; a last line without one counts).
std::vector<std::string> splitLines(const std::string& text);

// Documents joined by blank lines: the form texts are tokenized and evaluated in.
std::string joinDocuments(const std::vector<std::string>& documents);

} // namespace mergelab
