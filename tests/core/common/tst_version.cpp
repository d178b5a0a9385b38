// The version stamped into outputs is the project's version.
#include "common/version.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

class TestVersion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equalsProjectVersion()
    {
        QFile cmake(QStringLiteral(MERGELAB_SOURCE_DIR "/CMakeLists.txt"));
        QVERIFY(cmake.open(QIODevice::ReadOnly));
        const QRegularExpression project(QStringLiteral(R"(project\(MergeLab VERSION ([0-9.]+))"));
        const QRegularExpressionMatch m = project.match(QString::fromUtf8(cmake.readAll()));
        QVERIFY(m.hasMatch());
        QCOMPARE(QString::fromLatin1(mergelab::kMergeLabVersion), m.captured(1));
    }
};

QTEST_APPLESS_MAIN(TestVersion)
#include "tst_version.moc"
