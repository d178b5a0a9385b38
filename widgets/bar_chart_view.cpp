#include "bar_chart_view.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QLegend>
#include <QValueAxis>

#include <cmath>

namespace mergelab::widgets {

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

    auto* series = new QBarSeries(c);
    for (BarSet& set : m_sets) {
        while (set.values.size() < categories.size())
            set.values << std::nan("");
        auto* bars = new QBarSet(set.name, series);
        for (double v : set.values)
            bars->append(std::isfinite(v) ? v : 0.0); // no bar: zero height; value() still says NaN
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
    auto* axisY = new QValueAxis(c);
    axisY->setRange(yMin, yMax);
    axisY->setTitleText(yTitle);
    axisY->setLabelFormat(QStringLiteral("%.0f"));
    axisY->setTickCount(6);
    c->addAxis(axisX, Qt::AlignBottom);
    c->addAxis(axisY, Qt::AlignLeft);
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
        bars->replace(i, std::isfinite(v) ? v : 0.0);
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
