#include "banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace mergelab::widgets {

Banner::Banner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("banner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 4, 6);
    m_icon = new QLabel(this);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::PlainText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_close = new QToolButton(this);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss message"));
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_close, &QToolButton::clicked, this, &Banner::dismiss);
    hide();
}

void Banner::showMessage(Kind kind, const QString& text)
{
    m_kind = kind;
    m_label->setText(text);
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QColor background(0xe8, 0xf0, 0xfb);
    QColor border(0x7a, 0x9c, 0xd6);
    if (kind == Kind::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        background = QColor(0xfd, 0xf5, 0xdc);
        border = QColor(0xd9, 0xb3, 0x4a);
    } else if (kind == Kind::Error) {
        icon = QStyle::SP_MessageBoxCritical;
        background = QColor(0xfb, 0xe6, 0xe6);
        border = QColor(0xd0, 0x6b, 0x6b);
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    setStyleSheet(QStringLiteral("QFrame#banner { background: %1; border: 1px solid %2; border-radius: 3px; }"
                                 "QFrame#banner QLabel { color: #202020; }")
                      .arg(background.name(), border.name()));
    setAccessibleDescription(text);
    show();
}

QString Banner::text() const
{
    return m_label->text();
}

void Banner::dismiss()
{
    if (!isHidden()) {
        hide();
        Q_EMIT dismissed();
    }
}

} // namespace mergelab::widgets
