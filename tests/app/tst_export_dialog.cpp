// The Export dialog: each format writes a checkpoint that Checkpoint::open reads, with the recipe
// beside it; cancelling (at once, or at the first progress report) leaves no file; the written file
// evaluates on the test split with the accuracy counted by hand (tests/core/eval/eval_fixture.h:
// a zero projection predicts class 1 everywhere, 3 of the 5 test labels are 1); without a recipe
// from the Tune page the window says why in the banner.
#include "eval_fixture.h"
#include "safetensors_fixture.h"

#include "gui/export_dialog.h"
#include "gui/gui_job_runner.h"
#include "gui/main_window.h"

#include "banner.h"

#include "io/checkpoint.h"
#include "io/model_set.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using mergelab::Status;
using mergelab::gui::ExportDialog;
using mergelab::gui::ExportSettings;
using mergelab::gui::GuiJobRunner;

Q_DECLARE_METATYPE(ExportSettings::Format)

namespace {

mergelab::Recipe averageRecipe(const mergelab::ModelSet& set)
{
    mergelab::Recipe r;
    r.method = "task_arithmetic";
    r.base = set.base.path;
    for (const mergelab::ModelEntry& m : set.models)
        r.models.push_back({m.path, {}});
    r.params["lambda"] = mergelab::ParamSetting(0.5);
    return r;
}

QStringList filesUnder(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_export_dialog"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_set = mergelab::ModelSet::load(evalfixture::writeProject(m_dir.path().toStdString()));
        // Bigger inputs for the cancel test: 200 tensors of 64 x 64 per checkpoint.
        std::vector<FixtureTensor> tensors;
        for (int i = 0; i < 200; ++i)
            tensors.push_back({QStringLiteral("layers.%1.weight").arg(i), QStringLiteral("F32"), {64, 64}, 4});
        m_big.method = "task_arithmetic";
        for (const char* name : {"big_base", "big_a", "big_b"}) {
            const QString path = m_dir.filePath(QStringLiteral("%1.safetensors").arg(QLatin1String(name)));
            QVERIFY(writeSafetensors(path, tensors));
            if (m_big.base.empty())
                m_big.base = path.toStdString();
            else
                m_big.models.push_back({path.toStdString(), {}});
        }
    }

    void exportsEveryFormat_data()
    {
        QTest::addColumn<ExportSettings::Format>("format");
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<QString>("expectedPath"); // relative to the output folder
        QTest::addColumn<QString>("expectedRecipe");
        QTest::newRow("safetensors") << ExportSettings::Format::SafetensorsFile << QString() << "merged.safetensors"
                                     << "merged.safetensors.mergelab_recipe.json";
        QTest::newRow("safetensors F16") << ExportSettings::Format::SafetensorsFile << "F16"
                                         << "merged.safetensors"
                                         << "merged.safetensors.mergelab_recipe.json";
        QTest::newRow("sharded BF16") << ExportSettings::Format::SafetensorsSharded << "BF16"
                                      << "merged"
                                      << "merged/mergelab_recipe.json";
        QTest::newRow("hdf5") << ExportSettings::Format::Hdf5 << QString() << "merged.h5"
                              << "merged.h5.mergelab_recipe.json";
    }

    void exportsEveryFormat()
    {
        QFETCH(ExportSettings::Format, format);
        QFETCH(QString, dtype);
        QFETCH(QString, expectedPath);
        QFETCH(QString, expectedRecipe);
        QTemporaryDir out;
        GuiJobRunner runner;
        ExportDialog dialog(&runner, averageRecipe(m_set), m_set);
        ExportSettings settings;
        settings.format = format;
        if (!dtype.isEmpty())
            settings.dtype = mergelab::parseDType(dtype.toStdString());
        settings.shardSize = 1000000;
        // The dialog gives the destination the format's extension.
        settings.destination = out.filePath(QStringLiteral("merged.whatever.safetensors"));
        dialog.setSettings(settings);
        QSignalSpy ended(&dialog, &ExportDialog::exportEnded);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 20000);
        QCOMPARE(ended.at(0).at(0).value<Status>(), Status::Ok);
        const QString written =
            out.filePath(expectedPath).replace(QLatin1String("merged"), QLatin1String("merged.whatever"));
        QCOMPARE(QDir::cleanPath(dialog.writtenPath()), QDir::cleanPath(written));

        const auto checkpoint = mergelab::Checkpoint::open(written.toStdString());
        const auto base = mergelab::Checkpoint::open(m_set.base.path);
        QCOMPARE(checkpoint->tensors().size(), base->tensors().size());
        for (const mergelab::TensorInfo& t : checkpoint->tensors())
            if (!dtype.isEmpty() && mergelab::isFloating(t.dtype))
                QCOMPARE(QString::fromLatin1(mergelab::dtypeName(t.dtype)), dtype);

        const QString recipePath =
            out.filePath(expectedRecipe).replace(QLatin1String("merged"), QLatin1String("merged.whatever"));
        QFile recipe(recipePath);
        QVERIFY2(recipe.open(QIODevice::ReadOnly), qPrintable(recipePath));
        const QJsonObject json = QJsonDocument::fromJson(recipe.readAll()).object();
        QCOMPARE(json[QStringLiteral("method")].toString(), QStringLiteral("task_arithmetic"));

        // The same destination again is refused: an export never replaces a file.
        QVERIFY(!dialog.startExport());
        QVERIFY(dialog.statusText().contains(QLatin1String("already exists")));
    }

    void cancelLeavesNoFile_data()
    {
        QTest::addColumn<bool>("atFirstProgress");
        QTest::newRow("at once") << false;
        QTest::newRow("at the first progress report") << true;
    }

    void cancelLeavesNoFile()
    {
        QFETCH(bool, atFirstProgress);
        QTemporaryDir out;
        GuiJobRunner runner;
        ExportDialog dialog(&runner, m_big, mergelab::ModelSet{});
        ExportSettings settings;
        settings.format = ExportSettings::Format::SafetensorsSharded;
        settings.shardSize = 1000000;
        settings.destination = out.filePath(QStringLiteral("cancelled"));
        dialog.setSettings(settings);
        QSignalSpy ended(&dialog, &ExportDialog::exportEnded);
        if (atFirstProgress)
            connect(&runner, &GuiJobRunner::progressChanged, &dialog, [&dialog] { dialog.cancelJob(); });
        QVERIFY(dialog.startExport());
        QVERIFY(dialog.isRunning());
        if (!atFirstProgress)
            dialog.reject(); // the Cancel button while running cancels, and keeps the dialog
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 20000);
        QCOMPARE(ended.at(0).at(0).value<Status>(), Status::Cancelled);
        QVERIFY2(filesUnder(out.path()).isEmpty(), qPrintable(filesUnder(out.path()).join(QLatin1Char(' '))));
        QVERIFY(dialog.statusText().contains(QLatin1String("cancelled")));
    }

    void evaluatesWrittenFile()
    {
        QTemporaryDir out;
        GuiJobRunner runner;
        ExportDialog dialog(&runner, averageRecipe(m_set), m_set);
        QVERIFY(!dialog.evaluateButton()->isEnabled()); // nothing written yet
        ExportSettings settings;
        settings.destination = out.filePath(QStringLiteral("merged.safetensors"));
        dialog.setSettings(settings);
        QSignalSpy exported(&dialog, &ExportDialog::exportEnded);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 20000);
        QCOMPARE(exported.at(0).at(0).value<Status>(), Status::Ok);
        QVERIFY(dialog.evaluateButton()->isEnabled());
        QSignalSpy evaluated(&dialog, &ExportDialog::evaluationEnded);
        QTest::mouseClick(dialog.evaluateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 30000);
        QCOMPARE(evaluated.at(0).at(0).value<Status>(), Status::Ok);
        QCOMPARE(dialog.evaluation().split, QStringLiteral("test"));
        QCOMPARE(dialog.evaluation().tasks, QStringList{QStringLiteral("t")});
        QCOMPARE(dialog.evaluation().samples.value(0), qint64(5));
        QCOMPARE(dialog.evaluation().accuracy.value(0), 3.0 / 5.0);
        QTableWidget* table = dialog.resultsTable();
        QCOMPARE(table->rowCount(), 2); // the task and the average
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("60.0"));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("average"));
    }

    void evaluationUnavailableWithoutArchitecture()
    {
        QTemporaryDir out;
        GuiJobRunner runner;
        mergelab::ModelSet weightsOnly = m_set;
        weightsOnly.architecture = {};
        ExportDialog dialog(&runner, averageRecipe(m_set), weightsOnly);
        ExportSettings settings;
        settings.destination = out.filePath(QStringLiteral("m.safetensors"));
        dialog.setSettings(settings);
        QSignalSpy exported(&dialog, &ExportDialog::exportEnded);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 20000);
        QVERIFY(!dialog.evaluateButton()->isEnabled());
        QVERIFY(dialog.evaluateButton()->toolTip().contains(QLatin1String("architecture")));
        QVERIFY(!dialog.startEvaluation());
    }

    void windowWithoutRecipeSaysWhy()
    {
        mergelab::gui::MainWindow window;
        window.openExportDialog();
        QVERIFY(!window.exportDialog());
        QVERIFY(!window.banner()->isHidden());
        QVERIFY2(window.banner()->text().contains(QLatin1String("open a project")),
                 qPrintable(window.banner()->text()));
    }

private:
    QTemporaryDir m_dir;
    mergelab::ModelSet m_set;
    mergelab::Recipe m_big;
};

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
