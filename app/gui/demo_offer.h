#pragma once

#include <QDialog>
#include <QString>

#include <functional>

class QPushButton;

namespace mergelab::gui {

class GuiJobRunner;

// What the demo offer needs of the window: a parent, its job runner, and how to open a project.
struct DemoHost {
    QWidget* window = nullptr;
    GuiJobRunner* jobs = nullptr;
    std::function<void(const QString& projectPath)> openProject;
};

// QSettings key: offer the demo model set when MergeLab starts without a project (default true).
inline constexpr const char* kOfferDemoSetting = "demo/offerAtStart";

// Where the window builds the demo model set: <QStandardPaths::AppDataLocation>/demo-r2 (kDemoFolderName).
QString demoFolder();
// An existing demo project: demoFolder()'s, else the one scripts/mergelab.sh builds
// (<GenericDataLocation>/mergelab/demo-r2). Empty when there is none.
QString existingDemoProject();
// Where the window builds the language-model set of `preset` ("lm-demo" or "lm-tiny"):
// <QStandardPaths::AppDataLocation>/<preset>.
QString lmDemoFolder(const QString& preset = QStringLiteral("lm-demo"));
// An existing language-model set's project (lm-demo's, else lm-tiny's). Empty when there is none.
QString existingLmDemoProject();
// Builds the demo model set (`preset`: "demo" or "tiny", or the language-model set "lm-demo" or
// "lm-tiny") into `folder` as a job of the window (progress and Cancel in the Jobs dock) and opens the
// project when it is done. Returns the job id.
quint64 buildDemo(const DemoHost& host, const QString& folder, const QString& preset = QStringLiteral("demo"));

// The start-up entry point, called once from main(): sets the window icon, and when MergeLab was
// started without a path (and not for a screenshot or benchmark) and the preference allows it,
// shows a non-modal dialog offering to open the demo model set, or to build it first. Returns the
// dialog (owned by the window), or nullptr when nothing was offered.
QDialog* offerDemo(const DemoHost& host, const QString& startPath, bool headless);

// The offer itself: the image set ("Open Demo" when the project exists, "Build Demo" otherwise) and
// beside it the language-model set (open it, or build lm-demo, or the quick lm-tiny).
class DemoOfferDialog : public QDialog {
    Q_OBJECT
public:
    DemoOfferDialog(const DemoHost& host, const QString& existingProject,
                    const QString& existingLmProject = existingLmDemoProject());
    // The projects the dialog would open (empty: it would build one).
    QString project() const { return m_project; }
    QString lmProject() const { return m_lmProject; }
    QPushButton* acceptButton() const { return m_accept; }
    QPushButton* lmButton() const { return m_lm; }
    // Builds lm-tiny; nullptr when a language-model set exists.
    QPushButton* lmQuickButton() const { return m_lmQuick; }

private:
    void act();
    void actLm(const QString& preset);

    DemoHost m_host;
    QString m_project;
    QString m_lmProject;
    QPushButton* m_accept = nullptr;
    QPushButton* m_lm = nullptr;
    QPushButton* m_lmQuick = nullptr;
};

} // namespace mergelab::gui
