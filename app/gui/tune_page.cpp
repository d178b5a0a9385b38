#include "tune_page.h"

#include "gui_job_runner.h"
#include "tune_colors.h"
#include "tune_command.h"
#include "tune_evaluation_controller.h"
#include "tune_generate_panel.h"
#include "tune_override_model.h"
#include "tune_parameter_editor.h"
#include "tune_per_task_model.h"
#include "tune_sweep_panel.h"

#include "bar_chart_view.h"

#include "eval/lm_evaluator.h"

#include <QAction>
#include <QChart>
#include <QComboBox>
#include <QLegend>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QUndoStack>
#include <QUndoView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

namespace {

// Slider positions are hundredths of the value.
constexpr double kSliderScale = 100.0;
constexpr int kLambdaMergeId = 1;
constexpr int kCoefficientMergeId = 100; // + task index

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

void setSpin(QDoubleSpinBox* spin, QSlider* slider, double value)
{
    const QSignalBlocker a(spin), b(slider);
    spin->setValue(value);
    slider->setValue(static_cast<int>(std::lround(value * kSliderScale)));
}

QDoubleSpinBox* makeSpin(QWidget* parent, const QString& name)
{
    auto* spin = new QDoubleSpinBox(parent);
    spin->setDecimals(2);
    spin->setSingleStep(0.05);
    spin->setRange(-10, 10);
    spin->setAccessibleName(name);
    spin->setKeyboardTracking(false);
    return spin;
}

QSlider* makeSlider(QWidget* parent, const QString& name, double minValue, double maxValue)
{
    auto* slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(static_cast<int>(minValue * kSliderScale), static_cast<int>(maxValue * kSliderScale));
    slider->setSingleStep(1);
    slider->setPageStep(10);
    slider->setAccessibleName(name);
    slider->setMinimumWidth(120);
    return slider;
}

} // namespace

TunePage::TunePage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    m_undo = new QUndoStack(this);
    m_evaluation = new TuneEvaluationController(jobs, this);

    // Left: what to merge.
    auto* controls = new QWidget(this);
    auto* left = new QVBoxLayout(controls);
    m_parameters = new TuneParameterEditor(controls);
    left->addWidget(m_parameters);

    m_coefficientBox = new QGroupBox(tr("Task coefficients"), controls);
    auto* coefficientLayout = new QVBoxLayout(m_coefficientBox);
    auto* lambdaRow = new QHBoxLayout;
    m_lambdaSlider = makeSlider(m_coefficientBox, tr("Global λ slider"), 0.0, 2.0);
    m_lambdaSpin = makeSpin(m_coefficientBox, tr("Global λ"));
    m_lambdaSpin->setToolTip(tr("λ scales the merged task vector (θ = θ0 + λ Σ wi τi)"));
    auto* lambdaLabel = new QLabel(tr("<b>global λ</b>"), m_coefficientBox);
    lambdaLabel->setMinimumWidth(90);
    lambdaRow->addWidget(lambdaLabel);
    lambdaRow->addWidget(m_lambdaSlider, 1);
    lambdaRow->addWidget(m_lambdaSpin);
    coefficientLayout->addLayout(lambdaRow);
    m_coefficientRows = new QWidget(m_coefficientBox);
    new QGridLayout(m_coefficientRows);
    m_coefficientRows->layout()->setContentsMargins(0, 0, 0, 0);
    coefficientLayout->addWidget(m_coefficientRows);
    left->addWidget(m_coefficientBox);

    m_perModelBox = new QGroupBox(tr("Per-task parameters"), controls);
    auto* perModelLayout = new QVBoxLayout(m_perModelBox);
    m_perTaskModel = new TunePerTaskModel(this);
    m_perModelTable = new QTableView(m_perModelBox);
    m_perModelTable->setModel(m_perTaskModel);
    m_perModelTable->setAccessibleName(tr("Per-task parameters"));
    m_perModelTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_perModelTable->setMinimumHeight(120);
    perModelLayout->addWidget(m_perModelTable);
    left->addWidget(m_perModelBox);

    auto* overrideBox = new QGroupBox(tr("Per-layer / per-pattern overrides"), controls);
    auto* overrideLayout = new QVBoxLayout(overrideBox);
    // An override row is checked against the current state with only that override.
    m_overrideModel = new TuneOverrideModel(
        [this](const TuneOverride& o) {
            TuneState probe = m_state;
            probe.overrides = {o};
            return stateProblem(probe);
        },
        this);
    m_overrideTable = new QTableView(overrideBox);
    m_overrideTable->setModel(m_overrideModel);
    m_overrideTable->setAccessibleName(tr("Overrides"));
    m_overrideTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_overrideTable->setToolTip(tr("Tensors whose name contains the filter (or matches re:<regex>) use this "
                                   "value; the first matching row wins"));
    m_overrideTable->setMinimumHeight(100);
    auto* overrideButtons = new QHBoxLayout;
    auto* addOverride = new QPushButton(tr("Add"), overrideBox);
    addOverride->setAccessibleName(tr("Add override"));
    auto* removeOverride = new QPushButton(tr("Remove"), overrideBox);
    removeOverride->setAccessibleName(tr("Remove override"));
    overrideButtons->addWidget(addOverride);
    overrideButtons->addWidget(removeOverride);
    overrideButtons->addStretch(1);
    overrideLayout->addWidget(m_overrideTable);
    overrideLayout->addLayout(overrideButtons);
    left->addWidget(overrideBox);
    left->addStretch(1);

    auto* buttons = new QHBoxLayout;
    QAction* undo = m_undo->createUndoAction(this, tr("Undo"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction* redo = m_undo->createRedoAction(this, tr("Redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    auto* exportAction = new QAction(tr("Export…"), this);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    addAction(redo);
    addAction(exportAction);
    auto* undoButton = new QPushButton(tr("Undo"), controls);
    undoButton->setAccessibleName(tr("Undo"));
    undoButton->setToolTip(tr("Undo the last change (Ctrl+Z)"));
    auto* redoButton = new QPushButton(tr("Redo"), controls);
    redoButton->setAccessibleName(tr("Redo"));
    redoButton->setToolTip(tr("Redo (Ctrl+Shift+Z)"));
    m_export = new QPushButton(tr("Export…"), controls);
    m_export->setAccessibleName(tr("Export the merge"));
    m_export->setToolTip(tr("Write this merge as a checkpoint (Ctrl+E)"));
    buttons->addWidget(undoButton);
    buttons->addWidget(redoButton);
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    left->addLayout(buttons);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(400);
    scroll->setFrameShape(QFrame::NoFrame);

    // Right: what it does.
    auto* results = new QWidget(this);
    auto* right = new QVBoxLayout(results);
    right->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel(tr("Open a model set to use this page."), results);
    m_status->setWordWrap(true);
    m_latency = new QLabel(results);
    m_latency->setAccessibleName(tr("Evaluation latency"));
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_latency);
    right->addLayout(statusRow);
    auto* vertical = new QSplitter(Qt::Vertical, results);
    auto* charts = new QWidget(vertical);
    auto* chartsLayout = new QHBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    m_bars = new widgets::BarChartView(charts);
    m_bars->setBars(tr("Accuracy per task"), tr("accuracy (%)"), {}, {});
    m_bars->setMinimumHeight(260);                    // room for the rotated "accuracy (%)" axis title
    m_choiceBars = new widgets::BarChartView(charts); // language-model projects with choice tasks
    m_choiceBars->hide();
    m_legendFont = m_bars->chart()->legend()->font();
    chartsLayout->addWidget(m_bars, 3);
    chartsLayout->addWidget(m_choiceBars, 2);
    auto* lower = new QSplitter(Qt::Horizontal, vertical);
    m_lowerStack = new QStackedWidget(lower);
    m_sweeps = new TuneSweepPanel(
        m_jobs, [this] { return m_state; }, m_lowerStack);
    m_generate = new TuneGeneratePanel(
        m_jobs,
        [this] {
            TuneGeneratePanel::Merge merge;
            merge.label = tr("merged (%1)").arg(qs(m_state.method));
            if (const std::optional<Recipe> recipe = currentRecipe())
                merge.recipe = recipe;
            else
                merge.problem = hasInvalid() ? tr("a parameter holds an invalid value") : stateProblem(m_state);
            return merge;
        },
        m_lowerStack);
    m_lowerStack->addWidget(m_sweeps);
    m_lowerStack->addWidget(m_generate);
    auto* historyBox = new QGroupBox(tr("History"), lower);
    auto* historyLayout = new QVBoxLayout(historyBox);
    m_history = new QUndoView(m_undo, historyBox);
    m_history->setEmptyLabel(tr("<opened>"));
    m_history->setAccessibleName(tr("Undo history"));
    historyLayout->addWidget(m_history);
    lower->addWidget(m_lowerStack);
    lower->addWidget(historyBox);
    lower->setStretchFactor(0, 4);
    lower->setStretchFactor(1, 1);
    vertical->addWidget(charts);
    vertical->addWidget(lower);
    vertical->setStretchFactor(0, 1);
    vertical->setStretchFactor(1, 1);
    right->addWidget(vertical, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(scroll);
    splitter->addWidget(results);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(undoButton, &QPushButton::clicked, m_undo, &QUndoStack::undo);
    connect(redoButton, &QPushButton::clicked, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::canUndoChanged, undoButton, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redoButton, &QPushButton::setEnabled);
    undoButton->setEnabled(false);
    redoButton->setEnabled(false);
    connect(m_export, &QPushButton::clicked, this, &TunePage::exportRequested);
    connect(exportAction, &QAction::triggered, this, [this] {
        if (m_export->isEnabled())
            Q_EMIT exportRequested();
    });
    connect(m_parameters, &TuneParameterEditor::methodChosen, this, [this](const QString& name) { setMethod(name); });
    connect(m_parameters, &TuneParameterEditor::valueEdited, this, &TunePage::onGlobalEdited);
    connect(m_parameters, &TuneParameterEditor::marked, this, &TunePage::onMarked);
    connect(m_lambdaSpin, &QDoubleSpinBox::valueChanged, this, [this](double v) { onLambda(v, false); });
    connect(m_lambdaSlider, &QSlider::valueChanged, this, [this](int v) { onLambda(v / kSliderScale, true); });
    connect(m_lambdaSlider, &QSlider::sliderPressed, this, [this] { ++m_dragSession; });
    connect(m_perTaskModel, &TunePerTaskModel::valueEdited, this, &TunePage::onPerTaskValue);
    connect(m_perTaskModel, &TunePerTaskModel::marked, this, &TunePage::onMarked);
    connect(m_overrideModel, &TuneOverrideModel::overridesEdited, this,
            [this](const std::vector<TuneOverride>& overrides) {
                TuneState next = m_state;
                next.overrides = overrides;
                commit(next, tr("Edit overrides"));
            });
    connect(m_overrideModel, &TuneOverrideModel::marked, this, &TunePage::onMarked);
    connect(addOverride, &QPushButton::clicked, this, [this] {
        if (m_state.global.empty())
            return; // the method has no global parameter to override
        TuneState next = m_state;
        const auto lambda = m_state.global.find("lambda");
        const auto& [param, value] = lambda != m_state.global.end() ? *lambda : *m_state.global.begin();
        next.overrides.push_back({"layers.0.", param, value});
        commit(next, tr("Add override"));
    });
    connect(removeOverride, &QPushButton::clicked, this, [this] {
        const int current = m_overrideTable->currentIndex().row();
        const int row = current >= 0 ? current : m_overrideModel->rowCount() - 1;
        if (row < 0 || row >= static_cast<int>(m_state.overrides.size()))
            return;
        TuneState next = m_state;
        next.overrides.erase(next.overrides.begin() + row);
        commit(next, tr("Remove override"));
    });
    connect(m_sweeps, &TuneSweepPanel::applyRequested, this,
            [this](const TuneState& s) { applyState(s, tr("Apply sweep point")); });
    connect(m_sweeps, &TuneSweepPanel::runningChanged, this, [this] { checkSettled(); });
    connect(m_evaluation, &TuneEvaluationController::setupEnded, this, &TunePage::onSetupEnded);
    connect(m_evaluation, &TuneEvaluationController::quickStarted, this, [this](const TuneState& state) {
        showStatus(tr("Evaluating %1 on %2 validation samples per task…")
                       .arg(qs(state.method))
                       .arg(m_evaluation->setup().quickSamples));
    });
    connect(m_evaluation, &TuneEvaluationController::evaluated, this, &TunePage::onEvaluated);
    connect(m_evaluation, &TuneEvaluationController::evaluationFailed, this, [this](bool full, const QString& message) {
        showStatus((full ? tr("Full validation failed: %1") : tr("Evaluation failed: %1")).arg(message), true);
    });
    connect(m_evaluation, &TuneEvaluationController::activityChanged, this, &TunePage::checkSettled);
    setEnabled(true);
    m_export->setEnabled(false);
}

QSlider* TunePage::coefficientSlider(int task) const
{
    return task >= 0 && task < static_cast<int>(m_rows.size()) ? m_rows[static_cast<std::size_t>(task)].slider
                                                               : nullptr;
}

QDoubleSpinBox* TunePage::coefficientSpinBox(int task) const
{
    return task >= 0 && task < static_cast<int>(m_rows.size()) ? m_rows[static_cast<std::size_t>(task)].spin : nullptr;
}

QColor TunePage::taskColor(const std::string& task, int index) const
{
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};
    for (const ModelEntry& m : m_project.set.models)
        if ((m.task == task || m.name == task) && QColor::isValidColorName(qs(m.color)))
            return QColor(qs(m.color));
    return palette[std::max(0, index) % 8];
}

void TunePage::setProject(const ProjectSummary& project)
{
    m_evaluation->reset();
    m_project = project;
    m_sweeps->setSetup({}, {}, {});
    m_undo->clear();
    const int models = static_cast<int>(project.set.models.size());

    m_parameters->setMethods(liveMethods(models));
    const QStringList methods = m_parameters->methods();
    const std::string start =
        methods.contains(QStringLiteral("task_arithmetic")) ? "task_arithmetic" : methods.value(0).toStdString();
    TuneState initial = stateForMethod(start, models);
    // Task arithmetic's usual starting point (PAPERS.md): every task at 1, λ = 0.3.
    if (initial.method == "task_arithmetic")
        initial.global["lambda"] = 0.3;
    // A language-model project: tasks with held-out text or choices and no image architecture.
    m_lm = hasLmTasks(project.set) && project.set.architecture.type.empty();
    m_generate->setSetup({}, {}, {});
    m_lowerStack->setCurrentWidget(m_lm ? static_cast<QWidget*>(m_generate) : m_sweeps);
    m_choiceBars->hide();
    m_bars->setLogScale(m_lm);                        // perplexities of one set can differ fifty-fold across tasks
    m_bars->chart()->legend()->setFont(m_legendFont); // the LM charts' smaller font, undone
    if (m_lm)
        m_bars->setBars(tr("Perplexity per task (lower is better)"), tr("perplexity (log scale)"), {}, {});
    else
        m_bars->setBars(tr("Accuracy per task"), tr("accuracy (%)"), {}, {});
    buildCoefficientRows();
    m_state = {};
    m_editorsMethod.clear();
    setState(initial);

    if (models == 0 || (!m_lm && (project.set.architecture.type.empty() || project.set.tasks.empty()))) {
        showStatus(tr("Live evaluation needs a project with fine-tuned models, an architecture and evaluation "
                      "data per task; the merge can still be exported."));
        checkSettled();
        return;
    }
    showStatus(m_lm ? tr("Loading %1 language models and scoring them on the validation split…").arg(models + 1)
                    : tr("Loading %1 checkpoints and the validation data…").arg(models + 1));
    m_evaluation->load(project.set);
    checkSettled();
}

std::optional<Recipe> TunePage::currentRecipe() const
{
    if (m_project.path.isEmpty() || hasInvalid() || !stateProblem(m_state).isEmpty())
        return std::nullopt;
    return recipeFor(m_state, m_project.set);
}

bool TunePage::busy() const
{
    return m_evaluation->busy() || m_sweeps->running();
}

void TunePage::checkSettled()
{
    const bool now = busy();
    if (m_wasBusy && !now)
        Q_EMIT settled();
    m_wasBusy = now;
}

void TunePage::buildCoefficientRows()
{
    auto* grid = static_cast<QGridLayout*>(m_coefficientRows->layout());
    for (CoefficientRow& row : m_rows) {
        delete row.label;
        delete row.slider;
        delete row.spin;
    }
    m_rows.clear();
    const auto& models = m_project.set.models;
    for (int i = 0; i < static_cast<int>(models.size()); ++i) {
        const ModelEntry& m = models[static_cast<std::size_t>(i)];
        CoefficientRow row;
        const QString name = qs(m.name);
        row.label = new QLabel(QStringLiteral("<span style=\"color:%1\">■</span> %2")
                                   .arg(taskColor(m.task.empty() ? m.name : m.task, i).name(), name.toHtmlEscaped()),
                               m_coefficientRows);
        row.label->setMinimumWidth(90);
        row.slider = makeSlider(m_coefficientRows, tr("Weight of %1 slider").arg(name), -1.0, 2.0);
        row.spin = makeSpin(m_coefficientRows, tr("Weight of %1").arg(name));
        row.spin->setToolTip(tr("Coefficient wi of %1's task vector").arg(name));
        grid->addWidget(row.label, i, 0);
        grid->addWidget(row.slider, i, 1);
        grid->addWidget(row.spin, i, 2);
        connect(row.slider, &QSlider::valueChanged, this,
                [this, i](int v) { onCoefficient(i, v / kSliderScale, true); });
        connect(row.slider, &QSlider::sliderPressed, this, [this] { ++m_dragSession; });
        connect(row.spin, &QDoubleSpinBox::valueChanged, this, [this, i](double v) { onCoefficient(i, v, false); });
        m_rows.push_back(row);
    }
    grid->setColumnStretch(1, 1);
}

void TunePage::rebuildEditors()
{
    m_editorsMethod = m_state.method;
    const MergeMethod* method = findMethod(m_state.method);
    if (!method)
        return;
    // The coefficient sliders stand for "weight" and "lambda"; the other parameters are the
    // parameter editor's (global) and the per-task table's.
    bool hasWeight = false, hasLambda = false;
    for (const ParamDef& def : method->params()) {
        hasWeight = hasWeight || (def.perModel && def.name == "weight");
        hasLambda = hasLambda || (!def.perModel && def.name == "lambda");
    }
    m_lambdaSlider->setEnabled(hasLambda);
    m_lambdaSpin->setEnabled(hasLambda);
    for (CoefficientRow& row : m_rows) {
        row.slider->setEnabled(hasWeight);
        row.spin->setEnabled(hasWeight);
    }
    m_coefficientBox->setToolTip(hasWeight ? QString() : tr("%1 has no per-task weight").arg(qs(m_state.method)));

    QStringList rows;
    for (const ModelEntry& m : m_project.set.models)
        rows << qs(m.name);
    m_perTaskModel->setMethod(method, rows);
    m_perModelBox->setVisible(m_perTaskModel->columnCount() > 0);
}

void TunePage::syncEditors()
{
    m_parameters->showState(m_state);
    if (m_state.method != m_editorsMethod)
        rebuildEditors();
    if (auto lambda = m_state.global.find("lambda"); lambda != m_state.global.end())
        setSpin(m_lambdaSpin, m_lambdaSlider, lambda->second);
    for (std::size_t i = 0; i < m_rows.size() && i < m_state.perModel.size(); ++i)
        if (auto w = m_state.perModel[i].find("weight"); w != m_state.perModel[i].end())
            setSpin(m_rows[i].spin, m_rows[i].slider, w->second);
    // The tables show the state again, marks cleared (this may run inside one of their setData()).
    m_perTaskModel->setValues(m_state.perModel);
    m_overrideModel->setOverrides(m_state.overrides);
    m_export->setEnabled(!m_project.path.isEmpty() && stateProblem(m_state).isEmpty());
}

void TunePage::commit(const TuneState& next, const QString& text, int mergeId, int session)
{
    if (next == m_state) {
        syncEditors(); // e.g. an invalid edit was corrected back to the current value: nothing to evaluate
        return;
    }
    m_undo->push(new TuneCommand(
        text, m_state, next, [this](const TuneState& s) { setState(s); }, mergeId, session));
}

void TunePage::applyState(const TuneState& state, const QString& text)
{
    commit(state, text);
}

bool TunePage::setMethod(const QString& name)
{
    if (!m_parameters->methods().contains(name))
        return false;
    if (name.toStdString() != m_state.method)
        commit(stateForMethod(name.toStdString(), static_cast<int>(m_project.set.models.size()), &m_state),
               tr("Method %1").arg(name));
    return true;
}

void TunePage::setState(const TuneState& state)
{
    const bool methodChanged = state.method != m_state.method;
    m_state = state;
    syncEditors();
    if (methodChanged)
        m_sweeps->refreshParameters();
    m_generate->mergeChanged();
    requestEvaluation();
}

void TunePage::onCoefficient(int task, double value, bool fromSlider)
{
    if (task < 0 || task >= static_cast<int>(m_state.perModel.size()))
        return;
    CoefficientRow& row = m_rows[static_cast<std::size_t>(task)];
    setSpin(row.spin, row.slider, value);
    TuneState next = m_state;
    next.perModel[static_cast<std::size_t>(task)]["weight"] = value;
    const bool dragging = fromSlider && row.slider->isSliderDown();
    commit(
        next,
        tr("%1 weight = %2").arg(qs(m_project.set.models[static_cast<std::size_t>(task)].name)).arg(value, 0, 'f', 2),
        kCoefficientMergeId + task, dragging ? m_dragSession : -1);
}

void TunePage::onLambda(double value, bool fromSlider)
{
    if (!m_state.global.count("lambda"))
        return;
    setSpin(m_lambdaSpin, m_lambdaSlider, value);
    TuneState next = m_state;
    next.global["lambda"] = value;
    const bool dragging = fromSlider && m_lambdaSlider->isSliderDown();
    commit(next, tr("λ = %1").arg(value, 0, 'f', 2), kLambdaMergeId, dragging ? m_dragSession : -1);
}

bool TunePage::hasInvalid() const
{
    return m_parameters->hasInvalid() || m_perTaskModel->hasInvalid() || m_overrideModel->hasInvalid();
}

void TunePage::onMarked(const QString& problem)
{
    if (!problem.isEmpty())
        showStatus(tr("Not evaluated: %1").arg(problem), true);
    m_export->setEnabled(!hasInvalid() && !m_project.path.isEmpty() && stateProblem(m_state).isEmpty());
}

void TunePage::onGlobalEdited(const std::string& name, double value, int mergeId, int session)
{
    const MergeMethod* method = findMethod(m_state.method);
    const auto def = method ? findParam(*method, name) : std::nullopt;
    if (!def)
        return;
    TuneState next = m_state;
    next.global[name] = value;
    commit(next, tr("%1 = %2").arg(qs(name), formatParam(*def, value)), mergeId, session);
}

void TunePage::onPerTaskValue(int row, const std::string& param, double value)
{
    const MergeMethod* method = findMethod(m_state.method);
    const auto def = method ? findParam(*method, param) : std::nullopt;
    if (!def || row < 0 || row >= static_cast<int>(m_state.perModel.size()))
        return;
    TuneState next = m_state;
    next.perModel[static_cast<std::size_t>(row)][param] = value;
    commit(next,
           tr("%1 of %2 = %3")
               .arg(qs(param), qs(m_project.set.models[static_cast<std::size_t>(row)].name), formatParam(*def, value)));
}

void TunePage::requestEvaluation()
{
    // An editor holding an invalid value already says so; nothing is sent then.
    const bool invalid = hasInvalid();
    const QString problem = invalid ? QString() : stateProblem(m_state);
    if (!problem.isEmpty())
        showStatus(tr("Not evaluated: %1").arg(problem), true);
    m_evaluation->request(m_state, !invalid && problem.isEmpty());
}

void TunePage::onSetupEnded(Status status, const QString& message)
{
    const TuneSetup& setup = m_evaluation->setup();
    if (status != Status::Ok || !setup.valid()) {
        showStatus(status == Status::Cancelled ? tr("Loading cancelled.") : tr("Cannot tune: %1").arg(message), true);
        return;
    }
    QStringList names;
    QList<QColor> modelColors;
    for (std::size_t i = 0; i < m_project.set.models.size(); ++i) {
        const ModelEntry& m = m_project.set.models[i];
        names << qs(m.name);
        modelColors << taskColor(m.task.empty() ? m.name : m.task, static_cast<int>(i));
    }
    if (setup.lm) {
        // The sweeps score images; a language-model project completes prompts there instead.
        drawLmReferences();
        m_generate->setSetup(setup, names, modelColors);
        requestEvaluation(); // inside the setup job's callback, so the runner never goes idle in between
        return;
    }
    drawReferences();
    QHash<QString, QColor> colors;
    for (std::size_t t = 0; t < setup.pretrained.tasks.size(); ++t)
        colors.insert(qs(setup.pretrained.tasks[t].name),
                      taskColor(setup.pretrained.tasks[t].name, static_cast<int>(t)));
    m_sweeps->setSetup(setup, names, colors);
    requestEvaluation(); // inside the setup job's callback, so the runner never goes idle in between
}

void TunePage::onEvaluated(const TuneOutcome& outcome)
{
    if (m_evaluation->setup().lm) {
        drawLmMerged(outcome);
        m_latency->setText(
            tr("last evaluation: %1 ms (merge + every task)")
                .arg(m_evaluation->latencies().isEmpty() ? 0.0 : m_evaluation->latencies().back(), 0, 'f', 0));
        Q_EMIT evaluated(true);
        return;
    }
    drawMerged(outcome);
    const QList<double>& latencies = m_evaluation->latencies();
    if (outcome.full)
        m_latency->setText(tr("last evaluation: %1 ms quick · %2 ms full validation")
                               .arg(latencies.isEmpty() ? 0.0 : latencies.back(), 0, 'f', 0)
                               .arg(outcome.seconds * 1000.0, 0, 'f', 0));
    else
        m_latency->setText(tr("last evaluation: %1 ms (merge + %2 samples/task)")
                               .arg(latencies.back(), 0, 'f', 0)
                               .arg(m_evaluation->setup().quickSamples));
    Q_EMIT evaluated(outcome.full);
}

void TunePage::drawReferences()
{
    QStringList categories;
    QList<double> pretrained, finetuned;
    double finetunedSum = 0;
    for (const TaskAccuracy& task : m_evaluation->setup().pretrained.tasks) {
        categories << qs(task.name);
        pretrained << 100.0 * task.accuracy;
        // The fine-tune of this task, on its own task.
        double own = std::nan("");
        for (std::size_t i = 0; i < m_project.set.models.size() && i < m_evaluation->setup().finetuned.size(); ++i) {
            const ModelEntry& m = m_project.set.models[i];
            if (m.task == task.name || (m.task.empty() && m.name == task.name))
                for (const TaskAccuracy& a : m_evaluation->setup().finetuned[i].tasks)
                    if (a.name == task.name)
                        own = 100.0 * a.accuracy;
        }
        finetuned << own;
        finetunedSum += std::isfinite(own) ? own : 0.0;
    }
    categories << tr("average");
    pretrained << 100.0 * m_evaluation->setup().pretrained.average();
    finetuned << (categories.size() > 1 ? finetunedSum / (categories.size() - 1) : std::nan(""));
    m_bars->setBars(tr("Accuracy per task (validation)"), tr("accuracy (%)"), categories,
                    {{tr("pretrained"), tunePretrainedColor(), pretrained},
                     {tr("fine-tuned (own task)"), tuneFineTunedColor(), finetuned},
                     {tr("merged"), tuneMergedColor(), {}}});
}

void TunePage::drawMerged(const TuneOutcome& outcome)
{
    QList<double> merged;
    for (int c = 0; c + 1 < m_bars->categoryCount(); ++c) {
        double v = std::nan("");
        for (const TaskAccuracy& a : outcome.result.tasks)
            if (qs(a.name) == m_bars->categories().at(c))
                v = 100.0 * a.accuracy;
        merged << v;
    }
    merged << 100.0 * outcome.result.average();
    const QString label = outcome.full ? tr("merged (full validation)")
                                       : tr("merged (%1 samples/task)").arg(m_evaluation->setup().quickSamples);
    m_bars->setValues(2, merged, label);
    m_bars->setTitle(
        tr("Accuracy per task: %1 merged, average %2%").arg(qs(m_state.method)).arg(merged.back(), 0, 'f', 1));
    showStatus(outcome.full ? tr("Full validation split: %1 ms.").arg(outcome.seconds * 1000.0, 0, 'f', 0)
                            : tr("Quick result; refining on the full validation split…"));
}

void TunePage::showStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

} // namespace mergelab::gui
