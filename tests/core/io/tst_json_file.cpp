// The JSON-file reader: values, key order on request, optional files, and one-line errors that
// name the file and what it should have been.
#include "common/error.h"
#include "io/json_file.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace mergelab;

namespace {

std::string writeFile(const QTemporaryDir& dir, const char* name, const std::string& text)
{
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

} // namespace

class TestJsonFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsValuesAndKeepsOrderOnRequest()
    {
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "i.json", R"({"z": 1, "a": [true, "x"], "m": {"k": 2.5}})");
        const nlohmann::json j = readJsonFile(path, "index");
        QCOMPARE(j["z"].get<int>(), 1);
        QCOMPARE(j["a"][1].get<std::string>(), std::string("x"));
        QCOMPARE(j["m"]["k"].get<double>(), 2.5);
        const nlohmann::ordered_json o = readOrderedJsonFile(path, "index");
        QStringList keys;
        for (const auto& [key, value] : o.items())
            keys << QString::fromStdString(key);
        QCOMPARE(keys, QStringList({"z", "a", "m"}));
        QCOMPARE(readTextFile(path, "index"), std::string(R"({"z": 1, "a": [true, "x"], "m": {"k": 2.5}})"));
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("none.json").toStdString();
        try {
            readJsonFile(path, "project");
            QFAIL("no error");
        } catch (const IoError& e) {
            QCOMPARE(e.file(), path);
            QVERIFY2(e.detail().rfind("cannot open project: ", 0) == 0, e.what());
            QVERIFY(std::string(e.what()).find("No such file") != std::string::npos);
        }
        QVERIFY(readJsonFileIfPresent(path, "config").is_null());
    }

    void invalidJson_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("truncated") << QByteArray(R"({"a": )");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("newline in token") << QByteArray("{\"a\": tru\ne}");
        QTest::newRow("trailing garbage") << QByteArray("{} x");
    }
    void invalidJson()
    {
        QFETCH(QByteArray, text);
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "bad.json", text.toStdString());
        for (int variant = 0; variant < 3; ++variant) {
            try {
                if (variant == 0)
                    readJsonFile(path, "config");
                else if (variant == 1)
                    readOrderedJsonFile(path, "config");
                else
                    readJsonFileIfPresent(path, "config");
                QFAIL("no error");
            } catch (const FormatError& e) {
                const std::string what = e.what();
                QCOMPARE(e.file(), path);
                QVERIFY2(e.detail().rfind("config is not valid JSON: ", 0) == 0, what.c_str());
                QVERIFY2(what.find('\n') == std::string::npos, what.c_str());
                QVERIFY2(what.find("[json.exception") == std::string::npos, what.c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestJsonFile)
#include "tst_json_file.moc"
