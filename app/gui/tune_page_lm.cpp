// The Tune page on a language-model project (issue 16): perplexity (log scale) and choice accuracy
// per task of the base, every fine-tune and the merge.
#include "tune_page.h"

#include "tune_colors.h"
#include "tune_evaluation_controller.h"

#include "bar_chart_view.h"

#include "eval/lm_evaluator.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `x` (> 0): a value axis' top.
double niceCeiling(double x)
{
    const double power = std::pow(10.0, std::floor(std::log10(x)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * power >= x)
            return m * power;
    return 10.0 * power;
}

// Largest finite value of the lists (0 when none).
double finiteMax(const QList<QList<double>>& lists)
{
    double out = 0;
    for (const QList<double>& list : lists)
        for (double v : list)
            if (std::isfinite(v))
                out = std::max(out, v);
    return out;
}

// One value per task of `tasks` (perplexity or accuracy in %, NaN where the result has none), then the
// result's overall value.
QList<double> lmValues(const LmEvalResult& result, const QStringList& tasks, bool perplexity)
{
    QList<double> out;
    for (const QString& name : tasks) {
        double v = std::nan("");
        for (const LmTaskScore& t : result.tasks)
            if (qs(t.name) == name)
                v = perplexity ? (t.hasText() ? t.perplexity() : v) : (t.hasChoices() ? 100.0 * t.accuracy : v);
        out << v;
    }
    out << (perplexity ? result.perplexity() : 100.0 * result.meanAccuracy());
    return out;
}

} // namespace

void TunePage::drawLmReferences()
{
    const TuneSetup& setup = m_evaluation->setup();
    m_textTasks.clear();
    m_choiceTasks.clear();
    for (const LmTaskScore& t : setup.lmPretrained.tasks) {
        if (t.hasText())
            m_textTasks << qs(t.name);
        if (t.hasChoices())
            m_choiceTasks << qs(t.name);
    }
    // Sets: the base, each fine-tune (its task's colour), the merge.
    QList<widgets::BarSet> perplexity, choices;
    perplexity << widgets::BarSet{qs(setup.set.base.name), tunePretrainedColor(),
                                  lmValues(setup.lmPretrained, m_textTasks, true)};
    choices << widgets::BarSet{qs(setup.set.base.name), tunePretrainedColor(),
                               lmValues(setup.lmPretrained, m_choiceTasks, false)};
    QList<QColor> modelColors;
    for (std::size_t i = 0; i < m_project.set.models.size() && i < setup.lmFinetuned.size(); ++i) {
        const ModelEntry& m = m_project.set.models[i];
        const QColor color = taskColor(m.task.empty() ? m.name : m.task, static_cast<int>(i));
        modelColors << color;
        perplexity << widgets::BarSet{qs(m.name), color, lmValues(setup.lmFinetuned[i], m_textTasks, true)};
        choices << widgets::BarSet{qs(m.name), color, lmValues(setup.lmFinetuned[i], m_choiceTasks, false)};
    }
    perplexity << widgets::BarSet{tr("merged"), tuneMergedColor(modelColors), {}};
    choices << widgets::BarSet{tr("merged"), tuneMergedColor(modelColors), {}};

    QList<QList<double>> values;
    for (const widgets::BarSet& set : perplexity)
        values << set.values;
    const double top = niceCeiling(std::max(2.0, 1.3 * finiteMax(values)));
    const QStringList textCategories = m_textTasks + QStringList{tr("average")};
    m_bars->setBars(tr("Perplexity per task (lower is better)"), tr("perplexity (log scale)"), textCategories,
                    perplexity, 1, top);

    m_choiceBars->setVisible(!m_choiceTasks.isEmpty());
    m_choiceBars->setHorizontal(true); // beside the perplexity chart: narrow, task names down its side
    m_choiceBars->setBars(tr("Choice accuracy per task (higher is better)"), tr("accuracy (%)"),
                          m_choiceTasks + QStringList{tr("average")}, choices);
    m_choiceBars->chart()->legend()->hide(); // the perplexity chart's legend names the same sets
    for (QAbstractAxis* axis : m_choiceBars->chart()->axes(Qt::Horizontal)) {
        axis->setTitleVisible(false);
        if (auto* values = qobject_cast<QValueAxis*>(axis))
            values->setLabelFormat(QStringLiteral("%.0f%%"));
    }
    // Two charts share the width: the perplexity chart's task names and six-entry legend in a smaller
    // font; the choice chart's axis says "%" on its labels instead of a title.
    QFont small = m_bars->font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    for (QAbstractAxis* axis : m_bars->chart()->axes(Qt::Horizontal))
        axis->setLabelsFont(small);
    m_bars->chart()->legend()->setFont(small);
}

void TunePage::drawLmMerged(const TuneOutcome& outcome)
{
    const int mergedSet = m_bars->setCount() - 1;
    const QList<double> perplexity = lmValues(outcome.lm, m_textTasks, true);
    m_bars->setValues(mergedSet, perplexity, tr("merged"));
    // A merge far worse than every input still fits: the axis grows (and never shrinks while tuning).
    const double top = finiteMax({perplexity});
    if (top > m_bars->valueAxisMax())
        m_bars->setValueRange(1, niceCeiling(1.3 * top));
    m_bars->setTitle(
        tr("Perplexity (lower is better): %1, average %2").arg(qs(m_state.method)).arg(perplexity.back(), 0, 'f', 2));
    if (!m_choiceTasks.isEmpty()) {
        const QList<double> accuracy = lmValues(outcome.lm, m_choiceTasks, false);
        m_choiceBars->setValues(m_choiceBars->setCount() - 1, accuracy, tr("merged"));
        m_choiceBars->setTitle(
            tr("Choice accuracy: %1, average %2%").arg(qs(m_state.method)).arg(accuracy.back(), 0, 'f', 1));
    }
    showStatus(tr("Scored on the whole validation split in %1 ms.").arg(outcome.seconds * 1000.0, 0, 'f', 0));
}

} // namespace mergelab::gui
