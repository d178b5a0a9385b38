#include "experts_page.h"

#include "dendrogram_widget.h"
#include "gui_job_runner.h"
#include "heatmap_widget.h"

#include "moe/expert_clustering.h"

#include <QComboBox>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

namespace {

// "A", "B", … for group labels.
QString groupLetter(int group)
{
    return QString(QChar('A' + (group % 26)));
}

QString countText(double n)
{
    if (std::abs(n) >= 1e9)
        return QString::number(n / 1e9, 'f', 2) + QStringLiteral(" B");
    if (std::abs(n) >= 1e6)
        return QString::number(n / 1e6, 'f', 2) + QStringLiteral(" M");
    if (std::abs(n) >= 1e3)
        return QString::number(n / 1e3, 'f', 1) + QStringLiteral(" k");
    return QString::number(n, 'f', 0);
}

} // namespace

ExpertsPage::ExpertsPage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    auto* layout = new QVBoxLayout(this);

    auto* openBar = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setReadOnly(true);
    m_path->setPlaceholderText(tr("No MoE checkpoint open"));
    m_path->setAccessibleName(tr("MoE checkpoint"));
    m_openFile = new QPushButton(tr("Open MoE &File…"), this);
    m_openFile->setToolTip(tr("Open a Mixture-of-Experts checkpoint file (.safetensors, .bin, .h5)"));
    m_openFolder = new QPushButton(tr("Open MoE F&older…"), this);
    m_openFolder->setToolTip(tr("Open a Hugging Face style folder with config.json"));
    m_layer = new QComboBox(this);
    m_layer->setAccessibleName(tr("MoE layer"));
    m_layer->setToolTip(tr("The MoE layer whose experts are shown"));
    openBar->addWidget(new QLabel(tr("Model:"), this));
    openBar->addWidget(m_path, 1);
    openBar->addWidget(m_openFile);
    openBar->addWidget(m_openFolder);
    openBar->addSpacing(12);
    openBar->addWidget(new QLabel(tr("Layer:"), this));
    openBar->addWidget(m_layer);
    layout->addLayout(openBar);

    m_status = new QLabel(tr("Open an MoE checkpoint, or a project with one among its models."), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_heatmap = new widgets::HeatmapWidget(splitter);
    m_heatmap->setAccessibleName(tr("Expert similarity"));
    m_heatmap->setColorBarTitle(tr("cosine similarity of expert weights"));
    m_heatmap->setDecimals(3);
    m_dendrogram = new widgets::DendrogramWidget(splitter);
    m_dendrogram->setAccessibleName(tr("Expert merge tree"));
    splitter->addWidget(m_heatmap);
    splitter->addWidget(m_dendrogram);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    auto* kBar = new QHBoxLayout;
    m_kLabel = new QLabel(tr("Experts kept per layer:"), this);
    m_k = new QSlider(Qt::Horizontal, this);
    m_k->setAccessibleName(tr("Experts kept per layer"));
    m_k->setToolTip(tr("K: each layer's experts are grouped into K groups by the merge tree"));
    m_k->setRange(1, 1);
    m_k->setTickPosition(QSlider::TicksBelow);
    m_k->setEnabled(false);
    m_saving = new QLabel(this);
    m_merge = new QPushButton(tr("&Merge to K…"), this);
    m_merge->setToolTip(tr("Merge each group's experts and router rows into one expert and write a new checkpoint"));
    m_merge->setEnabled(false);
    kBar->addWidget(m_kLabel);
    kBar->addWidget(m_k, 1);
    kBar->addWidget(m_saving, 2);
    kBar->addWidget(m_merge);
    layout->addLayout(kBar);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);

    connect(m_openFile, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open MoE Checkpoint"), QString(),
                                         tr("Checkpoints (*.safetensors *.bin *.pt *.pth *.h5);;All files (*)"));
        if (!path.isEmpty())
            openModel(path);
    });
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Open MoE Checkpoint Folder"));
        if (!path.isEmpty())
            openModel(path);
    });
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] { showLayer(); });
    connect(m_k, &QSlider::valueChanged, this, [this] { updateGroups(); });
    connect(m_merge, &QPushButton::clicked, this, &ExpertsPage::chooseOutput);
}

void ExpertsPage::onAnalysisEnded(const JobOutcome<ExpertsAnalysis>& outcome)
{
    m_openFile->setEnabled(true);
    m_openFolder->setEnabled(true);
    if (outcome.ok())
        setAnalysis(*outcome.result);
    else if (outcome.status == Status::Ok)
        m_status->setText(tr("No Mixture-of-Experts checkpoint in this project. Open one with the "
                             "buttons above (e.g. a model written by mergelab-cli btx)."));
    else
        m_status->setText(outcome.status == Status::Cancelled ? tr("Analysis cancelled.") : outcome.message);
    Q_EMIT analysisFinished();
}

void ExpertsPage::onMergeEnded(const JobOutcome<ExpertsMergeOutcome>& outcome)
{
    m_merge->setEnabled(!m_analysis.layers.empty());
    if (outcome.ok())
        setMergeOutcome(*outcome.result);
    else
        m_result->setText(outcome.status == Status::Cancelled ? tr("Merge cancelled; nothing was written.")
                                                              : tr("Merge failed: %1").arg(outcome.message));
    Q_EMIT mergeFinished();
}

void ExpertsPage::setProject(const ProjectSummary& project)
{
    m_project = project;
    QStringList candidates;
    for (const ProjectMember& m : project.members)
        if (m.error.isEmpty() && !m.path.isEmpty())
            candidates << m.path;
    if (!candidates.isEmpty())
        startAnalysis(candidates, true);
}

void ExpertsPage::openModel(const QString& path)
{
    startAnalysis({path}, false);
}

void ExpertsPage::startAnalysis(const QStringList& candidates, bool fromProject)
{
    m_status->setText(candidates.size() == 1 ? tr("Analysing the experts of %1…").arg(candidates.front())
                                             : tr("Looking for an MoE checkpoint among the project's models…"));
    m_openFile->setEnabled(false);
    m_openFolder->setEnabled(false);
    m_jobs->start<ExpertsAnalysis>(tr("Expert similarity"), QStringLiteral("experts-analysis"),
                                   expertsAnalysisWork(candidates, fromProject, m_project.set.textsFor("val")), this,
                                   [this](const JobOutcome<ExpertsAnalysis>& outcome) { onAnalysisEnded(outcome); });
}

void ExpertsPage::setAnalysis(const ExpertsAnalysis& analysis)
{
    m_analysis = analysis;
    m_path->setText(analysis.path);
    m_status->setText(QString::fromStdString(moeSummaryLine(analysis.layout)));
    m_result->clear();
    {
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        for (const LayerRedundancy& l : analysis.layers)
            m_layer->addItem(tr("Layer %1").arg(l.similarity.layer), l.similarity.layer);
    }
    const int experts = analysis.layout.numExperts;
    {
        const QSignalBlocker block(m_k);
        m_k->setRange(1, std::max(1, experts));
        m_k->setValue(std::max(1, experts / 2));
    }
    m_k->setEnabled(experts > 1);
    m_merge->setEnabled(!analysis.layers.empty());
    showLayer();
}

int ExpertsPage::selectedLayer() const
{
    return m_layer->currentData().isValid() ? m_layer->currentData().toInt() : -1;
}

void ExpertsPage::selectLayer(int layer)
{
    const int index = m_layer->findData(layer);
    if (index >= 0)
        m_layer->setCurrentIndex(index);
}

void ExpertsPage::setGroupCount(int k)
{
    m_k->setValue(k);
}

QString ExpertsPage::statusText() const
{
    return m_status->text();
}
QString ExpertsPage::savingText() const
{
    return m_saving->text();
}
QString ExpertsPage::resultText() const
{
    return m_result->text();
}

void ExpertsPage::showLayer()
{
    const int layer = selectedLayer();
    for (const LayerRedundancy& l : m_analysis.layers) {
        if (l.similarity.layer != layer)
            continue;
        std::vector<widgets::DendrogramMerge> merges;
        for (const LinkageRow& row : l.tree)
            merges.push_back({row.a, row.b, row.distance});
        QStringList labels;
        for (int e = 0; e < l.similarity.numExperts; ++e)
            labels << tr("e%1").arg(e);
        m_dendrogram->setTitle(tr("Merge tree, layer %1 (average linkage)").arg(layer));
        m_dendrogram->setTree(l.similarity.numExperts, merges, labels);
        m_heatmap->setTitle(m_analysis.byOutputs
                                ? tr("Expert similarity (outputs on the project's val text), layer %1").arg(layer)
                                : tr("Expert similarity (weights), layer %1").arg(layer));
        m_heatmap->setColorBarTitle(m_analysis.byOutputs ? tr("cosine similarity of expert outputs")
                                                         : tr("cosine similarity of expert weights"));
        break;
    }
    updateGroups();
}

void ExpertsPage::updateGroups()
{
    const int layer = selectedLayer();
    const int k = m_k->value();
    const MoeLayout& layout = m_analysis.layout;
    m_kLabel->setText(tr("Experts kept per layer: %1").arg(k));
    for (const LayerRedundancy& l : m_analysis.layers) {
        if (l.similarity.layer != layer)
            continue;
        const int n = l.similarity.numExperts;
        const std::vector<int> labelsOf = cutToCount(l.tree, n, std::clamp(k, 1, n));
        std::vector<std::vector<double>> matrix(static_cast<std::size_t>(n));
        double lowest = 1.0;
        const bool outputs = m_analysis.byOutputs && !l.similarity.outputs.empty();
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const double v =
                    outputs ? l.similarity.outputs[static_cast<std::size_t>(i * n + j)] : l.similarity.weight(i, j);
                matrix[static_cast<std::size_t>(i)].push_back(v);
                if (i != j)
                    lowest = std::min(lowest, v);
            }
        QStringList names;
        for (int e = 0; e < n; ++e)
            names << tr("e%1 (%2)").arg(e).arg(groupLetter(labelsOf[static_cast<std::size_t>(e)]));
        m_heatmap->setMatrix(matrix, names, names);
        // Fit the colour range to the off-diagonal values: experts of one seed model are all alike.
        m_heatmap->setRange(lowest < 0 ? -1.0 : std::floor(lowest * 20.0) / 20.0 - 0.05, 1.0);
        m_dendrogram->setGroupCount(k);
    }
    // Saving: each removed expert takes its parameters and its router row with it.
    int64_t saved = 0;
    for (const MoeLayer& l : layout.layers) {
        const int64_t hidden = l.roleShapes.empty() || l.roleShapes.front().empty() ? 0 : l.roleShapes.front().back();
        saved +=
            static_cast<int64_t>(std::max(0, static_cast<int>(l.experts.size()) - k)) * (l.expertParameters() + hidden);
    }
    if (layout.totalParameters > 0)
        m_saving->setText(
            tr("saves %1 of %2 parameters (%3%)")
                .arg(countText(static_cast<double>(saved)))
                .arg(countText(static_cast<double>(layout.totalParameters)))
                .arg(100.0 * static_cast<double>(saved) / static_cast<double>(layout.totalParameters), 0, 'f', 1));
    else
        m_saving->clear();
    m_merge->setText(tr("&Merge to %1…").arg(k));
}

void ExpertsPage::chooseOutput()
{
    const QFileInfo input(m_analysis.path);
    const QString suggestion =
        input.dir().filePath(input.completeBaseName() + QStringLiteral("-k%1").arg(m_k->value()));
    const QString output = QFileDialog::getSaveFileName(this, tr("Write Merged MoE (folder)"), suggestion);
    if (!output.isEmpty())
        mergeTo(output);
}

void ExpertsPage::mergeTo(const QString& output)
{
    if (m_analysis.path.isEmpty())
        return;
    m_merge->setEnabled(false);
    m_result->setText(tr("Merging every layer to %1 experts into %2…").arg(m_k->value()).arg(output));
    m_jobs->start<ExpertsMergeOutcome>(
        tr("Merge experts to %1").arg(m_k->value()), QStringLiteral("experts-merge"),
        expertsMergeWork(m_analysis.path, output, m_k->value(), m_project.path), this,
        [this](const JobOutcome<ExpertsMergeOutcome>& outcome) { onMergeEnded(outcome); });
}

void ExpertsPage::setMergeOutcome(const ExpertsMergeOutcome& outcome)
{
    const ExpertMergeResult& r = outcome.merge;
    QString text = tr("Written %1: %2 → %3 experts per layer, %4 → %5 parameters.")
                       .arg(QString::fromStdString(r.path))
                       .arg(r.expertsBefore)
                       .arg(r.expertsAfter)
                       .arg(countText(static_cast<double>(r.parametersBefore)))
                       .arg(countText(static_cast<double>(r.parametersAfter)));
    if (outcome.evaluated && outcome.perplexity)
        text += QLatin1Char(' ') + tr("Perplexity on the test texts %1 → %2 (geometric mean; lower is better).")
                                       .arg(outcome.accuracyBefore, 0, 'f', 2)
                                       .arg(outcome.accuracyAfter, 0, 'f', 2);
    else if (outcome.evaluated)
        text += QLatin1Char(' ') +
                tr("Average accuracy %1 → %2 (%3% retained).")
                    .arg(outcome.accuracyBefore, 0, 'f', 3)
                    .arg(outcome.accuracyAfter, 0, 'f', 3)
                    .arg(outcome.accuracyBefore > 0 ? 100.0 * outcome.accuracyAfter / outcome.accuracyBefore : 0.0, 0,
                         'f', 1);
    else if (!outcome.evaluationNote.isEmpty())
        text += QLatin1Char(' ') + tr("No accuracy: %1.").arg(outcome.evaluationNote);
    m_result->setText(text);
}

} // namespace mergelab::gui
