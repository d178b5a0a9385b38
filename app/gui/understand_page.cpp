#include "understand_page.h"

#include "heatmap_widget.h"
#include "line_chart_view.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

namespace {

QStringList modelNames(const AnalysisReport& report)
{
    QStringList names;
    for (const std::string& n : report.models)
        names << QString::fromStdString(n);
    return names;
}

// The project's colour for a model, or a distinct categorical colour when the project gives none
// or gives several models the same one (lines must stay apart).
QColor modelColor(const ModelSet& set, const std::string& name, int index)
{
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                                     QColor(0x17, 0xbe, 0xcf)};
    const ModelEntry* m = set.findModel(name);
    bool distinct = m && !m->color.empty();
    for (const ModelEntry& other : set.models)
        if (distinct && &other != m && other.color == m->color)
            distinct = false;
    return distinct ? QColor(QString::fromStdString(m->color)) : palette[index % 10];
}

} // namespace

UnderstandPage::UnderstandPage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_analyze = new QPushButton(tr("&Analyze"), this);
    m_analyze->setToolTip(tr("Compute task-vector statistics of the project's fine-tunes against its base"));
    m_analyze->setEnabled(false);
    m_status = new QLabel(tr("Open a project to analyse its task vectors."), this);
    bar->addWidget(m_analyze);
    bar->addWidget(m_status, 1);
    layout->addLayout(bar);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_layers = new QListWidget(splitter);
    m_layers->setAccessibleName(tr("Layers"));
    m_layers->setMaximumWidth(220);
    auto* views = new QWidget(splitter);
    auto* grid = new QGridLayout(views);
    grid->setContentsMargins(0, 0, 0, 0);
    m_heatmap = new widgets::HeatmapWidget(views);
    m_heatmap->setColorBarTitle(tr("cosine similarity"));
    m_heatmap->setRange(-1, 1);
    m_norms = new widgets::LineChartView(views);
    m_conflicts = new widgets::LineChartView(views);
    m_distribution = new widgets::LineChartView(views);
    grid->addWidget(m_heatmap, 0, 0);
    grid->addWidget(m_norms, 0, 1);
    grid->addWidget(m_conflicts, 1, 0);
    grid->addWidget(m_distribution, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    splitter->addWidget(m_layers);
    splitter->addWidget(views);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_analyze, &QPushButton::clicked, this, [this] { analyze(m_set); });
    connect(m_layers, &QListWidget::currentRowChanged, this, &UnderstandPage::showLayer);
    // Clicking a layer in a per-layer chart shows that layer's heatmap.
    for (widgets::LineChartView* chart : {m_norms, m_conflicts})
        connect(chart, &widgets::LineChartView::pointClicked, this,
                [this](double x) { selectLayer(static_cast<int>(std::lround(x))); });
}

void UnderstandPage::setProject(const ProjectSummary& project)
{
    const bool allOpen = std::all_of(project.members.begin(), project.members.end(),
                                     [](const ProjectMember& m) { return m.error.isEmpty(); });
    // The analysis is one streaming pass over the checkpoints: it starts right away, cancellable.
    if (allOpen && !project.set.base.path.empty())
        analyze(project.set);
}

void UnderstandPage::analyze(const ModelSet& set)
{
    m_set = set;
    if (set.models.empty()) {
        m_status->setText(tr("The project has no fine-tuned models to analyse."));
        return;
    }
    m_status->setText(tr("Analysing %1 fine-tuned models against %2…")
                          .arg(set.models.size())
                          .arg(QString::fromStdString(set.base.name)));
    m_analyze->setEnabled(false);
    m_jobs->start<AnalysisReport>(
        tr("Analysing %1").arg(QString::fromStdString(set.name)), QStringLiteral("analysis"), analysisWork(set), this,
        [this](const JobOutcome<AnalysisReport>& outcome) {
            m_analyze->setEnabled(true);
            if (outcome.ok()) {
                setReport(*outcome.result);
                Q_EMIT analysisFinished();
            } else {
                m_status->setText(outcome.status == Status::Cancelled ? tr("Analysis cancelled.") : outcome.message);
            }
        });
}

void UnderstandPage::setReport(const AnalysisReport& report)
{
    m_report = report;
    m_analyze->setEnabled(!m_set.models.empty());
    QString status = tr("%1 tensors analysed · mean cosine %2 · sign conflicts %3% (top %4% kept per tensor)")
                         .arg(report.tensors.size())
                         .arg(report.global.meanCosine, 0, 'f', 3)
                         .arg(report.global.conflictRate * 100.0, 0, 'f', 1)
                         .arg(report.density * 100.0, 0, 'f', 0);
    if (!report.skipped.empty())
        status += tr(" · %1 skipped").arg(report.skipped.size());
    m_status->setText(status);

    const QSignalBlocker block(m_layers);
    m_layers->clear();
    auto* all = new QListWidgetItem(tr("All layers"), m_layers);
    all->setData(Qt::UserRole, kGlobal);
    for (const LayerReport& layer : report.layers) {
        auto* item =
            new QListWidgetItem(layer.layer < 0 ? tr("Outside layers (%1 tensors)").arg(layer.tensorCount)
                                                : tr("Layer %1 (%2 tensors)").arg(layer.layer).arg(layer.tensorCount),
                                m_layers);
        item->setData(Qt::UserRole, layer.layer);
    }
    updateCharts();
    m_layers->setCurrentRow(0);
    showLayer(0);
}

bool UnderstandPage::selectLayer(int layer)
{
    for (int row = 0; row < m_layers->count(); ++row) {
        if (m_layers->item(row)->data(Qt::UserRole).toInt() == layer) {
            m_layers->setCurrentRow(row); // emits currentRowChanged -> showLayer
            showLayer(row);
            return true;
        }
    }
    return false;
}

void UnderstandPage::showLayer(int listRow)
{
    QListWidgetItem* item = m_layers->item(listRow);
    if (!item)
        return;
    const int layer = item->data(Qt::UserRole).toInt();
    m_selectedLayer = layer;
    const TaskVectorStats* stats = &m_report.global;
    for (const LayerReport& l : m_report.layers)
        if (l.layer == layer)
            stats = &l.stats;
    const QStringList names = modelNames(m_report);
    m_heatmap->setTitle(layer == kGlobal ? tr("Task-vector cosine similarity, all layers")
                        : layer < 0      ? tr("Task-vector cosine similarity, outside layers")
                                         : tr("Task-vector cosine similarity, layer %1").arg(layer));
    m_heatmap->setMatrix(stats->cosine, names, names);
}

void UnderstandPage::updateCharts()
{
    const int models = m_report.modelCount();
    QList<widgets::ChartLine> norms, distributions;
    widgets::ChartLine conflicts{tr("all models"), QColor(0x55, 0x55, 0x55), {}};
    for (int i = 0; i < models; ++i) {
        const std::string& name = m_report.models[static_cast<std::size_t>(i)];
        widgets::ChartLine line{QString::fromStdString(name), modelColor(m_set, name, i), {}};
        for (const LayerReport& layer : m_report.layers)
            if (layer.layer >= 0 && static_cast<int>(layer.stats.norms.size()) > i)
                line.points << QPointF(layer.layer, layer.stats.norms[static_cast<std::size_t>(i)]);
        norms << line;
    }
    for (const LayerReport& layer : m_report.layers)
        if (layer.layer >= 0)
            conflicts.points << QPointF(layer.layer, layer.stats.conflictRate * 100.0);
    m_norms->setLines(tr("Task-vector norm per layer"), tr("layer"), tr("‖τ‖ (L2 norm)"), norms, true);
    m_conflicts->setLines(tr("Sign conflicts per layer (TIES, top %1% kept)").arg(m_report.density * 100.0, 0, 'f', 0),
                          tr("layer"), tr("conflicts (%)"), {conflicts}, true);

    // Value distributions: share of each model's coordinates per bin, over the common bin range.
    const HistogramReport& h = m_report.histograms;
    for (int i = 0; i < models && i < static_cast<int>(h.counts.size()); ++i) {
        const std::string& name = m_report.models[static_cast<std::size_t>(i)];
        widgets::ChartLine line{QString::fromStdString(name), modelColor(m_set, name, i), {}};
        const auto& counts = h.counts[static_cast<std::size_t>(i)];
        double total = 0;
        for (uint64_t c : counts)
            total += static_cast<double>(c);
        const double width = h.bins > 0 ? 2.0 * h.range / h.bins : 0.0;
        for (int b = 0; b < h.bins && b < static_cast<int>(counts.size()); ++b)
            line.points << QPointF(-h.range + (b + 0.5) * width,
                                   total > 0 ? 100.0 * static_cast<double>(counts[static_cast<std::size_t>(b)]) / total
                                             : 0.0);
        distributions << line;
    }
    m_distribution->setLines(tr("Task-vector value distribution"), tr("τ value (θi − θ0)"), tr("coordinates (%)"),
                             distributions, false, false);
}

} // namespace mergelab::gui
