// TorchScript archives: parameters and buffers under their module paths, with the values
// named_parameters() / named_buffers() had when make_torch_fixtures.py saved the module.
#include "torch_fixture_values.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/readers.h"

#include <QtTest>

using namespace mergelab;

namespace {

QString fixture(const QString& name)
{
    return QStringLiteral(MERGELAB_FIXTURES_DIR "/torch/") + name;
}

QJsonArray expectedScript()
{
    QFile f(fixture("expected.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open expected.json");
    return QJsonDocument::fromJson(f.readAll()).object().value("script.pt").toArray();
}

} // namespace

class TestTorchScript : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesMatchParametersAndBuffers()
    {
        auto ckpt = openTorchScript(fixture("script.pt").toStdString());
        QCOMPARE(QString::fromStdString(ckpt->format()), QString("torchscript"));
        QStringList got, want;
        for (const TensorInfo& t : ckpt->tensors())
            got << QString::fromStdString(t.name);
        for (const QJsonValue& t : expectedScript())
            want << t.toObject()["name"].toString();
        got.sort();
        want.sort();
        QCOMPARE(got, want);
        QVERIFY(want.contains("block.lin.weight") && want.contains("scale"));
    }

    void values_data()
    {
        QTest::addColumn<QJsonObject>("expected");
        for (const QJsonValue& t : expectedScript())
            QTest::newRow(qPrintable(t.toObject()["name"].toString())) << t.toObject();
    }
    void values()
    {
        QFETCH(QJsonObject, expected);
        // Checkpoint::open detects TorchScript from the archive's records.
        auto ckpt = Checkpoint::open(fixture("script.pt").toStdString());
        const std::string name = expected["name"].toString().toStdString();
        const TensorInfo* info = ckpt->find(name);
        QVERIFY(info);
        QCOMPARE(QString(dtypeName(info->dtype)), expected["dtype"].toString());
        std::vector<int64_t> shape;
        for (const QJsonValue& d : expected["shape"].toArray())
            shape.push_back(d.toInteger());
        QCOMPARE(info->shape, shape);
        const std::vector<double> got = testing::valuesOf(ckpt->read(name));
        const QJsonArray want = expected["values"].toArray();
        QCOMPARE(int(got.size()), int(want.size()));
        for (int i = 0; i < want.size(); ++i)
            QCOMPARE(got[i], want[i].toDouble());
    }

    // A plain state dict is not a scripted module: asking for TorchScript says so.
    void stateDictIsNotAModule()
    {
        try {
            openTorchScript(fixture("state_dict.pt").toStdString());
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("does not hold a scripted module"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestTorchScript)
#include "tst_torchscript.moc"
