// The window opens real checkpoint files on a worker, shows their tree, and reports bad input in
// the non-modal banner (file named), never in a modal dialog or a crash.
#include "safetensors_fixture.h"

#include "gui/checkpoint_page.h"
#include "gui/gui_job_runner.h"
#include "gui/log_dock.h"
#include "gui/main_window.h"

#include "banner.h"
#include "tensor_tree_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUrl>

using mergelab::gui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_main_window"));
        QVERIFY(m_dir.isValid());
        m_good = m_dir.filePath(QStringLiteral("good.safetensors"));
        QVERIFY(writeSafetensors(
            m_good, {{"layers.0.w", "F32", {3, 4}, 4}, {"layers.1.w", "F32", {3, 4}, 4}, {"head", "F16", {5}, 2}}));
    }

    void opensFile()
    {
        MainWindow window;
        QAbstractItemModelTester tester(window.checkpointPage()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy opened(&window, &MainWindow::checkpointOpened);
        window.openPath(m_good);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        auto* model = window.checkpointPage()->model();
        QCOMPARE(model->tensorCount(), 3);
        QCOMPARE(model->totalParameters(), int64_t(12 + 12 + 5));
        QCOMPARE(model->totalBytes(), uint64_t(48 + 48 + 10));
        QVERIFY(window.banner()->isHidden());
        QCOMPARE(window.checkpointPage()->summary().format, QStringLiteral("safetensors"));
        QVERIFY(window.logDock()->text().contains(QLatin1String("good.safetensors")));
    }

    void reportsBadInput_data()
    {
        QTest::addColumn<QByteArray>("content"); // empty: the path does not exist
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << QByteArray() << QStringLiteral("no such file");
        QTest::newRow("empty file") << QByteArray("", 0) << QStringLiteral("empty");
        QTest::newRow("truncated header") << QByteArray("\x10\0\0\0\0\0\0\0{\"a\"", 12) << QString();
        QTest::newRow("huge header length") << QByteArray("\xff\xff\xff\xff\xff\xff\xff\x7f{}      ", 16) << QString();
    }

    void reportsBadInput()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path =
            m_dir.filePath(QStringLiteral("bad_%1.safetensors").arg(QTest::currentDataTag()).replace(' ', '_'));
        if (QString::fromLatin1(QTest::currentDataTag()) != QLatin1String("missing")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        MainWindow window;
        QSignalSpy failed(&window, &MainWindow::openFailed);
        window.openPath(path);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(!window.banner()->isHidden());
        QCOMPARE(window.banner()->kind(), mergelab::widgets::Banner::Kind::Error);
        const QString text = window.banner()->text();
        QVERIFY2(text.contains(QFileInfo(path).fileName()), qPrintable(text));
        if (!expected.isEmpty())
            QVERIFY2(text.contains(expected), qPrintable(text));
        QVERIFY(!text.contains(QLatin1Char('\n')));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        // A later good open clears the banner.
        QSignalSpy opened(&window, &MainWindow::checkpointOpened);
        window.openPath(m_good);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QVERIFY(window.banner()->isHidden());
    }

    void opensDroppedFile()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::checkpointOpened);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_good)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QCOMPARE(opened.at(0).at(0).toString(), m_good);
    }

    void pagesByName()
    {
        MainWindow window;
        QVERIFY(window.pageNames().contains(QStringLiteral("checkpoint")));
        QVERIFY(window.showPage(QStringLiteral("checkpoint")));
        QVERIFY(!window.showPage(QStringLiteral("nonsense")));
    }

private:
    QTemporaryDir m_dir;
    QString m_good;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
