#pragma once

#include <QChartView>
#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>

class QBarSet;
class QBarSeries;
class QBarCategoryAxis;
class QValueAxis;

namespace mergelab::widgets {

// One group member of a BarChartView (e.g. "pretrained"), one value per category; NaN = no bar yet.
struct BarSet {
    QString name;
    QColor color;
    QList<double> values;
};

// A grouped bar chart (QtCharts): categories along x (tasks, "average"), one bar per set in each
// group, titled axes and a legend. Values are replaced in place so repeated updates do not flicker.
class BarChartView : public QChartView {
    Q_OBJECT
public:
    explicit BarChartView(QWidget* parent = nullptr);

    // Log scale (for setBars() after it): bars rise from 1 to their value on a logarithmic axis
    // labelled 1, 3, 10, 30, ... (perplexities: a ratio of 50 stays readable); yMin is then 1.
    void setLogScale(bool on) { m_logScale = on; }
    bool logScale() const { return m_logScale; }
    // Horizontal bars (for setBars() after it): categories listed down the left, so long names
    // stay whole in a narrow chart.
    void setHorizontal(bool on) { m_horizontal = on; }
    // Replaces categories and sets. yMin/yMax fix the value axis (e.g. 0..100 %).
    void setBars(const QString& title, const QString& yTitle, const QStringList& categories, const QList<BarSet>& sets,
                 double yMin = 0, double yMax = 100);
    // Replaces one set's values (same category count); renames it when name is not empty.
    void setValues(int set, const QList<double>& values, const QString& name = {});
    void setTitle(const QString& title);
    // Changes the value axis' range (and its label format, printf-style, when given) keeping the bars.
    void setValueRange(double yMin, double yMax, const QString& labelFormat = {});
    double valueAxisMax() const;

    int setCount() const { return static_cast<int>(m_sets.size()); }
    int categoryCount() const { return static_cast<int>(m_categories.size()); }
    QStringList categories() const { return m_categories; }
    QString setName(int set) const;
    // The value shown for (set, category); NaN when there is no bar.
    double value(int set, int category) const;
    // How many times any value was replaced (tests wait on it).
    int updateCount() const { return m_updates; }

private:
    QStringList m_categories;
    QList<BarSet> m_sets;
    QList<QBarSet*> m_barSets;
    int m_updates = 0;
    bool m_logScale = false;
    bool m_horizontal = false;
};

} // namespace mergelab::widgets
