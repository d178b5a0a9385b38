#include "jobs_dock.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QVBoxLayout>

namespace mergelab::gui {

JobsDock::JobsDock(GuiJobRunner* runner, QWidget* parent) : QDockWidget(tr("Jobs"), parent), m_runner(runner)
{
    setObjectName(QStringLiteral("jobsDock"));
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget(scroll);
    m_list = new QVBoxLayout(content);
    m_empty = new QLabel(tr("No running jobs."), content);
    m_empty->setEnabled(false);
    m_list->addWidget(m_empty);
    m_list->addStretch(1);
    scroll->setWidget(content);
    setWidget(scroll);

    auto* escape = new QShortcut(
        QKeySequence(Qt::Key_Escape), this, this, [this] { cancelNewest(); }, Qt::WidgetWithChildrenShortcut);
    escape->setObjectName(QStringLiteral("cancelNewestShortcut"));
    setToolTip(tr("Esc cancels the newest job."));

    connect(runner, &GuiJobRunner::started, this, &JobsDock::addRow);
    connect(runner, &GuiJobRunner::progressChanged, this, &JobsDock::updateRow);
    connect(runner, &GuiJobRunner::ended, this, [this](quint64 id) { removeRow(id); });
}

void JobsDock::addRow(quint64 id, const QString& title)
{
    Row row;
    row.title = title;
    row.widget = new QWidget(m_list->parentWidget());
    auto* layout = new QVBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 4);
    row.label = new QLabel(title, row.widget);
    row.label->setWordWrap(true);
    auto* line = new QHBoxLayout;
    row.bar = new QProgressBar(row.widget);
    row.bar->setRange(0, 0); // busy until the first report
    row.bar->setAccessibleName(tr("Progress of %1").arg(title));
    auto* cancel = new QPushButton(tr("Cancel"), row.widget);
    cancel->setAccessibleName(tr("Cancel %1").arg(title));
    line->addWidget(row.bar, 1);
    line->addWidget(cancel);
    layout->addWidget(row.label);
    layout->addLayout(line);
    m_list->insertWidget(m_list->count() - 1, row.widget);
    m_empty->hide();
    connect(cancel, &QPushButton::clicked, this, [this, id, cancel] {
        cancel->setEnabled(false);
        cancel->setText(tr("Cancelling…"));
        m_runner->cancel(id);
    });
    m_rows.insert(id, row);
}

bool JobsDock::cancelNewest()
{
    quint64 newest = 0;
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it)
        if (it.key() > newest && m_runner->isRunning(it.key()))
            newest = it.key();
    if (newest == 0)
        return false;
    // Same as pressing that row's button, so the row shows "Cancelling…".
    if (auto* button = m_rows.value(newest).widget->findChild<QPushButton*>())
        button->click();
    return true;
}

void JobsDock::updateRow(quint64 id, double done, double total, const QString& message)
{
    auto it = m_rows.find(id);
    if (it == m_rows.end())
        return;
    if (total > 0) {
        it->bar->setRange(0, 1000);
        it->bar->setValue(static_cast<int>(1000.0 * std::min(1.0, done / total)));
    } else {
        it->bar->setRange(0, 0);
    }
    it->label->setText(message.isEmpty() ? it->title : QStringLiteral("%1 — %2").arg(it->title, message));
}

void JobsDock::removeRow(quint64 id)
{
    auto it = m_rows.find(id);
    if (it == m_rows.end())
        return;
    it->widget->deleteLater();
    m_rows.erase(it);
    m_empty->setVisible(m_rows.isEmpty());
}

} // namespace mergelab::gui
