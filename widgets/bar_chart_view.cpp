#include "bar_chart_view.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QHorizontalBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mergelab::widgets {

namespace {

// A bar's height: the value, or on a log scale its decimal logarithm (from 1; no bar below 1).
double barHeight(double v, bool logScale)
{
    if (!std::isfinite(v))
        return 0.0;
    return logScale ? std::log10(std::max(1.0, v)) : v;
}

// Labels 1, 3, 10, 30, ... up to `top`, each at its logarithm (denser labels get elided).
void setLogTicks(QCategoryAxis* axis, double top)
{
    for (const QString& label : axis->categoriesLabels())
        axis->remove(label);
    axis->setStartValue(0);
    for (double decade = 1; decade <= top * 1.0001; decade *= 10)
        for (double m : {1.0, 3.0})
            if (m * decade <= top * 1.0001)
                axis->append(QString::number(m * decade, 'g', 12), std::log10(m * decade));
    axis->setRange(0, std::log10(std::max(top, 1.0001)));
}

} // namespace

BarChartView::BarChartView(QWidget* parent) : QChartView(new QChart, parent)
{
    setRenderHint(QPainter::Antialiasing, true);
    chart()->setAnimationOptions(QChart::NoAnimation); // live results replace each other; no tweening
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    setMinimumSize(280, 200);
}

void BarChartView::setBars(const QString& title, const QString& yTitle, const QStringList& categories,
                           const QList<BarSet>& sets, double yMin, double yMax)
{
    QChart* c = chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes())
        c->removeAxis(axis), delete axis;
    m_categories = categories;
    m_sets = sets;
    m_barSets.clear();
    setTitle(title);

    QAbstractBarSeries* series = m_horizontal ? static_cast<QAbstractBarSeries*>(new QHorizontalBarSeries(c))
                                              : static_cast<QAbstractBarSeries*>(new QBarSeries(c));
    for (BarSet& set : m_sets) {
        while (set.values.size() < categories.size())
            set.values << std::nan("");
        auto* bars = new QBarSet(set.name, series);
        for (double v : set.values)
            bars->append(barHeight(v, m_logScale)); // no bar: zero height; value() still says NaN
        if (set.color.isValid()) {
            bars->setColor(set.color);
            bars->setBorderColor(set.color.darker(130));
        }
        series->append(bars);
        m_barSets << bars;
    }
    series->setLabelsVisible(false);
    c->addSeries(series);
    auto* axisX = new QBarCategoryAxis(c);
    axisX->append(categories);
    QValueAxis* axisY = nullptr;
    if (m_logScale) {
        auto* logAxis = new QCategoryAxis(c);
        logAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        setLogTicks(logAxis, yMax);
        axisY = logAxis;
    } else {
        axisY = new QValueAxis(c);
        axisY->setRange(yMin, yMax);
        axisY->setLabelFormat(QStringLiteral("%.0f"));
        axisY->setTickCount(6);
    }
    axisY->setTitleText(yTitle);
    // Horizontal bars: the categories down the left side (whole names), the values along the bottom.
    c->addAxis(axisX, m_horizontal ? Qt::AlignLeft : Qt::AlignBottom);
    c->addAxis(axisY, m_horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    series->attachAxis(axisX);
    series->attachAxis(axisY);
    c->legend()->setVisible(m_sets.size() > 1);
}

void BarChartView::setValues(int set, const QList<double>& values, const QString& name)
{
    if (set < 0 || set >= m_sets.size())
        return;
    BarSet& data = m_sets[set];
    QBarSet* bars = m_barSets[set];
    for (int i = 0; i < m_categories.size(); ++i) {
        const double v = i < values.size() ? values[i] : std::nan("");
        data.values[i] = v;
        bars->replace(i, barHeight(v, m_logScale));
    }
    if (!name.isEmpty()) {
        data.name = name;
        bars->setLabel(name);
    }
    ++m_updates;
}

void BarChartView::setTitle(const QString& title)
{
    chart()->setTitle(title);
    setAccessibleName(title);
}

void BarChartView::setValueRange(double yMin, double yMax, const QString& labelFormat)
{
    for (QAbstractAxis* axis : chart()->axes(m_horizontal ? Qt::Horizontal : Qt::Vertical)) {
        if (auto* logAxis = qobject_cast<QCategoryAxis*>(axis); logAxis && m_logScale) {
            setLogTicks(logAxis, yMax);
        } else if (auto* values = qobject_cast<QValueAxis*>(axis)) {
            values->setRange(yMin, yMax);
            if (!labelFormat.isEmpty())
                values->setLabelFormat(labelFormat);
        }
    }
}

double BarChartView::valueAxisMax() const
{
    for (QAbstractAxis* axis : chart()->axes(m_horizontal ? Qt::Horizontal : Qt::Vertical))
        if (auto* values = qobject_cast<QValueAxis*>(axis))
            return m_logScale ? std::pow(10.0, values->max()) : values->max();
    return std::nan("");
}

QString BarChartView::setName(int set) const
{
    return set >= 0 && set < m_sets.size() ? m_sets[set].name : QString();
}

double BarChartView::value(int set, int category) const
{
    if (set < 0 || set >= m_sets.size() || category < 0 || category >= m_sets[set].values.size())
        return std::nan("");
    return m_sets[set].values[category];
}

} // namespace mergelab::widgets
