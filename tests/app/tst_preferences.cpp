// Preferences and start-up: the language choice is saved and resolved in the documented order
// (argument > MERGELAB_LANG > preference > system locale), the dialog says a change applies on
// restart, and the demo offer opens an existing demo project or builds one (a build can be
// cancelled and leaves nothing behind, and opens nothing), and offers the language-model set beside it.
#include "gui/demo_offer.h"
#include "gui/gui_job_runner.h"
#include "gui/preferences_dialog.h"
#include "gui/translations.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mergelab::gui;

class TestPreferences : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_preferences"));
        qunsetenv("MERGELAB_LANG");
    }

    void init()
    {
        QSettings().clear();
        QDir(demoFolder()).removeRecursively();
        qunsetenv("MERGELAB_LANG");
    }

    void resolveOrder()
    {
        const QString system = systemLanguage();
        QVERIFY(availableLanguages().contains(system));
        QCOMPARE(resolveLanguage(), system);
        QSettings().setValue(QLatin1String(kLanguageSetting), QStringLiteral("ja"));
        QCOMPARE(resolveLanguage(), QStringLiteral("ja"));
        qputenv("MERGELAB_LANG", "en_US.UTF-8");
        QCOMPARE(resolveLanguage(), QStringLiteral("en"));
        QCOMPARE(resolveLanguage(QStringLiteral("ja-JP")), QStringLiteral("ja"));
        // Unknown languages fall through to the next source.
        qputenv("MERGELAB_LANG", "xx");
        QCOMPARE(resolveLanguage(QStringLiteral("fr")), QStringLiteral("ja"));
        QSettings().setValue(QLatin1String(kLanguageSetting), QStringLiteral("klingon"));
        QCOMPARE(resolveLanguage(), system);
    }

    void dialogSavesLanguage()
    {
        PreferencesDialog dialog;
        auto* combo = dialog.findChild<QComboBox*>();
        QVERIFY(combo);
        QCOMPARE(combo->count(), 1 + availableLanguages().size());
        QCOMPARE(dialog.chosenLanguage(), QString()); // nothing saved: system default
        auto* note = dialog.findChild<QLabel*>();
        QVERIFY(note);

        const QString other = systemLanguage() == QLatin1String("ja") ? QStringLiteral("en") : QStringLiteral("ja");
        combo->setCurrentIndex(combo->findData(other));
        QCOMPARE(dialog.chosenLanguage(), other);
        dialog.save();
        QCOMPARE(QSettings().value(QLatin1String(kLanguageSetting)).toString(), other);
        QCOMPARE(resolveLanguage(), other);

        // Back to the system default removes the preference.
        combo->setCurrentIndex(0);
        dialog.save();
        QVERIFY(!QSettings().contains(QLatin1String(kLanguageSetting)));
    }

    void restartNoteOnlyWhenLanguageChanges()
    {
        PreferencesDialog dialog;
        auto* combo = dialog.findChild<QComboBox*>();
        QLabel* note = nullptr;
        for (QLabel* l : dialog.findChildren<QLabel*>())
            if (l->accessibleName() == QLatin1String("Restart note"))
                note = l;
        QVERIFY(note);
        combo->setCurrentIndex(combo->findData(systemLanguage()));
        QVERIFY(!note->isVisibleTo(&dialog));
        const QString other = systemLanguage() == QLatin1String("ja") ? QStringLiteral("en") : QStringLiteral("ja");
        combo->setCurrentIndex(combo->findData(other));
        QVERIFY(note->isVisibleTo(&dialog));
        QVERIFY(!note->text().isEmpty());
    }

    void demoOfferedOnlyWithoutProject()
    {
        QWidget window;
        GuiJobRunner jobs;
        const DemoHost host{&window, &jobs, {}};
        QCOMPARE(offerDemo(host, QStringLiteral("/some/project.mergelab.json"), false), nullptr);
        QCOMPARE(offerDemo(host, QString(), true), nullptr); // screenshots and benchmarks
        QSettings().setValue(QLatin1String(kOfferDemoSetting), false);
        QCOMPARE(offerDemo(host, QString(), false), nullptr);
        QSettings().setValue(QLatin1String(kOfferDemoSetting), true);
        QDialog* dialog = offerDemo(host, QString(), false);
        QVERIFY(dialog);
        auto* offer = qobject_cast<DemoOfferDialog*>(dialog);
        QVERIFY(offer);
        QCOMPARE(offer->project(), QString()); // no demo yet: offers to build
        QVERIFY(offer->acceptButton()->text().contains(QLatin1String("Build")));
        dialog->close();
    }

    void demoOfferOpensExistingProject()
    {
        // A demo project in the data folder (not a valid one: the open fails, which proves it was tried).
        QVERIFY(QDir().mkpath(demoFolder()));
        const QString project = demoFolder() + QStringLiteral("/demo.mergelab.json");
        QFile file(project);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{}");
        file.close();
        QCOMPARE(existingDemoProject(), project);

        QWidget window;
        GuiJobRunner jobs;
        QStringList opened;
        DemoOfferDialog offer({&window, &jobs, [&opened](const QString& p) { opened << p; }}, existingDemoProject());
        QCOMPARE(offer.project(), project);
        QVERIFY(offer.acceptButton()->text().contains(QLatin1String("Open")));
        QTest::mouseClick(offer.acceptButton(), Qt::LeftButton);
        QCOMPARE(opened, QStringList{project});
        QCOMPARE(jobs.runningCount(), 0); // opening builds nothing
    }

    void demoBuildCancelLeavesNothing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("demo"));
        QWidget window;
        GuiJobRunner jobs;
        QStringList opened;
        QSignalSpy ended(&jobs, &GuiJobRunner::ended);
        QSignalSpy progress(&jobs, &GuiJobRunner::progressChanged);
        const quint64 id =
            buildDemo({&window, &jobs, [&opened](const QString& p) { opened << p; }}, out, QStringLiteral("tiny"));
        QVERIFY(id > 0);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0 || ended.count() > 0, 30000);
        jobs.cancel(id);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QCOMPARE(ended.front().at(1).value<mergelab::Status>(), mergelab::Status::Cancelled);
        QVERIFY(!QFileInfo::exists(out + QStringLiteral("/demo.mergelab.json")));
        QVERIFY(!QFileInfo::exists(out + QStringLiteral(".partial")));
        QVERIFY(opened.isEmpty());
    }

    void demoOfferIncludesTheLanguageModelSet()
    {
        // No set built yet: the language-model set (lm-demo) and its quick version (lm-tiny) beside
        // the image set; the quick one starts an lm-tiny build into its folder (cancelled here).
        QWidget window;
        GuiJobRunner jobs;
        QStringList opened;
        const DemoHost host{&window, &jobs, [&opened](const QString& p) { opened << p; }};
        DemoOfferDialog offer(host, QString(), QString());
        QVERIFY(offer.acceptButton()->text().contains(QLatin1String("Build")));
        QVERIFY(offer.lmButton()->text().contains(QLatin1String("Build")));
        QVERIFY(offer.lmQuickButton());
        QVERIFY(offer.findChildren<QLabel*>().size() >= 2);
        QSignalSpy started(&jobs, &GuiJobRunner::started);
        QSignalSpy ended(&jobs, &GuiJobRunner::ended);
        offer.lmQuickButton()->click();
        QCOMPARE(started.count(), 1);
        QVERIFY(started.front().at(1).toString().contains(QLatin1String("language-model")));
        jobs.cancel(started.front().at(0).toULongLong());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QCOMPARE(ended.front().at(1).value<mergelab::Status>(), mergelab::Status::Cancelled);
        QVERIFY(!QFileInfo::exists(lmDemoFolder(QStringLiteral("lm-tiny")) + QStringLiteral("/lm.mergelab.json")));
        QVERIFY(opened.isEmpty());

        // A built set is opened, not built again.
        const QString project = QStringLiteral("/somewhere/lm-demo/lm.mergelab.json");
        DemoOfferDialog again(host, QString(), project);
        QCOMPARE(again.lmProject(), project);
        QVERIFY(again.lmButton()->text().contains(QLatin1String("Open")));
        QCOMPARE(again.lmQuickButton(), nullptr);
        again.lmButton()->click();
        QCOMPARE(opened, QStringList{project});
        QCOMPARE(jobs.runningCount(), 0);
    }
};

QTEST_MAIN(TestPreferences)
#include "tst_preferences.moc"
