// SentencePiece tokenizers against tests/fixtures/text/make_sp_fixture.py (ids and pieces from
// Debian's python3-sentencepiece binding), BOS/EOS from tokenizer_config.json as transformers'
// LlamaTokenizer applies them, and one-line errors for broken files.
#include "common/error.h"
#include "text/tokenizer.h"
#include "tokenizer_error.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(MERGELAB_FIXTURES_DIR) + "/text";

nlohmann::json expected()
{
    std::ifstream in(kDir + "/sp_expected.json");
    return nlohmann::json::parse(in);
}

// A folder with the fixture's tokenizer.model and, when given, this tokenizer_config.json text.
std::string folderWith(const QTemporaryDir& tmp, const std::string& name, const std::string& config)
{
    const std::string dir = tmp.path().toStdString() + "/" + name;
    fs::create_directories(dir);
    fs::copy_file(kDir + "/tokenizer.model", dir + "/tokenizer.model", fs::copy_options::overwrite_existing);
    if (!config.empty())
        std::ofstream(dir + "/tokenizer_config.json") << config;
    return dir;
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idsEqualThePythonBinding()
    {
        const nlohmann::json ref = expected();
        auto tokenizer = Tokenizer::open(kDir);
        QCOMPARE(tokenizer->vocabSize(), ref["vocab_size"].get<int64_t>());
        QCOMPARE(tokenizer->bosId(), ref["bos_id"].get<int64_t>());
        QCOMPARE(tokenizer->eosId(), ref["eos_id"].get<int64_t>());
        QVERIFY(ref["cases"].size() >= 5);
        for (const auto& c : ref["cases"]) {
            const std::string text = c["text"];
            QCOMPARE(tokenizer->encode(text), c["ids"].get<std::vector<int64_t>>());
            QCOMPARE(tokenizer->decode(c["ids"].get<std::vector<int64_t>>()), c["decoded"].get<std::string>());
        }
    }

    void bosAndEosFollowTokenizerConfig()
    {
        QTemporaryDir tmp;
        const std::vector<int64_t> body = Tokenizer::open(kDir)->encode("the cat");
        QVERIFY(!body.empty());
        // No tokenizer_config.json: BOS first, no EOS (LlamaTokenizer's defaults).
        auto plain = Tokenizer::open(folderWith(tmp, "plain", ""));
        std::vector<int64_t> withBos = {1};
        withBos.insert(withBos.end(), body.begin(), body.end());
        QCOMPARE(plain->encodeForModel("the cat"), withBos);
        auto noBos = Tokenizer::open(folderWith(tmp, "nobos", R"({"add_bos_token": false})"));
        QCOMPARE(noBos->encodeForModel("the cat"), body);
        auto both = Tokenizer::open(folderWith(tmp, "both", R"({"add_bos_token": true, "add_eos_token": true})"));
        std::vector<int64_t> withBoth = withBos;
        withBoth.push_back(2);
        QCOMPARE(both->encodeForModel("the cat"), withBoth);
        // A weights file's folder works like the folder itself.
        QCOMPARE(Tokenizer::open(kDir + "/tokenizer.model")->encode("the cat"), body);
    }

    void brokenFilesGiveOneLineErrors()
    {
        QTemporaryDir tmp;
        auto expectError = [](const std::string& path, const QString& part) {
            const QString error = mergelab::test::tokenizerOpenError(path);
            QVERIFY2(error.contains(part), qPrintable(error + " -- expected: " + part));
            QVERIFY2(!error.contains('\n'), qPrintable(error));
        };
        const std::string empty = tmp.path().toStdString() + "/empty";
        fs::create_directories(empty);
        expectError(empty, "no tokenizer in the folder");
        // Garbage, a truncated model, and an empty file.
        const std::string garbage = tmp.path().toStdString() + "/garbage";
        fs::create_directories(garbage);
        std::ofstream(garbage + "/tokenizer.model") << "this is not a protobuf \xff\xfe\x01";
        expectError(garbage, "tokenizer.model: not a SentencePiece model");
        std::string bytes;
        {
            std::ifstream in(kDir + "/tokenizer.model", std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        for (size_t cut : {bytes.size() / 2, size_t(1), size_t(0)}) {
            const std::string truncated = tmp.path().toStdString() + "/cut" + std::to_string(cut);
            fs::create_directories(truncated);
            std::ofstream(truncated + "/tokenizer.model", std::ios::binary) << bytes.substr(0, cut);
            const QString error = mergelab::test::tokenizerOpenError(truncated);
            QVERIFY2(error.contains("tokenizer.model: "), qPrintable(error));
            QVERIFY2(!error.contains("opened without error"), qPrintable(error));
        }
        expectError(folderWith(tmp, "badconfig", R"({"add_bos_token": "yes"})"),
                    "tokenizer_config.json: key 'add_bos_token': expected true or false");
        expectError(folderWith(tmp, "badjson", R"({"add_bos_token": )"),
                    "tokenizer_config.json: tokenizer config is not valid JSON");
        const std::string bpe = tmp.path().toStdString() + "/bpe";
        fs::create_directories(bpe);
        std::ofstream(bpe + "/tokenizer.json") << "{}";
        // Without tokenizer.model, tokenizer.json is read (tests/core/text/tst_bpe_tokenizer.cpp).
        expectError(bpe, "tokenizer.json: missing key 'model'");
        QVERIFY_EXCEPTION_THROWN(Tokenizer::open(kDir)->decode({64}), InputError);
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
