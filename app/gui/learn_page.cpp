#include "learn_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mergelab::gui {

LearnPage::LearnPage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Open a model set to use this page."), this));
}

void LearnPage::setProject(const ProjectSummary& project) { m_project = project; }

} // namespace mergelab::gui
