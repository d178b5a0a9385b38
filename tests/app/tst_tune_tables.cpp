// The Tune page's table models on their own (no project, no jobs): they pass
// QAbstractItemModelTester; the per-task model's columns come from the method; text that is not a
// valid value stays in its cell, marked, and is never sent; valid edits are sent; override rows are
// checked together and sent only when all are valid.
#include "gui/tune_override_model.h"
#include "gui/tune_per_task_model.h"

#include "merge/merge_method.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using mergelab::findMethod;
using mergelab::gui::TuneOverride;
using mergelab::gui::TuneOverrideModel;
using mergelab::gui::TunePerTaskModel;

namespace {
const QColor kInvalid(0xff, 0xd6, 0xd6);
}

class TestTuneTables : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void perTaskModel()
    {
        TunePerTaskModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy edited(&model, &TunePerTaskModel::valueEdited);
        QSignalSpy marked(&model, &TunePerTaskModel::marked);
        model.setMethod(findMethod("ties"), {QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("density")); // "weight" has sliders
        QCOMPARE(model.headerData(1, Qt::Vertical).toString(), QStringLiteral("b"));
        QCOMPARE(model.param(0), std::string("density"));
        model.setValues({{{"weight", 1.0}, {"density", 0.2}}, {{"weight", 1.0}, {"density", 0.4}}});
        const QModelIndex cell = model.index(1, 0);
        QCOMPARE(cell.data().toString(), QStringLiteral("0.4"));
        QVERIFY(model.flags(cell) & Qt::ItemIsEditable);

        QVERIFY(model.setData(cell, QStringLiteral("1.5"))); // density must be in (0, 1]
        QVERIFY(model.hasInvalid());
        QCOMPARE(cell.data().toString(), QStringLiteral("1.5"));
        QCOMPARE(cell.data(Qt::BackgroundRole).value<QBrush>().color(), kInvalid);
        QVERIFY(!cell.data(Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(edited.count(), 0);
        QCOMPARE(marked.count(), 1);
        QVERIFY(!marked.at(0).at(0).toString().isEmpty());

        QVERIFY(model.setData(cell, QStringLiteral("0.5")));
        QVERIFY(!model.hasInvalid());
        QCOMPARE(cell.data(Qt::BackgroundRole).value<QBrush>().style(), Qt::NoBrush);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).toInt(), 1);
        QCOMPARE(edited.at(0).at(1).value<std::string>(), std::string("density"));
        QCOMPARE(edited.at(0).at(2).toDouble(), 0.5);
        // Not shown until the state says so (the page commits it, then sets the values again).
        QCOMPARE(cell.data().toString(), QStringLiteral("0.4"));
        model.setValues({{{"density", 0.2}}, {{"density", 0.5}}});
        QCOMPARE(cell.data().toString(), QStringLiteral("0.5"));

        // Another method: other columns (none for task arithmetic: only weights).
        model.setMethod(findMethod("task_arithmetic"), {QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(model.columnCount(), 0);
    }

    void overrideModel()
    {
        // Only "lambda" is a valid parameter here, and a filter must not be empty.
        TuneOverrideModel model([](const TuneOverride& o) {
            if (o.param != "lambda")
                return QStringLiteral("unknown parameter");
            return o.filter.empty() ? QStringLiteral("empty filter") : QString();
        });
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        qRegisterMetaType<std::vector<TuneOverride>>();
        QSignalSpy edited(&model, &TuneOverrideModel::overridesEdited);
        QSignalSpy marked(&model, &TuneOverrideModel::marked);
        model.setOverrides({{"layers.0.", "lambda", 0.3}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.index(0, TuneOverrideModel::ValueColumn).data().toString(), QStringLiteral("0.3"));

        QVERIFY(model.setData(model.index(0, TuneOverrideModel::ParamColumn), QStringLiteral("bogus")));
        QVERIFY(model.hasInvalid());
        QCOMPARE(model.index(0, TuneOverrideModel::FilterColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("unknown parameter"));
        QCOMPARE(model.index(0, TuneOverrideModel::FilterColumn).data(Qt::BackgroundRole).value<QBrush>().color(),
                 kInvalid);
        QCOMPARE(edited.count(), 0);
        QCOMPARE(marked.count(), 1);

        QVERIFY(model.setData(model.index(0, TuneOverrideModel::ParamColumn), QStringLiteral("lambda")));
        QVERIFY(model.setData(model.index(0, TuneOverrideModel::ValueColumn), QStringLiteral("x")));
        QVERIFY(model.hasInvalid()); // not a number
        QVERIFY(model.setData(model.index(0, TuneOverrideModel::ValueColumn), QStringLiteral("0.5")));
        QVERIFY(!model.hasInvalid());
        QCOMPARE(model.index(0, TuneOverrideModel::FilterColumn).data(Qt::BackgroundRole).value<QBrush>().style(),
                 Qt::NoBrush);
        QCOMPARE(edited.count(), 2); // "lambda" with the old value, then 0.5
        const auto sent = edited.last().at(0).value<std::vector<TuneOverride>>();
        QCOMPARE(sent.size(), std::size_t(1));
        QCOMPARE(sent[0].param, std::string("lambda"));
        QCOMPARE(sent[0].value, 0.5);

        // Rows come and go at the end, so a view keeps its current row.
        model.setOverrides({{"layers.0.", "lambda", 0.5}, {"layers.1.", "lambda", 0.7}});
        QCOMPARE(model.rowCount(), 2);
        model.setOverrides({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestTuneTables)
#include "tst_tune_tables.moc"
