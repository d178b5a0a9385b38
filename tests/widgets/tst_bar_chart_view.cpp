// BarChartView: categories and sets, NaN = no bar, in-place value replacement, renamed sets.
#include "bar_chart_view.h"

#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QTest>

#include <cmath>

using mergelab::widgets::BarChartView;

class TestBarChartView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void setsAndValues()
    {
        BarChartView view;
        view.resize(500, 300);
        view.setBars(QStringLiteral("Accuracy"), QStringLiteral("accuracy (%)"), {"a", "b", "average"},
                     {{"pretrained", Qt::gray, {10, 20, 15}}, {"merged", Qt::red, {}}});
        QCOMPARE(view.setCount(), 2);
        QCOMPARE(view.categoryCount(), 3);
        QCOMPARE(view.value(0, 1), 20.0);
        QVERIFY(std::isnan(view.value(1, 0))); // no value yet
        QVERIFY(std::isnan(view.value(5, 0)));
        auto* series = qobject_cast<QBarSeries*>(view.chart()->series().value(0));
        QVERIFY(series);
        QCOMPARE(series->barSets().at(1)->at(0), 0.0); // drawn as no bar

        view.setValues(1, {50, 60, 55}, QStringLiteral("merged (full)"));
        QCOMPARE(view.value(1, 2), 55.0);
        QCOMPARE(view.setName(1), QStringLiteral("merged (full)"));
        QCOMPARE(series->barSets().at(1)->at(1), 60.0);
        QCOMPARE(series->barSets().at(1)->label(), QStringLiteral("merged (full)"));
        QCOMPARE(view.updateCount(), 1);
        // The series object is kept: replacing values must not rebuild (no flicker).
        QCOMPARE(view.chart()->series().value(0), series);
        view.setValues(1, {std::nan("")});
        QVERIFY(std::isnan(view.value(1, 0)));
        QVERIFY(std::isnan(view.value(1, 2)));
        view.setValues(7, {1}); // out of range: ignored
        QVERIFY(!view.grab().isNull());
    }
};

QTEST_MAIN(TestBarChartView)
#include "tst_bar_chart_view.moc"
