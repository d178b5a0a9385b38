#include "line_chart_view.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mergelab::widgets {

LineChartView::LineChartView(QWidget* parent) : QChartView(new QChart, parent)
{
    setRenderHint(QPainter::Antialiasing, true);
    chart()->setAnimationOptions(QChart::NoAnimation); // results replace each other; no tweening
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    setMinimumSize(240, 180);
}

int LineChartView::lineCount() const
{
    return static_cast<int>(chart()->series().size());
}

void LineChartView::setLines(const QString& title, const QString& xTitle, const QString& yTitle,
                             const QList<ChartLine>& lines, bool integerX, bool showPoints)
{
    QChart* c = chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes())
        c->removeAxis(axis), delete axis;
    c->setTitle(title);
    setAccessibleName(title);

    double minX = std::numeric_limits<double>::infinity(), maxX = -minX;
    double minY = std::numeric_limits<double>::infinity(), maxY = -minY;
    auto* axisX = new QValueAxis(c);
    auto* axisY = new QValueAxis(c);
    axisX->setTitleText(xTitle);
    axisY->setTitleText(yTitle);
    c->addAxis(axisX, Qt::AlignBottom);
    c->addAxis(axisY, Qt::AlignLeft);
    for (const ChartLine& line : lines) {
        auto* series = new QLineSeries(c);
        series->setName(line.name);
        QList<QPointF> finite;
        for (const QPointF& p : line.points) {
            if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
                continue; // undefined statistics (NaN) are gaps, not zeros
            finite << p;
            minX = std::min(minX, p.x());
            maxX = std::max(maxX, p.x());
            minY = std::min(minY, p.y());
            maxY = std::max(maxY, p.y());
        }
        series->append(finite);
        series->setPointsVisible(showPoints && finite.size() <= 64);
        c->addSeries(series);
        if (line.color.isValid()) {
            QPen pen(line.color);
            pen.setWidthF(2.0);
            series->setPen(pen);
        }
        series->attachAxis(axisX);
        series->attachAxis(axisY);
        connect(series, &QLineSeries::clicked, this, [this](const QPointF& p) { Q_EMIT pointClicked(p.x()); });
    }
    if (!std::isfinite(minX)) {
        minX = 0;
        maxX = 1;
        minY = 0;
        maxY = 1;
    }
    if (maxY <= minY)
        maxY = minY + 1;
    if (maxX <= minX)
        maxX = minX + 1;
    // Start y at zero for non-negative statistics (norms, rates) so heights compare honestly.
    const double pad = 0.05 * (maxY - minY);
    axisY->setRange(minY >= 0 ? 0.0 : minY - pad, maxY + pad);
    axisX->setRange(minX, maxX);
    if (integerX) {
        axisX->setLabelFormat(QStringLiteral("%d"));
        const int span = static_cast<int>(std::lround(maxX - minX));
        axisX->setTickType(QValueAxis::TicksDynamic);
        axisX->setTickAnchor(minX);
        axisX->setTickInterval(std::max(1, span / 12 + (span % 12 ? 1 : 0)));
    } else {
        axisX->applyNiceNumbers();
    }
    axisY->applyNiceNumbers();
    if (minY >= 0 && axisY->min() < 0)
        axisY->setMin(0);
    c->legend()->setVisible(lines.size() > 1 || (lines.size() == 1 && !lines.front().name.isEmpty()));
}

} // namespace mergelab::widgets
