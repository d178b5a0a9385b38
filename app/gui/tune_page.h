#pragma once

#include "project_loader.h"
#include "merge/recipe.h"

#include <optional>

#include <QWidget>

namespace mergelab::gui {

class GuiJobRunner;

// The "Tune" page (issue 6): method selector with a parameter editor, coefficient sliders, live
// evaluation bar chart, sweeps, undo/redo. Export is requested from here; the window opens the dialog.
class TunePage : public QWidget {
    Q_OBJECT
public:
    explicit TunePage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);
    // The merge the page currently shows, as a recipe with absolute paths (nullopt when no project
    // is open or the parameters are invalid). The export dialog writes this recipe.
    std::optional<Recipe> currentRecipe() const;

Q_SIGNALS:
    // The user asked to export the current merge (button or shortcut on this page).
    void exportRequested();

private:
    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
};

} // namespace mergelab::gui
