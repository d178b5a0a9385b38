#include "log_dock.h"

#include <QPlainTextEdit>
#include <QTime>

namespace mergelab::gui {

LogDock::LogDock(QWidget* parent) : QDockWidget(tr("Log"), parent)
{
    setObjectName(QStringLiteral("logDock"));
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(5000); // bounded: a chatty job cannot grow memory without end
    m_text->setAccessibleName(tr("Log"));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    m_text->setFont(mono);
    setWidget(m_text);
}

void LogDock::append(const QString& line)
{
    m_text->appendPlainText(
        QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

QString LogDock::text() const
{
    return m_text->toPlainText();
}

} // namespace mergelab::gui
