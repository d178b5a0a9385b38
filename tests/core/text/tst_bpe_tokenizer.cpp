// Byte-level BPE tokenizer.json files against references no one here wrote:
// - ids: tests/fixtures/text/bpe/expected.json, from Hugging Face's tokenizers.js
//   (@huggingface/tokenizers 0.2.0) on the same committed files, whose vocabularies come from
//   gpt-tokenizer 4.0.0 (GPT-2 r50k, cl100k) and llama3-tokenizer-js 1.2.0 (Llama 3); see
//   tests/fixtures/text/bpe/make_bpe_fixtures.mjs. That script also checks the full vocabularies
//   against the packages' own encoders and published ids (GPT-2 "Hello world" = [15496, 995],
//   Llama 3 "Hello world!" = [128000, 9906, 1917, 0]); with MERGELAB_BPE_FULL_DIR pointing at its
//   --full output, fullVocabulariesWhenGiven compares those too.
// - splits: tests/fixtures/text/bpe/split_oracle.json, pieces of the Rust tokenizers 0.22.2
//   (Oniguruma) recorded in tokenizers.js's test fixtures.
#include "common/error.h"
#include "text/bpe_split_pattern.h"
#include "text/bpe_tokenizer.h"
#include "text/tokenizer.h"
#include "tokenizer_error.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(MERGELAB_FIXTURES_DIR) + "/text/bpe";
// A decomposed test text of the fixtures and its NFC form (the Qwen2-style file normalises).
const std::string kDecomposed = "cafe\xCC\x81 nai\xCC\x88ve re\xCC\x81sume\xCC\x81 A\xCC\x8Angstro\xCC\x88m";
const std::string kComposed = "caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9 \xC3\x85ngstr\xC3\xB6m";

nlohmann::json readJson(const std::string& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A folder holding `tokenizerJson` and, when not empty, this tokenizer_config.json text.
std::string folderWith(const QTemporaryDir& tmp, const std::string& name, const std::string& tokenizerJson,
                       const std::string& config = {})
{
    const std::string dir = tmp.path().toStdString() + "/" + name;
    fs::create_directories(dir);
    std::ofstream(dir + "/tokenizer.json", std::ios::binary) << tokenizerJson;
    if (!config.empty())
        std::ofstream(dir + "/tokenizer_config.json") << config;
    return dir;
}

void compareCases(const Tokenizer& tokenizer, const std::string& name, const nlohmann::json& cases)
{
    QVERIFY(cases.size() >= 15);
    for (const auto& c : cases) {
        const std::string text = c["text"];
        const std::vector<int64_t> ids = tokenizer.encode(text);
        QVERIFY2(ids == c["ids"].get<std::vector<int64_t>>(), (name + ": " + text.substr(0, 60)).c_str());
        QVERIFY2(tokenizer.encodeForModel(text) == c["ids_for_model"].get<std::vector<int64_t>>(),
                 (name + ": " + text.substr(0, 60)).c_str());
        // decode(encode(x)) == x, except where the file changes the text: a prefix space, NFC.
        if (name == "gpt2_prefix")
            continue;
        const std::string expected = name == "qwen2" && text == kDecomposed ? kComposed : text;
        QCOMPARE(tokenizer.decode(ids), expected);
    }
}

// Random UTF-8 from ranges that exercise the pre-tokenizers: ASCII, whitespace, apostrophes,
// digits of several scripts, accents and combining marks, CJK, Hangul, emoji with joiners.
std::string randomText(std::mt19937& rng, size_t length)
{
    static const std::vector<std::pair<char32_t, char32_t>> ranges = {
        {0x20, 0x7E},     {0x20, 0x20},       {0x0A, 0x0A},     {0x09, 0x0D},     {0x27, 0x27},     {0x30, 0x39},
        {0xA0, 0x17F},    {0x300, 0x36F},     {0x660, 0x669},   {0x900, 0x97F},   {0x3000, 0x3003}, {0x4E00, 0x4E80},
        {0xAC00, 0xAC40}, {0x1F600, 0x1F64F}, {0x200D, 0x200D}, {0x2028, 0x2029}, {0x85, 0x85},     {0xFEFF, 0xFEFF}};
    std::string out;
    for (size_t i = 0; i < length; ++i) {
        const auto& [lo, hi] = ranges[rng() % ranges.size()];
        char32_t cp = lo + rng() % (hi - lo + 1);
        std::string bytes;
        if (cp < 0x80) {
            bytes += char(cp);
        } else if (cp < 0x800) {
            bytes += char(0xC0 | (cp >> 6));
            bytes += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            bytes += char(0xE0 | (cp >> 12));
            bytes += char(0x80 | ((cp >> 6) & 0x3F));
            bytes += char(0x80 | (cp & 0x3F));
        } else {
            bytes += char(0xF0 | (cp >> 18));
            bytes += char(0x80 | ((cp >> 12) & 0x3F));
            bytes += char(0x80 | ((cp >> 6) & 0x3F));
            bytes += char(0x80 | (cp & 0x3F));
        }
        out += bytes;
    }
    return out;
}

} // namespace

class TestBpeTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idsEqualTokenizersJs_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* name : {"gpt2", "gpt2_prefix", "llama3", "qwen2", "tekken"})
            QTest::newRow(name) << QString(name);
    }

    void idsEqualTokenizersJs()
    {
        QFETCH(QString, name);
        const nlohmann::json ref = readJson(kDir + "/expected.json");
        auto tokenizer = Tokenizer::open(kDir + "/" + name.toStdString());
        compareCases(*tokenizer, name.toStdString(), ref["fixtures"][name.toStdString()]["cases"]);
    }

    void splitsEqualRustTokenizers()
    {
        const nlohmann::json oracle = readJson(kDir + "/split_oracle.json");
        QVERIFY(oracle["cases"].size() >= 6);
        for (const auto& c : oracle["cases"]) {
            const std::optional<bpe::SplitPattern> pattern = bpe::recogniseSplitPattern(c["pattern"]);
            QVERIFY2(pattern, c["id"].get<std::string>().c_str());
            for (size_t i = 0; i < c["inputs"].size(); ++i) {
                const std::string input = c["inputs"][i];
                std::vector<std::string_view> pieces;
                bpe::splitWithPattern(*pattern, input, pieces);
                const std::vector<std::string> got(pieces.begin(), pieces.end());
                QVERIFY2(got == c["pieces"][i].get<std::vector<std::string>>(),
                         (c["id"].get<std::string>() + ": " + input).c_str());
            }
        }
        QVERIFY(!bpe::recogniseSplitPattern("\\w+|\\s+"));
    }

    void decodeInvertsEncodeForAnyUtf8()
    {
        std::mt19937 rng(16);
        for (const char* name : {"gpt2", "llama3", "tekken"}) {
            auto tokenizer = Tokenizer::open(kDir + "/" + name);
            for (int round = 0; round < 200; ++round) {
                const std::string text = randomText(rng, 1 + rng() % 60);
                QCOMPARE(tokenizer->decode(tokenizer->encode(text)), text);
            }
        }
        // Text already NFC comes back unchanged through the normalising file too.
        auto qwen = Tokenizer::open(kDir + "/qwen2");
        for (const std::string& text :
             {kComposed, std::string("\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 x\n"), std::string()})
            QCOMPARE(qwen->decode(qwen->encode(text)), text);
        QCOMPARE(qwen->encode(kDecomposed), qwen->encode(kComposed));
    }

    void decodeRejectsUnknownIdsAndRepairsBytes()
    {
        auto tokenizer = Tokenizer::open(kDir + "/gpt2");
        QCOMPARE(tokenizer->vocabSize(), int64_t(50257));
        QVERIFY_THROWS_EXCEPTION(InputError, tokenizer->decode({-1}));
        QVERIFY_THROWS_EXCEPTION(InputError, tokenizer->decode({50257}));
        QVERIFY_THROWS_EXCEPTION(InputError, tokenizer->decode({4000})); // a gap of the truncated file
        // The first byte of an emoji alone is invalid UTF-8: it decodes to U+FFFD, as transformers does.
        const std::string emoji = "\xF0\x9F\x98\x80";
        const std::vector<int64_t> ids = tokenizer->encode(emoji);
        QVERIFY(ids.size() >= 2);
        QCOMPARE(tokenizer->decode({ids[0]}), std::string("\xEF\xBF\xBD"));
        QCOMPARE(tokenizer->decode(ids), emoji);
    }

    void bosAndEosFollowTemplateAndConfig()
    {
        auto llama = Tokenizer::open(kDir + "/llama3");
        QVERIFY(llama->addsBos());
        QVERIFY(!llama->addsEos());
        QCOMPARE(llama->bosId(), int64_t(128000));
        QCOMPARE(llama->eosId(), int64_t(128001));
        const std::vector<int64_t> body = llama->encode("Hello world");
        std::vector<int64_t> withBos = {128000};
        withBos.insert(withBos.end(), body.begin(), body.end());
        QCOMPARE(llama->encodePrompt("Hello world"), withBos);
        // Special tokens inside the text are found, not split into pieces.
        const std::vector<int64_t> chat = llama->encode("a<|eot_id|>b");
        QCOMPARE(chat.size(), size_t(3));
        QCOMPARE(chat[1], int64_t(128009));

        auto qwen = Tokenizer::open(kDir + "/qwen2");
        QVERIFY(!qwen->addsBos());
        QCOMPARE(qwen->bosId(), int64_t(-1));
        QCOMPARE(qwen->eosId(), int64_t(151643));
        auto gpt2 = Tokenizer::open(kDir + "/gpt2");
        QVERIFY(!gpt2->addsBos());
        QCOMPARE(gpt2->encodeForModel("Hello world"), gpt2->encode("Hello world"));
        auto tekken = Tokenizer::open(kDir + "/tekken");
        QVERIFY(tekken->addsBos());
        QCOMPARE(tekken->bosId(), int64_t(1));

        // tokenizer_config.json's add_bos_token / add_eos_token override the template.
        QTemporaryDir tmp;
        const std::string llamaJson = readText(kDir + "/llama3/tokenizer.json");
        auto noBos = Tokenizer::open(folderWith(tmp, "nobos", llamaJson, R"({"add_bos_token": false})"));
        QCOMPARE(noBos->encodeForModel("Hello world"), body);
        auto eos =
            Tokenizer::open(folderWith(tmp, "eos", llamaJson, R"({"add_eos_token": true, "eos_token": "<|eot_id|>"})"));
        std::vector<int64_t> withBoth = withBos;
        withBoth.push_back(128009);
        QCOMPARE(eos->encodeForModel("Hello world"), withBoth);
        QCOMPARE(eos->encodePrompt("Hello world"), withBos);
        const std::string gptJson = readText(kDir + "/gpt2/tokenizer.json");
        auto gptBos = Tokenizer::open(folderWith(
            tmp, "gptbos", gptJson, R"({"add_bos_token": true, "bos_token": {"content": "<|endoftext|>"}})"));
        QCOMPARE(gptBos->encodeForModel("Hi").front(), int64_t(50256));
        auto noConfig = Tokenizer::open(folderWith(tmp, "plain", gptJson));
        QCOMPARE(noConfig->bosId(), int64_t(-1));

        auto expectError = [](const std::string& path, const QString& part) {
            const QString error = mergelab::test::tokenizerOpenError(path);
            QVERIFY2(error.contains(part), qPrintable(error + " -- expected: " + part));
            QVERIFY2(!error.contains('\n'), qPrintable(error));
        };
        expectError(folderWith(tmp, "needbos", gptJson, R"({"add_bos_token": true})"),
                    "add_bos_token is set but the tokenizer has no BOS token");
        expectError(folderWith(tmp, "unknownbos", gptJson, R"({"bos_token": "<s>"})"),
                    "tokenizer_config.json: bos_token '<s>' is not a token of");
        expectError(folderWith(tmp, "badbos", gptJson, R"({"bos_token": 3})"),
                    "tokenizer_config.json: key 'bos_token': expected a token string");
    }

    void brokenFilesGiveOneLineErrors_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated") << "truncate"
                                   << "tokenizer.json: tokenizer is not valid JSON";
        QTest::newRow("empty") << "empty"
                               << "tokenizer.json: tokenizer is not valid JSON";
        QTest::newRow("array") << "[]"
                               << "tokenizer.json: expected a JSON object";
        QTest::newRow("no model") << "/model=null"
                                  << "tokenizer.json: missing key 'model'";
        QTest::newRow("vocab array") << "/model/vocab=[]"
                                     << "model.vocab: expected an object of token -> id";
        QTest::newRow("id string") << "/model/vocab/hello=\"3\""
                                   << "model.vocab['hello']: expected an integer";
        QTest::newRow("id negative") << "/model/vocab/hello=-4"
                                     << "token id -4 is outside 0..2097151";
        QTest::newRow("id huge") << "/model/vocab/hello=1000000000000"
                                 << "is outside 0..2097151";
        QTest::newRow("id twice") << "/model/vocab/hello=5"
                                  << "model.vocab: token id 5 is given to two tokens";
        QTest::newRow("no byte") << "/model/vocab/\xC4\x80=null"
                                 << "no byte-level symbol";
        QTest::newRow("merges type") << "/model/merges=7"
                                     << "model.merges: expected an array";
        QTest::newRow("merge unknown") << "/model/merges/0=\"zzq qzz\""
                                       << "model.merges[0]: token 'zzq' is not in the vocabulary";
        QTest::newRow("merge result") << "/model/merges/0=\"\xC4\x80 \xC4\x80\""
                                      << "model.merges[0]: token '\xC4\x80\xC4\x80' is not in the vocabulary";
        QTest::newRow("merge shape") << "/model/merges/0=\"abc\""
                                     << "expected two tokens separated by one space";
        QTest::newRow("merge pair") << "/model/merges/0=[1,2]"
                                    << "model.merges[0]: expected \"left right\"";
        QTest::newRow("model type") << "/model/type=\"WordPiece\""
                                    << "'WordPiece' tokenizers are not supported";
        QTest::newRow("pattern") << "/pre_tokenizer={\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\w+\"},"
                                    "\"behavior\":\"Isolated\",\"invert\":false}"
                                 << "pre_tokenizer.pattern: the split pattern '\\w+' is not supported";
        QTest::newRow("no pretok") << "/pre_tokenizer=null"
                                   << "only byte-level BPE tokenizers";
        QTest::newRow("normalizer") << "/normalizer={\"type\":\"Lowercase\"}"
                                    << "normalizer: normalizer 'Lowercase' is not supported";
        QTest::newRow("added id") << "/added_tokens/0/id=99999999"
                                  << "added_tokens[0].id: token id 99999999";
        QTest::newRow("added clash") << "/added_tokens/0/id=5"
                                     << "is '&' in the vocabulary but '<|endoftext|>' here";
        QTest::newRow("added empty") << "/added_tokens/0/content=\"\""
                                     << "an added token cannot be empty";
        QTest::newRow("processor") << "/post_processor={\"type\":\"RobertaProcessing\"}"
                                   << "post-processor 'RobertaProcessing' is not supported";
        QTest::newRow("template") << "/post_processor={\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":"
                                     "{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],"
                                     "\"special_tokens\":{}}"
                                  << "special token '<s>' is not in special_tokens";
        QTest::newRow("decoder") << "/decoder={\"type\":\"Metaspace\"}"
                                 << "decoder 'Metaspace' is not supported";
    }

    void brokenFilesGiveOneLineErrors()
    {
        QFETCH(QString, change);
        QFETCH(QString, expected);
        const std::string good = readText(kDir + "/gpt2/tokenizer.json");
        std::string text;
        const std::string c = change.toStdString();
        if (c == "truncate") {
            text = good.substr(0, good.size() / 2);
        } else if (c == "empty") {
            text.clear();
        } else if (c[0] != '/') {
            text = c;
        } else {
            // "/json/pointer=value": set (or, with null, remove) one value of the good file.
            nlohmann::json json = nlohmann::json::parse(good);
            const size_t eq = c.find('=');
            const nlohmann::json::json_pointer pointer(c.substr(0, eq));
            const nlohmann::json value = nlohmann::json::parse(c.substr(eq + 1));
            if (value.is_null() && !pointer.parent_pointer().empty())
                json[pointer.parent_pointer()].erase(pointer.back());
            else if (value.is_null())
                json.erase(pointer.back());
            else
                json[pointer] = value;
            text = json.dump();
        }
        QTemporaryDir tmp;
        const QString error = mergelab::test::tokenizerOpenError(folderWith(tmp, "broken", text));
        QVERIFY2(error.contains(QString::fromStdString(tmp.path().toStdString() + "/broken/tokenizer.json: ")),
                 qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error + " -- expected: " + expected));
        QVERIFY2(!error.contains('\n'), qPrintable(error));
    }

    void concurrentEncodesAgree()
    {
        auto tokenizer = Tokenizer::open(kDir + "/llama3");
        const std::string text = readText(std::string(MERGELAB_FIXTURES_DIR) + "/text/corpus.txt");
        const std::vector<int64_t> want = tokenizer->encode(text);
        std::vector<std::vector<int64_t>> got(4);
        std::vector<std::thread> threads;
        for (auto& out : got)
            threads.emplace_back([&] { out = tokenizer->encode(text); });
        for (auto& t : threads)
            t.join();
        for (const auto& ids : got)
            QCOMPARE(ids, want);
    }

    void encodesAMegabyteQuickly()
    {
        auto tokenizer = Tokenizer::open(kDir + "/llama3");
        const std::string corpus = readText(std::string(MERGELAB_FIXTURES_DIR) + "/text/corpus.txt");
        std::string text;
        while (text.size() < (size_t(1) << 20))
            text += corpus;
        QElapsedTimer timer;
        timer.start();
        const std::vector<int64_t> ids = tokenizer->encode(text);
        const qint64 ms = timer.elapsed();
        qInfo("encoded %zu bytes into %zu tokens in %lld ms", text.size(), ids.size(), static_cast<long long>(ms));
        QVERIFY(ids.size() > text.size() / 8);
        QVERIFY2(ms < 10000, "far slower than expected (release builds take ~0.1 s)");
    }

    void fullVocabulariesWhenGiven()
    {
        const char* dir = std::getenv("MERGELAB_BPE_FULL_DIR");
        if (!dir || !*dir)
            QSKIP("MERGELAB_BPE_FULL_DIR not set (make_bpe_fixtures.mjs --full DIR writes it)");
        const nlohmann::json ref = readJson(std::string(dir) + "/expected.json");
        for (const auto& [name, fixture] : ref["fixtures"].items()) {
            auto tokenizer = Tokenizer::open(std::string(dir) + "/" + name);
            compareCases(*tokenizer, name, fixture["cases"]);
        }
    }
};

QTEST_GUILESS_MAIN(TestBpeTokenizer)
#include "tst_bpe_tokenizer.moc"
