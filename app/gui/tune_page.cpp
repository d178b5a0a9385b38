#include "tune_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mergelab::gui {

TunePage::TunePage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Open a model set to use this page."), this));
}

void TunePage::setProject(const ProjectSummary& project) { m_project = project; }

std::optional<Recipe> TunePage::currentRecipe() const { return std::nullopt; }

} // namespace mergelab::gui
