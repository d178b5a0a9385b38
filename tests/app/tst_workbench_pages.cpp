// Opening a project: the Models page lists base and fine-tunes, the base can be changed, and the
// Understand page shows the cosine matrices that an independent python reference computed
// (tests/fixtures/analysis/make_analysis_fixtures.py -> reference.json).
#include "gui/gui_job_runner.h"
#include "gui/main_window.h"
#include "gui/model_set_page.h"
#include "gui/model_set_table_model.h"
#include "gui/project_document.h"
#include "gui/understand_page.h"

#include "banner.h"
#include "heatmap_widget.h"
#include "tensor_tree_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using mergelab::gui::MainWindow;
using mergelab::gui::ModelSetTableModel;
using mergelab::gui::UnderstandPage;

namespace {
const QString kProject = QStringLiteral(MERGELAB_FIXTURES_DIR "/analysis/analysis.mergelab.json");

QJsonObject reference()
{
    QFile f(QStringLiteral(MERGELAB_FIXTURES_DIR "/analysis/reference.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll())
        .object()[QStringLiteral("by_density")]
        .toObject()[QStringLiteral("0.2")]
        .toObject();
}

void compareMatrix(const mergelab::widgets::HeatmapWidget* heatmap, const QJsonArray& expected)
{
    QCOMPARE(heatmap->rowCount(), expected.size());
    for (int r = 0; r < expected.size(); ++r) {
        const QJsonArray row = expected[r].toArray();
        QCOMPARE(heatmap->columnCount(), row.size());
        for (int c = 0; c < row.size(); ++c) {
            const double want = row[c].isNull() ? std::nan("") : row[c].toDouble();
            const double got = heatmap->value(r, c);
            if (std::isnan(want))
                QVERIFY(std::isnan(got));
            else
                QVERIFY2(std::abs(got - want) < 1e-9,
                         qPrintable(QStringLiteral("[%1][%2] %3 vs %4").arg(r).arg(c).arg(got).arg(want)));
        }
    }
}
} // namespace

class TestWorkbenchPages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_workbench_pages"));
    }

    void opensProjectAndAnalyses()
    {
        MainWindow window;
        auto* table = window.modelSetPage()->model();
        QAbstractItemModelTester tableTester(table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester treeTester(window.modelSetPage()->treeModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy opened(&window, &MainWindow::projectOpened);
        QSignalSpy analysed(window.understandPage(), &UnderstandPage::analysisFinished);
        window.openPath(kProject);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QCOMPARE(table->rowCount(), 6);
        QCOMPARE(table->baseRow(), 0);
        QCOMPARE(table->index(0, ModelSetTableModel::NameColumn).data().toString(), QStringLiteral("base"));
        QCOMPARE(table->index(3, ModelSetTableModel::NameColumn).data().toString(), QStringLiteral("c"));
        QCOMPARE(table->index(1, ModelSetTableModel::FormatColumn).data().toString(), QStringLiteral("safetensors"));
        QVERIFY(window.modelSetPage()->treeModel()->tensorCount() > 0);

        QTRY_COMPARE_WITH_TIMEOUT(analysed.count(), 1, 20000);
        const QJsonObject ref = reference();
        QVERIFY(!ref.isEmpty());
        UnderstandPage* understand = window.understandPage();
        QCOMPARE(understand->selectedLayer(), UnderstandPage::kGlobal);
        compareMatrix(understand->heatmap(),
                      ref[QStringLiteral("global")].toObject()[QStringLiteral("cosine")].toArray());
        // Per layer, chosen by index as a chart click would.
        const QJsonObject layers = ref[QStringLiteral("layers")].toObject();
        for (const QString& key : layers.keys()) {
            QVERIFY(understand->selectLayer(key.toInt()));
            compareMatrix(understand->heatmap(), layers[key].toObject()[QStringLiteral("cosine")].toArray());
        }
        QVERIFY(!understand->selectLayer(99));
    }

    void changesBase()
    {
        MainWindow window;
        QSignalSpy opened(&window, &MainWindow::projectOpened);
        window.openPath(kProject);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        auto* page = window.modelSetPage();
        QSignalSpy changed(window.document(), &mergelab::gui::ProjectDocument::changed);
        page->selectRow(2);
        QVERIFY(page->model()->makeBase(2));
        QCOMPARE(page->model()->baseRow(), 2);
        // One change that restarts the pages (another base: every task vector differs).
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<mergelab::gui::ProjectDocument::Change>(),
                 mergelab::gui::ProjectDocument::Change::Members);
        const mergelab::ModelSet set = window.document()->set();
        QCOMPARE(QString::fromStdString(set.base.name), QStringLiteral("b"));
        QCOMPARE(set.models.size(), std::size_t(5));
        QCOMPARE(QString::fromStdString(set.models.front().name), QStringLiteral("base"));
    }

    void brokenProjectShowsBanner()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.mergelab.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"mergelab-project\", \"version\": 1, \"base\": ");
        f.close();
        MainWindow window;
        QSignalSpy failed(&window, &MainWindow::openFailed);
        window.openPath(path);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(!window.banner()->isHidden());
        QVERIFY2(window.banner()->text().contains(QLatin1String("broken.mergelab.json")),
                 qPrintable(window.banner()->text()));
    }
};

QTEST_MAIN(TestWorkbenchPages)
#include "tst_workbench_pages.moc"
