#include "common/error.h"
#include "io/model_set.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace mergelab;

namespace {
const char* kProject = R"({
  "format": "mergelab-project", "version": 1, "name": "demo",
  "base": {"name": "base", "path": "ckpt/base.safetensors"},
  "models": [
    {"name": "digits", "path": "ckpt/digits.safetensors", "color": "#1f77b4", "task": "digits"},
    {"name": "abs", "path": "/abs/model.safetensors", "color": "#FF7F0E"}
  ],
  "architecture": {"type": "clip_vit", "config": "config.json"},
  "tasks": [{"name": "digits", "dataset": "data/digits.h5", "head": "heads.safetensors",
             "head_tensor": "digits.weight", "head_bias": "digits.bias", "normalize": true}]
})";

void writeFile(const std::string& path, const std::string& text)
{
    std::ofstream(path) << text;
}
} // namespace

class TestModelSet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsAndResolvesPaths()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("p.mergelab.json").toStdString();
        writeFile(file, kProject);
        const ModelSet set = ModelSet::load(file);
        const std::string root = dir.path().toStdString();
        QCOMPARE(set.name, std::string("demo"));
        QCOMPARE(set.base.path, root + "/ckpt/base.safetensors");
        QCOMPARE(int(set.models.size()), 2);
        QCOMPARE(set.models[0].path, root + "/ckpt/digits.safetensors");
        QCOMPARE(set.models[1].path, std::string("/abs/model.safetensors"));
        QCOMPARE(set.models[1].color, std::string("#FF7F0E"));
        QCOMPARE(set.architecture.type, std::string("clip_vit"));
        QCOMPARE(set.architecture.config, root + "/config.json");
        QVERIFY(set.findTask("digits"));
        QCOMPARE(set.findTask("digits")->dataset, root + "/data/digits.h5");
        QCOMPARE(set.findTask("digits")->headBias, std::string("digits.bias"));
        QVERIFY(set.findTask("digits")->normalize);
    }

    void saveWritesRelativePathsAndRoundTrips()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("p.mergelab.json").toStdString();
        writeFile(file, kProject);
        const ModelSet set = ModelSet::load(file);
        const std::string copy = dir.filePath("copy.mergelab.json").toStdString();
        set.save(copy);
        std::ifstream in(copy);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        QVERIFY(text.find("\"ckpt/digits.safetensors\"") != std::string::npos);
        QVERIFY(text.find(dir.path().toStdString()) == std::string::npos);
        const ModelSet again = ModelSet::load(copy);
        QCOMPARE(again.models[0].path, set.models[0].path);
        QCOMPARE(again.tasks[0].head, set.tasks[0].head);
        QCOMPARE(again.projectPath(), copy);
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{"
                                  << "not valid JSON";
        QTest::newRow("format") << R"({"format":"x","version":1})"
                                << "key 'format'";
        QTest::newRow("newer") << R"({"format":"mergelab-project","version":9})"
                               << "newer";
        QTest::newRow("no base") << R"({"format":"mergelab-project","version":1,"models":[]})"
                                 << "key 'base': missing";
        QTest::newRow("path type")
            << R"({"format":"mergelab-project","version":1,"base":{"path":"b"},"models":[{"name":"a","path":3}]})"
            << "key 'models[0].path': expected a string";
        QTest::newRow("color")
            << R"({"format":"mergelab-project","version":1,"base":{"path":"b"},"models":[{"name":"a","path":"x","color":"red"}]})"
            << "key 'models[0].color'";
        QTest::newRow("dup")
            << R"({"format":"mergelab-project","version":1,"base":{"path":"b"},"models":[{"name":"a","path":"x"},{"name":"a","path":"y"}]})"
            << "duplicate model name";
        QTest::newRow("arch")
            << R"({"format":"mergelab-project","version":1,"base":{"path":"b"},"models":[],"architecture":{"type":"rnn"}})"
            << "architecture.type";
        QTest::newRow("task ref")
            << R"({"format":"mergelab-project","version":1,"base":{"path":"b"},"models":[{"name":"a","path":"x","task":"t"}],"tasks":[]})"
            << "unknown task";
    }
    void rejectsBadInput()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        try {
            ModelSet::parse(text.toStdString(), "/tmp", "p.mergelab.json");
            QFAIL("no error");
        } catch (const FormatError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.rfind("p.mergelab.json: ", 0) == 0, msg.c_str());
            QVERIFY2(msg.find(expected.toStdString()) != std::string::npos, msg.c_str());
        }
    }

    void missingFileIsIoError() { QVERIFY_THROWS_EXCEPTION(IoError, ModelSet::load("/nonexistent/x.mergelab.json")); }
};

QTEST_GUILESS_MAIN(TestModelSet)
#include "tst_model_set.moc"
