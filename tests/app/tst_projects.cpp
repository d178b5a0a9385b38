// Projects in the window: new → add checkpoints → save writes paths relative to the project file →
// reopen gives the same members; the recent list (at most 8, missing files pruned); name and colour
// edits mark the project modified ("*" in the title) and survive a save; drops add checkpoints.
#include "gui/diagnostics_page.h"
#include "gui/experts_page.h"
#include "gui/learn_page.h"
#include "gui/main_window.h"
#include "gui/model_set_page.h"
#include "gui/model_set_table_model.h"
#include "gui/project_document.h"
#include "gui/project_recent.h"
#include "gui/tune_page.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

using mergelab::gui::MainWindow;
using mergelab::gui::ModelSetTableModel;
using mergelab::gui::ProjectDocument;
using mergelab::gui::ProjectSummary;
using mergelab::gui::RecentProjects;

namespace {
const QString kFixtures = QStringLiteral(MERGELAB_FIXTURES_DIR "/analysis");

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The fine-tunes' names a project (or a page's copy of it) holds, in order.
QStringList modelNames(const ProjectSummary& project)
{
    QStringList names;
    for (const mergelab::ModelEntry& m : project.set.models)
        names << QString::fromStdString(m.name);
    return names;
}
} // namespace

class TestProjects : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_projects"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        // The checkpoints live in a folder beside the project file, so relative paths are short.
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("checkpoints")));
        for (const char* name : {"base", "ft_a", "ft_b", "ft_c"})
            QVERIFY(QFile::copy(kFixtures + QStringLiteral("/%1.safetensors").arg(QLatin1String(name)),
                                m_dir.filePath(QStringLiteral("checkpoints/%1.safetensors").arg(QLatin1String(name)))));
    }

    void newSaveReopen()
    {
        const QString project = m_dir.filePath(QStringLiteral("saved.mergelab.json"));
        {
            MainWindow window;
            QAbstractItemModelTester tester(window.modelSetPage()->model(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
            window.newProject();
            QVERIFY(window.hasProject());
            QVERIFY(window.projectPath().isEmpty());
            QSignalSpy added(&window, &MainWindow::membersAdded);
            window.addCheckpoints({checkpoint("base"), checkpoint("ft_a"), checkpoint("ft_b")});
            QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, 10000);
            ModelSetTableModel* table = window.modelSetPage()->model();
            QCOMPARE(table->rowCount(), 3);
            QCOMPARE(table->baseRow(), 0); // the first added becomes the base
            QCOMPARE(table->index(1, ModelSetTableModel::NameColumn).data().toString(), QStringLiteral("ft_a"));
            QVERIFY(window.isProjectModified());
            QVERIFY(window.saveProjectAs(project));
            QVERIFY(!window.isProjectModified());
            QCOMPARE(window.projectPath(), project);
        }
        // On disk: paths relative to the project file.
        const QJsonObject json = readJson(project);
        QCOMPARE(json[QStringLiteral("format")].toString(), QStringLiteral("mergelab-project"));
        QCOMPARE(json[QStringLiteral("base")].toObject()[QStringLiteral("path")].toString(),
                 QStringLiteral("checkpoints/base.safetensors"));
        const QJsonArray models = json[QStringLiteral("models")].toArray();
        QCOMPARE(models.size(), 2);
        QCOMPARE(models[0].toObject()[QStringLiteral("path")].toString(),
                 QStringLiteral("checkpoints/ft_a.safetensors"));
        QCOMPARE(models[1].toObject()[QStringLiteral("name")].toString(), QStringLiteral("ft_b"));
        QVERIFY(models[1].toObject()[QStringLiteral("color")].toString().startsWith(QLatin1Char('#')));
        QCOMPARE(json[QStringLiteral("name")].toString(), QStringLiteral("saved"));

        // Reopened (from a copy moved elsewhere with its checkpoints, so relative paths matter).
        QTemporaryDir moved;
        QVERIFY(QDir(moved.path()).mkpath(QStringLiteral("checkpoints")));
        for (const char* name : {"base", "ft_a", "ft_b"})
            QVERIFY(QFile::copy(checkpoint(name),
                                moved.filePath(QStringLiteral("checkpoints/%1.safetensors").arg(QLatin1String(name)))));
        QVERIFY(QFile::copy(project, moved.filePath(QStringLiteral("p.mergelab.json"))));
        MainWindow window;
        QSignalSpy opened(&window, &MainWindow::projectOpened);
        window.openProject(moved.filePath(QStringLiteral("p.mergelab.json")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        ModelSetTableModel* table = window.modelSetPage()->model();
        QCOMPARE(table->rowCount(), 3);
        for (int row = 0; row < 3; ++row)
            QVERIFY2(table->member(row)->error.isEmpty(), qPrintable(table->member(row)->error));
        QCOMPARE(QDir::cleanPath(table->member(1)->path),
                 QDir::cleanPath(moved.filePath(QStringLiteral("checkpoints/ft_a.safetensors"))));
        QVERIFY(!window.isProjectModified());
        QVERIFY(RecentProjects::list().contains(moved.filePath(QStringLiteral("p.mergelab.json"))));
    }

    void recentList()
    {
        RecentProjects::clear();
        QTemporaryDir dir;
        QStringList files;
        for (int i = 0; i < 10; ++i) {
            files << dir.filePath(QStringLiteral("p%1.mergelab.json").arg(i));
            QFile f(files.back());
            QVERIFY(f.open(QIODevice::WriteOnly));
            RecentProjects::add(files.back());
        }
        QStringList list = RecentProjects::list();
        QCOMPARE(list.size(), RecentProjects::kMax);
        QCOMPARE(list.front(), files[9]); // newest first
        QCOMPARE(list.back(), files[2]);
        RecentProjects::add(files[5]); // again: moves to the front, no duplicate
        list = RecentProjects::list();
        QCOMPARE(list.front(), files[5]);
        QCOMPARE(list.count(files[5]), 1);
        QVERIFY(QFile::remove(files[9]));
        list = RecentProjects::list();
        QVERIFY(!list.contains(files[9]));
        QCOMPARE(list.size(), RecentProjects::kMax - 1);
        RecentProjects::clear();
        QVERIFY(RecentProjects::list().isEmpty());
    }

    void editsMarkModified()
    {
        const QString project = writeProject(QStringLiteral("edit.mergelab.json"));
        QVERIFY(!project.isEmpty());
        MainWindow window;
        ModelSetTableModel* table = window.modelSetPage()->model();
        QAbstractItemModelTester tester(table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy opened(&window, &MainWindow::projectOpened);
        window.openProject(project);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        QVERIFY(!window.isProjectModified());
        QVERIFY(window.windowTitle().contains(QLatin1String("[*]")));

        // A duplicate or empty name is refused and changes nothing.
        QVERIFY(!table->setData(table->index(1, ModelSetTableModel::NameColumn), QStringLiteral("b")));
        QVERIFY(!table->setData(table->index(1, ModelSetTableModel::NameColumn), QStringLiteral("  ")));
        QVERIFY(!window.isProjectModified());
        QVERIFY(table->flags(table->index(1, ModelSetTableModel::NameColumn)) & Qt::ItemIsEditable);
        QVERIFY(!(table->flags(table->index(1, ModelSetTableModel::SizeColumn)) & Qt::ItemIsEditable));

        QVERIFY(table->setData(table->index(1, ModelSetTableModel::NameColumn), QStringLiteral("alpha")));
        QVERIFY(window.isProjectModified());
        QVERIFY(window.saveProject());
        QVERIFY(!window.isProjectModified());
        QVERIFY(table->setColor(2, QStringLiteral("#00ff7f")));
        QVERIFY(window.isProjectModified());
        QCOMPARE(table->index(2, ModelSetTableModel::NameColumn).data(Qt::DecorationRole).value<QColor>(),
                 QColor(0, 255, 127));
        QVERIFY(!table->setColor(2, QStringLiteral("not a colour")));
        QVERIFY(window.saveProject());

        const QJsonArray models = readJson(project)[QStringLiteral("models")].toArray();
        QCOMPARE(models[0].toObject()[QStringLiteral("name")].toString(), QStringLiteral("alpha"));
        QCOMPARE(models[1].toObject()[QStringLiteral("color")].toString(), QStringLiteral("#00ff7f"));
        QCOMPARE(models[0].toObject()[QStringLiteral("path")].toString(),
                 QStringLiteral("checkpoints/ft_a.safetensors"));

        // Choosing another base is an edit too; the old base becomes a coloured fine-tune.
        QVERIFY(table->makeBase(3));
        QVERIFY(window.isProjectModified());
        const mergelab::ModelSet set = window.document()->set();
        QCOMPARE(QString::fromStdString(set.base.name), QStringLiteral("c"));
        QCOMPARE(QString::fromStdString(set.models.front().name), QStringLiteral("base"));
        QVERIFY(QColor(QString::fromStdString(set.models.front().color)).isValid());

        // Closing a modified project asks; Discard closes without writing.
        const QByteArray before =
            readJson(project).isEmpty() ? QByteArray() : QJsonDocument(readJson(project)).toJson();
        QTimer::singleShot(100, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->button(QMessageBox::Discard)->click();
        });
        QVERIFY(window.close());
        QCOMPARE(QJsonDocument(readJson(project)).toJson(), before);
    }

    void removeAndDrop()
    {
        MainWindow window;
        window.show();
        ModelSetTableModel* table = window.modelSetPage()->model();
        QAbstractItemModelTester tester(table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(window.showPage(QStringLiteral("models")));
        QSignalSpy added(&window, &MainWindow::membersAdded);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(checkpoint("base")), QUrl::fromLocalFile(checkpoint("ft_c")),
                      QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("checkpoints")))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, 10000);
        QVERIFY(window.hasProject());
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->baseRow(), 0);
        // A folder of several checkpoints is not one checkpoint: its row carries the error.
        QVERIFY(!table->member(2)->error.isEmpty());
        QCOMPARE(table->member(2)->name, QStringLiteral("checkpoints"));
        // Dropping the same file again gets a unique name.
        window.addCheckpoints({checkpoint("ft_c")});
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 2, 10000);
        QCOMPARE(table->member(3)->name, QStringLiteral("ft_c 2"));
        // Removing the base makes the first remaining row the base.
        QVERIFY(table->removeMember(0));
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->baseRow(), 0);
        QCOMPARE(table->member(0)->name, QStringLiteral("ft_c"));
        QVERIFY(window.isProjectModified());
        QTimer::singleShot(100, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->button(QMessageBox::Discard)->click();
        });
        QVERIFY(window.close());
    }

    void documentEditsReachEveryPage()
    {
        // The project has one home, the window's document: an edit made there reaches every page
        // that shows the project, and the modified flag and the window title follow.
        const QString project = writeProject(QStringLiteral("document.mergelab.json"));
        QVERIFY(!project.isEmpty());
        MainWindow window;
        ProjectDocument* document = window.document();
        QSignalSpy opened(&window, &MainWindow::projectOpened);
        window.openProject(project);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
        const QStringList three = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        const auto pagesShow = [&window](const QStringList& names) {
            return modelNames(window.tunePage()->project()) == names &&
                   modelNames(window.learnPage()->project()) == names &&
                   modelNames(window.expertsPage()->project()) == names &&
                   modelNames(window.diagnosticsPage()->project()) == names;
        };
        QCOMPARE(modelNames(document->project()), three);
        QVERIFY(pagesShow(three));
        QVERIFY(!window.isProjectModified());
        QVERIFY(!window.isWindowModified());

        // A member added through the document: every page starts over on four fine-tunes.
        QSignalSpy changed(document, &ProjectDocument::changed);
        document->addMembers(
            {mergelab::gui::openProjectMember(QStringLiteral("d"), {}, false, checkpoint("ft_b").toStdString())});
        QCOMPARE(changed.count(), 1);
        const QStringList four = three + QStringList{QStringLiteral("d")};
        QCOMPARE(modelNames(document->project()), four);
        QVERIFY(pagesShow(four));
        QCOMPARE(window.modelSetPage()->model()->rowCount(), 5);
        QVERIFY(window.tunePage()->coefficientSpinBox(3)); // the Tune page has a row for the new one
        QVERIFY(window.isProjectModified());
        QVERIFY(window.isWindowModified());
        QVERIFY(window.saveProject());
        QVERIFY(!window.isWindowModified());

        // A rename is an edit to save, not a reason to restart the pages' work.
        QVERIFY(document->members()->rename(1, QStringLiteral("alpha")));
        QVERIFY(window.isWindowModified());
        QCOMPARE(changed.at(changed.count() - 1).at(0).value<ProjectDocument::Change>(),
                 ProjectDocument::Change::Details);
        QCOMPARE(QString::fromStdString(document->set().models.front().name), QStringLiteral("alpha"));
        QVERIFY(pagesShow(four));
        QVERIFY(window.saveProject());
        QVERIFY(!window.isWindowModified());

        // The title follows the document: a new project is untitled until saved under a name.
        window.newProject();
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("Untitled project")));
        QVERIFY(pagesShow({}));
        document->addMembers(
            {mergelab::gui::openProjectMember(QStringLiteral("base"), {}, false, checkpoint("base").toStdString()),
             mergelab::gui::openProjectMember(QStringLiteral("ft_a"), {}, false, checkpoint("ft_a").toStdString())});
        QVERIFY(window.isWindowModified());
        QVERIFY(pagesShow({QStringLiteral("ft_a")}));
        QVERIFY(window.saveProjectAs(m_dir.filePath(QStringLiteral("titled.mergelab.json"))));
        QVERIFY2(window.windowTitle().startsWith(QStringLiteral("titled[*]")), qPrintable(window.windowTitle()));
        QVERIFY(!window.isWindowModified());
    }

private:
    // Copies the analysis fixture's project beside the copied checkpoints (fine-tunes a, b, c);
    // returns its path ("" on failure).
    QString writeProject(const QString& fileName) const
    {
        const QString project = m_dir.filePath(fileName);
        QFile::remove(project);
        if (!QFile::copy(kFixtures + QStringLiteral("/analysis.mergelab.json"), project))
            return {};
        QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner);
        // Point it at the copied checkpoints (the fixture's paths are relative to its own folder).
        QJsonObject json = readJson(project);
        QJsonObject base = json[QStringLiteral("base")].toObject();
        base[QStringLiteral("path")] = QStringLiteral("checkpoints/base.safetensors");
        json[QStringLiteral("base")] = base;
        QJsonArray models;
        for (const char* name : {"a", "b", "c"})
            models.append(QJsonObject{
                {QStringLiteral("name"), QLatin1String(name)},
                {QStringLiteral("path"), QStringLiteral("checkpoints/ft_%1.safetensors").arg(QLatin1String(name))}});
        json[QStringLiteral("models")] = models;
        QFile f(project);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(QJsonDocument(json).toJson());
        return project;
    }

    QString checkpoint(const char* name) const
    {
        return m_dir.filePath(QStringLiteral("checkpoints/%1.safetensors").arg(QLatin1String(name)));
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestProjects)
#include "tst_projects.moc"
