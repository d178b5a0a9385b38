#include "heatmap_widget.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mergelab::widgets {

namespace {
constexpr double kMargin = 8.0;
constexpr double kBarWidth = 16.0;
constexpr double kLabelGap = 6.0;

QColor mix(const QColor& a, const QColor& b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}
} // namespace

HeatmapWidget::HeatmapWidget(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(false);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Heatmap"));
}

void HeatmapWidget::setMatrix(const std::vector<std::vector<double>>& values, const QStringList& rowLabels,
                              const QStringList& columnLabels)
{
    m_values = values;
    m_columns = 0;
    for (const auto& row : m_values)
        m_columns = std::max(m_columns, static_cast<int>(row.size()));
    for (auto& row : m_values)
        row.resize(static_cast<std::size_t>(m_columns), std::nan(""));
    m_rowLabels = rowLabels;
    m_columnLabels = columnLabels;
    updateGeometry();
    update();
}

void HeatmapWidget::setRange(double minValue, double maxValue)
{
    if (!(maxValue > minValue))
        maxValue = minValue + 1.0;
    m_min = minValue;
    m_max = maxValue;
    update();
}

void HeatmapWidget::setTitle(const QString& title)
{
    m_title = title;
    update();
}

void HeatmapWidget::setColorBarTitle(const QString& title)
{
    m_colorBarTitle = title;
    update();
}

void HeatmapWidget::setDecimals(int decimals)
{
    m_decimals = std::clamp(decimals, 0, 6);
    update();
}

double HeatmapWidget::value(int row, int column) const
{
    if (row < 0 || column < 0 || row >= rowCount() || column >= m_columns)
        return std::nan("");
    return m_values[static_cast<std::size_t>(row)][static_cast<std::size_t>(column)];
}

QColor HeatmapWidget::colorFor(double v) const
{
    if (!std::isfinite(v))
        return QColor(0xc8, 0xc8, 0xc8);
    const QColor white(0xf7, 0xf7, 0xf7);
    const QColor red(0xb2, 0x18, 0x2b);
    const QColor blue(0x21, 0x66, 0xac);
    if (m_min < 0 && m_max > 0) {
        if (v >= 0)
            return mix(white, red, v / m_max);
        return mix(white, blue, v / m_min);
    }
    return mix(white, red, (v - m_min) / (m_max - m_min));
}

QString HeatmapWidget::formatValue(double v) const
{
    return std::isfinite(v) ? QString::number(v, 'f', m_decimals) : QStringLiteral("–");
}

QString HeatmapWidget::toolTipFor(int row, int column) const
{
    const QString r = m_rowLabels.value(row, QString::number(row + 1));
    const QString c = m_columnLabels.value(column, QString::number(column + 1));
    return QStringLiteral("%1 × %2: %3")
        .arg(r, c, std::isfinite(value(row, column)) ? QString::number(value(row, column), 'g', 6) : tr("undefined"));
}

HeatmapWidget::Layout HeatmapWidget::computeLayout() const
{
    Layout l;
    const QFontMetricsF fm(font());
    double rowLabelWidth = 0;
    for (const QString& s : m_rowLabels)
        rowLabelWidth = std::max(rowLabelWidth, fm.horizontalAdvance(s));
    double columnLabelWidth = 0;
    for (const QString& s : m_columnLabels)
        columnLabelWidth = std::max(columnLabelWidth, fm.horizontalAdvance(s));
    const double titleHeight = m_title.isEmpty() ? 0 : fm.height() * 1.2 + kLabelGap;
    const double valueWidth = fm.horizontalAdvance(formatValue(-0.99999)) + 2 * kLabelGap;
    const double barArea =
        kBarWidth + kLabelGap + valueWidth + (m_colorBarTitle.isEmpty() ? 0 : fm.height() + kLabelGap);
    const double left = kMargin + rowLabelWidth + kLabelGap;
    const double availableWidth = std::max(1.0, width() - left - kMargin - barArea - 2 * kLabelGap);
    const int rows = std::max(1, rowCount());
    const int cols = std::max(1, m_columns);
    // Column labels lie flat when they fit their cell, otherwise they are turned upright.
    double cellWidth = availableWidth / cols;
    l.rotateColumnLabels = columnLabelWidth + kLabelGap > cellWidth;
    const double top = kMargin + titleHeight + (l.rotateColumnLabels ? columnLabelWidth : fm.height()) + kLabelGap;
    const double availableHeight = std::max(1.0, height() - top - kMargin);
    double cellHeight = availableHeight / rows;
    // Square-ish cells read better; limit the aspect ratio.
    cellWidth = std::min(cellWidth, cellHeight * 3.0);
    cellHeight = std::min(cellHeight, cellWidth * 1.5);
    l.cellWidth = cellWidth;
    l.cellHeight = cellHeight;
    l.title = QRectF(kMargin, kMargin, width() - 2 * kMargin, titleHeight);
    l.grid = QRectF(left, top, cellWidth * cols, cellHeight * rows);
    l.colorBar = QRectF(l.grid.right() + 3 * kLabelGap, top, kBarWidth, l.grid.height());
    return l;
}

QRectF HeatmapWidget::cellRect(int row, int column) const
{
    const Layout l = computeLayout();
    return QRectF(l.grid.left() + column * l.cellWidth, l.grid.top() + row * l.cellHeight, l.cellWidth, l.cellHeight);
}

QPoint HeatmapWidget::cellAt(const QPoint& pos) const
{
    const Layout l = computeLayout();
    if (rowCount() == 0 || m_columns == 0 || !l.grid.contains(pos))
        return {-1, -1};
    const int column = std::min(m_columns - 1, static_cast<int>((pos.x() - l.grid.left()) / l.cellWidth));
    const int row = std::min(rowCount() - 1, static_cast<int>((pos.y() - l.grid.top()) / l.cellHeight));
    return {column, row};
}

void HeatmapWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const Layout l = computeLayout();
    const QFontMetricsF fm(font());
    const QColor text = palette().color(QPalette::WindowText);

    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(text);
        p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, m_title);
        p.setFont(font());
    }
    if (rowCount() == 0 || m_columns == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No data"));
        return;
    }

    const bool valuesFit =
        fm.horizontalAdvance(formatValue(-0.99999)) + 4 <= l.cellWidth && fm.height() + 2 <= l.cellHeight;
    for (int r = 0; r < rowCount(); ++r) {
        for (int c = 0; c < m_columns; ++c) {
            const QRectF cell(l.grid.left() + c * l.cellWidth, l.grid.top() + r * l.cellHeight, l.cellWidth,
                              l.cellHeight);
            const double v = value(r, c);
            const QColor fill = colorFor(v);
            p.fillRect(cell, fill);
            if (valuesFit) {
                // Dark text on light cells, light text on dark ones.
                p.setPen(fill.lightnessF() > 0.55 ? QColor(0x20, 0x20, 0x20) : QColor(Qt::white));
                p.drawText(cell, Qt::AlignCenter, formatValue(v));
            }
        }
    }
    p.setPen(QPen(palette().color(QPalette::Mid), 0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.grid);

    p.setPen(text);
    for (int r = 0; r < rowCount(); ++r) {
        const QRectF label(kMargin, l.grid.top() + r * l.cellHeight, l.grid.left() - kMargin - kLabelGap, l.cellHeight);
        p.drawText(label, Qt::AlignRight | Qt::AlignVCenter, m_rowLabels.value(r));
    }
    for (int c = 0; c < m_columns; ++c) {
        const QString s = m_columnLabels.value(c);
        const double x = l.grid.left() + (c + 0.5) * l.cellWidth;
        if (l.rotateColumnLabels) {
            p.save();
            p.translate(x + fm.ascent() / 2 - fm.descent(), l.grid.top() - kLabelGap);
            p.rotate(-90);
            p.drawText(QPointF(0, 0), s);
            p.restore();
        } else {
            const QRectF label(x - l.cellWidth / 2, l.grid.top() - kLabelGap - fm.height(), l.cellWidth, fm.height());
            p.drawText(label, Qt::AlignCenter, s);
        }
    }

    // Colour bar: a vertical gradient with min, middle and max ticks.
    QLinearGradient gradient(l.colorBar.topLeft(), l.colorBar.bottomLeft());
    for (int i = 0; i <= 20; ++i) {
        const double t = i / 20.0;
        gradient.setColorAt(t, colorFor(m_max - t * (m_max - m_min)));
    }
    p.fillRect(l.colorBar, gradient);
    p.setPen(QPen(palette().color(QPalette::Mid), 0));
    p.drawRect(l.colorBar);
    p.setPen(text);
    const double mid = (m_min < 0 && m_max > 0) ? 0.0 : (m_min + m_max) / 2;
    for (double tick : {m_max, mid, m_min}) {
        const double y = l.colorBar.top() + (m_max - tick) / (m_max - m_min) * l.colorBar.height();
        p.drawLine(QPointF(l.colorBar.right(), y), QPointF(l.colorBar.right() + 4, y));
        p.drawText(QRectF(l.colorBar.right() + kLabelGap, y - fm.height() / 2, 200, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::number(tick, 'g', 3));
    }
    if (!m_colorBarTitle.isEmpty()) {
        p.save();
        const double x =
            l.colorBar.right() + kLabelGap + fm.horizontalAdvance(QStringLiteral("-0.999")) + kLabelGap + fm.ascent();
        p.translate(x, l.colorBar.center().y() + fm.horizontalAdvance(m_colorBarTitle) / 2);
        p.rotate(-90);
        p.drawText(QPointF(0, 0), m_colorBarTitle);
        p.restore();
    }
}

bool HeatmapWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QPoint cell = cellAt(help->pos());
        if (cell.x() >= 0)
            QToolTip::showText(help->globalPos(), toolTipFor(cell.y(), cell.x()), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

void HeatmapWidget::mouseReleaseEvent(QMouseEvent* e)
{
    const QPoint cell = cellAt(e->position().toPoint());
    if (e->button() == Qt::LeftButton && cell.x() >= 0)
        Q_EMIT cellClicked(cell.y(), cell.x());
    QWidget::mouseReleaseEvent(e);
}

QSize HeatmapWidget::sizeHint() const
{
    const QFontMetrics fm(font());
    const int cell = std::max(48, fm.horizontalAdvance(QStringLiteral("-0.000")) + 12);
    return {std::min(900, 160 + cell * std::max(1, m_columns)),
            std::min(700, 80 + cell * std::max(1, rowCount()) * 2 / 3)};
}

QSize HeatmapWidget::minimumSizeHint() const
{
    return {200, 150};
}

} // namespace mergelab::widgets
