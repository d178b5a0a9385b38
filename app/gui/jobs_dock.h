#pragma once

#include "gui_job_runner.h"

#include <QDockWidget>
#include <QHash>

class QLabel;
class QProgressBar;
class QVBoxLayout;

namespace mergelab::gui {

// Lists running jobs, each with a progress bar and a Cancel button; a job's row goes when it ends.
// Esc inside the dock cancels the newest job.
class JobsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit JobsDock(GuiJobRunner* runner, QWidget* parent = nullptr);

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    // Cancels the most recently started job still listed; false when none is.
    bool cancelNewest();

private:
    struct Row {
        QWidget* widget = nullptr;
        QLabel* label = nullptr;
        QProgressBar* bar = nullptr;
        QString title;
    };
    void addRow(quint64 id, const QString& title);
    void updateRow(quint64 id, double done, double total, const QString& message);
    void removeRow(quint64 id);

    GuiJobRunner* m_runner;
    QVBoxLayout* m_list = nullptr;
    QLabel* m_empty = nullptr;
    QHash<quint64, Row> m_rows;
};

} // namespace mergelab::gui
