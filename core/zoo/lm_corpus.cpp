#include "zoo/lm_corpus.h"

#include "common/error.h"
#include "io/json_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

namespace mergelab {

namespace fs = std::filesystem;

namespace {

const char* const kFortunes = "/usr/share/games/fortunes";

std::string readSource(const fs::path& path, const std::string& package)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw IoError(path.string(), {}, "missing (install the Debian package " + package + ")");
    return readTextFile(path.string(), "text");
}

// A fortunes file: entries separated by lines holding a single '%'.
std::vector<std::string> fortuneEntries(const fs::path& path)
{
    const std::string text = readSource(path, "fortunes");
    std::vector<std::string> out;
    std::string entry;
    for (const std::string& line : splitLines(text)) {
        if (line == "%") {
            if (!entry.empty())
                out.push_back(entry);
            entry.clear();
        } else {
            // Tabs become spaces: the collections indent attributions with them.
            std::string clean = line;
            std::replace(clean.begin(), clean.end(), '\t', ' ');
            entry += clean + "\n";
        }
    }
    if (!entry.empty())
        out.push_back(entry);
    return out;
}

// The Python standard library's modules of the newest python3.N under /usr/lib, cut into chunks of
// about 40 lines at blank lines.
std::vector<std::string> pythonSources(std::string* sourceName)
{
    fs::path best;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("python3.", 0) == 0 && fs::exists(entry.path() / "os.py", ec))
            if (best.empty() || name > best.filename().string())
                best = entry.path();
    }
    if (best.empty())
        throw IoError("/usr/lib/python3.*/os.py", {}, "missing (install the Debian package python3)");
    *sourceName = best.string() + "/*.py";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(best, ec))
        if (entry.path().extension() == ".py")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const fs::path& f : files) {
        const std::string text = readTextFile(f.string(), "text");
        std::string chunk;
        int lines = 0;
        for (const std::string& line : splitLines(text)) {
            if (line.find_first_not_of(" \t") == std::string::npos && lines >= 40) {
                out.push_back(chunk);
                chunk.clear();
                lines = 0;
                continue;
            }
            chunk += line + "\n";
            ++lines;
        }
        if (lines > 3)
            out.push_back(chunk);
    }
    return out;
}

// Worked sums and differences of numbers below 50 and products of numbers below 13, ten to a
// document ("37 + 45 = 82"): facts a small model can learn from a few hundred thousand tokens.
std::vector<std::string> arithmetic(int64_t documents, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    auto below = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
    std::vector<std::string> out;
    for (int64_t d = 0; d < documents; ++d) {
        std::string doc;
        for (int i = 0; i < 10; ++i) {
            const int op = static_cast<int>(below(3));
            int64_t a = below(op == 2 ? 13 : 50), b = below(op == 2 ? 13 : 50);
            if (op == 1 && b > a)
                std::swap(a, b);
            const int64_t r = op == 0 ? a + b : op == 1 ? a - b : a * b;
            doc += std::to_string(a) +
                   (op == 0   ? " + "
                    : op == 1 ? " - "
                              : " * ") +
                   std::to_string(b) + " = " + std::to_string(r) + "\n";
        }
        out.push_back(doc);
    }
    return out;
}

// Shuffles `documents` and deals them into test, val and train up to the character budgets.
void split(std::vector<std::string> documents, const LmCorpusSizes& sizes, uint64_t seed, LmDomainText& out)
{
    std::mt19937_64 rng(seed);
    std::shuffle(documents.begin(), documents.end(), rng);
    int64_t testChars = 0, valChars = 0, trainChars = 0;
    for (std::string& d : documents) {
        const int64_t n = static_cast<int64_t>(d.size());
        if (testChars < sizes.heldOutChars) {
            testChars += n;
            out.test.push_back(std::move(d));
        } else if (valChars < sizes.heldOutChars) {
            valChars += n;
            out.val.push_back(std::move(d));
        } else if (trainChars < sizes.trainChars) {
            trainChars += n;
            out.train.push_back(std::move(d));
        }
    }
}

} // namespace

namespace {

// Longer lines are not asked about (a choice must fit the small models' contexts).
constexpr size_t kMaxChoiceChars = 80;

// A document's lines without trailing blank ones.
std::vector<std::string> linesOf(const std::string& document)
{
    std::vector<std::string> out = splitLines(document);
    while (!out.empty() && out.back().find_first_not_of(' ') == std::string::npos)
        out.pop_back();
    return out;
}

} // namespace

std::string makeChoiceQuestions(const std::string& domain, const std::vector<std::string>& documents, int64_t count,
                                uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<std::vector<std::string>> docs;
    for (const std::string& d : documents) {
        std::vector<std::string> lines = linesOf(d);
        if (lines.size() >= 3)
            docs.push_back(std::move(lines));
    }
    std::string out;
    int64_t made = 0;
    if (docs.size() < 2)
        return out;
    // Several questions per document when there are few documents (different lines of it).
    for (int64_t attempt = 0; attempt < 4 * count && made < count; ++attempt) {
        const size_t di = static_cast<size_t>(attempt) % docs.size();
        const std::vector<std::string>& lines = docs[di];
        const size_t at = 1 + rng() % (lines.size() - 1); // the line to choose
        std::string prompt;
        for (size_t i = 0; i < at; ++i)
            prompt += lines[i] + "\n";
        std::vector<std::string> choices;
        if (domain == "arithmetic") {
            // "a op b = r": the prompt ends at "=", the choices are " r" and three near misses.
            const std::string& line = lines[at];
            const size_t eq = line.find(" = ");
            if (eq == std::string::npos)
                continue;
            prompt += line.substr(0, eq + 2);
            const int64_t r = std::stoll(line.substr(eq + 3));
            choices.push_back(" " + std::to_string(r));
            for (int64_t delta : {1, -1, 10, -10, 100, 2}) {
                if (choices.size() == 4)
                    break;
                if (r + delta >= 0)
                    choices.push_back(" " + std::to_string(r + delta));
            }
        } else {
            choices.push_back(lines[at]);
            for (size_t tries = 0; choices.size() < 4 && tries < 50; ++tries) {
                const size_t oi = rng() % docs.size();
                if (oi == di)
                    continue;
                const std::vector<std::string>& other = docs[oi];
                const std::string& candidate = other[rng() % other.size()];
                if (candidate.find_first_not_of(' ') != std::string::npos && candidate.size() <= kMaxChoiceChars &&
                    std::find(choices.begin(), choices.end(), candidate) == choices.end())
                    choices.push_back(candidate);
            }
            if (choices.size() < 4 || choices.front().find_first_not_of(' ') == std::string::npos ||
                choices.front().size() > kMaxChoiceChars)
                continue;
        }
        // The true choice at a seeded position.
        const size_t answer = rng() % choices.size();
        std::swap(choices[0], choices[answer]);
        nlohmann::json q = {{"prompt", prompt}, {"choices", choices}, {"answer", answer}};
        out += q.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        ++made;
    }
    return out;
}

std::vector<std::string> splitLines(const std::string& text)
{
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

std::string joinDocuments(const std::vector<std::string>& documents)
{
    std::string out;
    for (const std::string& d : documents) {
        out += d;
        if (!d.empty() && d.back() != '\n')
            out += '\n';
        out += '\n';
    }
    return out;
}

std::vector<LmDomainText> loadLmDomains(const LmCorpusSizes& sizes, uint64_t seed)
{
    std::vector<LmDomainText> out(4);
    std::string pythonSource;
    split(pythonSources(&pythonSource), sizes, seed + 1, out[0]);
    out[0].name = "code";
    out[0].description = "Python source code";
    out[0].source = pythonSource + " (Debian package python3)";

    const int64_t sums = 2 * (sizes.trainChars + 2 * sizes.heldOutChars) / 150 + 10;
    split(arithmetic(sums, seed + 2), sizes, seed + 3, out[1]);
    out[1].name = "arithmetic";
    out[1].description = "sums and differences of numbers below 50, products of numbers below 13";
    out[1].source = "generated";

    split(fortuneEntries(fs::path(kFortunes) / "songs-poems"), sizes, seed + 4, out[2]);
    out[2].name = "verse";
    out[2].description = "songs and poems";
    out[2].source = std::string(kFortunes) + "/songs-poems (Debian package fortunes)";

    split(fortuneEntries(fs::path(kFortunes) / "definitions"), sizes, seed + 5, out[3]);
    out[3].name = "definitions";
    out[3].description = "humorous dictionary definitions";
    out[3].source = std::string(kFortunes) + "/definitions (Debian package fortunes)";
    for (const LmDomainText& d : out)
        if (d.train.empty() || d.test.empty() || d.val.empty())
            throw InputError(d.source, {}, "too little text for the " + d.name + " domain");
    return out;
}

LmDomainText loadLmPretrainText(const std::vector<LmDomainText>& domains, const LmCorpusSizes& sizes,
                                double domainShare, uint64_t seed)
{
    const std::set<std::string> excluded = {"songs-poems", "definitions"};
    std::vector<fs::path> files;
    std::error_code ec;
    if (!fs::is_directory(kFortunes, ec))
        throw IoError(kFortunes, {}, "missing (install the Debian package fortunes)");
    for (const auto& entry : fs::directory_iterator(kFortunes, ec)) {
        const fs::path& p = entry.path();
        if (entry.is_regular_file() && !p.has_extension() && !excluded.count(p.filename().string()))
            files.push_back(p);
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> general;
    for (const fs::path& f : files)
        for (std::string& e : fortuneEntries(f))
            general.push_back(std::move(e));
    LmDomainText out;
    LmCorpusSizes generalSizes = sizes;
    generalSizes.trainChars = 2 * sizes.trainChars;
    split(std::move(general), generalSizes, seed + 6, out);
    out.name = "general";
    out.description = "general English (fortunes collections other than verse and definitions)";
    out.source = std::string(kFortunes) + " (Debian package fortunes)";
    for (const LmDomainText& d : domains) {
        const size_t n = static_cast<size_t>(domainShare * static_cast<double>(d.train.size()));
        out.train.insert(out.train.end(), d.train.begin(), d.train.begin() + static_cast<std::ptrdiff_t>(n));
    }
    std::mt19937_64 rng(seed + 7);
    std::shuffle(out.train.begin(), out.train.end(), rng);
    return out;
}

} // namespace mergelab
