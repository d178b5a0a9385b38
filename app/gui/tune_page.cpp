#include "tune_page.h"

#include "gui_job_runner.h"
#include "tune_command.h"
#include "tune_sweep_panel.h"

#include "bar_chart_view.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
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
constexpr int kGlobalMergeId = 1000;     // + editor order
const QString kSetupChannel = QStringLiteral("tune-setup");
const QString kEvaluateChannel = QStringLiteral("tune"); // quick and full evaluations supersede each other
const QColor kInvalid(0xff, 0xd6, 0xd6);
const QColor kPretrainedColor(0x9e, 0x9e, 0x9e);
const QColor kFineTunedColor(0x74, 0xa9, 0xcf);
const QColor kMergedColor(0xe6, 0x61, 0x01);

QString qs(const std::string& s) { return QString::fromStdString(s); }

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
    static const int registered = [] {
        qRegisterMetaType<TuneSetup>();
        qRegisterMetaType<TuneOutcome>();
        return 0;
    }();
    (void)registered;
    m_undo = new QUndoStack(this);

    // Left: what to merge.
    auto* controls = new QWidget(this);
    auto* left = new QVBoxLayout(controls);
    auto* methodBox = new QGroupBox(tr("Method"), controls);
    auto* methodLayout = new QVBoxLayout(methodBox);
    m_method = new QComboBox(methodBox);
    m_method->setAccessibleName(tr("Merge method"));
    m_methodHelp = new QLabel(methodBox);
    m_methodHelp->setWordWrap(true);
    m_paramForm = new QFormLayout;
    methodLayout->addWidget(m_method);
    methodLayout->addWidget(m_methodHelp);
    methodLayout->addLayout(m_paramForm);
    left->addWidget(methodBox);

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
    m_perModelTable = new QTableWidget(m_perModelBox);
    m_perModelTable->setAccessibleName(tr("Per-task parameters"));
    m_perModelTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_perModelTable->setMinimumHeight(120);
    perModelLayout->addWidget(m_perModelTable);
    left->addWidget(m_perModelBox);

    auto* overrideBox = new QGroupBox(tr("Per-layer / per-pattern overrides"), controls);
    auto* overrideLayout = new QVBoxLayout(overrideBox);
    m_overrideTable = new QTableWidget(0, 3, overrideBox);
    m_overrideTable->setAccessibleName(tr("Overrides"));
    m_overrideTable->setHorizontalHeaderLabels({tr("Tensor filter"), tr("Parameter"), tr("Value")});
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
    m_bars = new widgets::BarChartView(vertical);
    m_bars->setBars(tr("Accuracy per task"), tr("accuracy (%)"), {}, {});
    m_bars->setMinimumHeight(260); // room for the rotated "accuracy (%)" axis title
    auto* lower = new QSplitter(Qt::Horizontal, vertical);
    m_sweeps = new TuneSweepPanel(m_jobs, [this] { return m_state; }, lower);
    auto* historyBox = new QGroupBox(tr("History"), lower);
    auto* historyLayout = new QVBoxLayout(historyBox);
    m_history = new QUndoView(m_undo, historyBox);
    m_history->setEmptyLabel(tr("<opened>"));
    m_history->setAccessibleName(tr("Undo history"));
    historyLayout->addWidget(m_history);
    lower->addWidget(m_sweeps);
    lower->addWidget(historyBox);
    lower->setStretchFactor(0, 4);
    lower->setStretchFactor(1, 1);
    vertical->addWidget(m_bars);
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
    connect(m_method, &QComboBox::activated, this, [this](int index) { setMethod(m_method->itemData(index).toString()); });
    connect(m_lambdaSpin, &QDoubleSpinBox::valueChanged, this, [this](double v) { onLambda(v, false); });
    connect(m_lambdaSlider, &QSlider::valueChanged, this, [this](int v) { onLambda(v / kSliderScale, true); });
    connect(m_lambdaSlider, &QSlider::sliderPressed, this, [this] { ++m_dragSession; });
    connect(m_perModelTable, &QTableWidget::itemChanged, this, &TunePage::onPerModelItem);
    connect(m_overrideTable, &QTableWidget::itemChanged, this, &TunePage::onOverridesEdited);
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
        const int row = m_overrideTable->currentRow() >= 0 ? m_overrideTable->currentRow() : m_overrideTable->rowCount() - 1;
        if (row < 0 || row >= static_cast<int>(m_state.overrides.size()))
            return;
        TuneState next = m_state;
        next.overrides.erase(next.overrides.begin() + row);
        commit(next, tr("Remove override"));
    });
    connect(m_sweeps, &TuneSweepPanel::applyRequested, this,
            [this](const TuneState& s) { applyState(s, tr("Apply sweep point")); });
    connect(m_sweeps, &TuneSweepPanel::runningChanged, this, [this] { checkSettled(); });
    setEnabled(true);
    m_export->setEnabled(false);
}

QSlider* TunePage::coefficientSlider(int task) const
{
    return task >= 0 && task < static_cast<int>(m_rows.size()) ? m_rows[static_cast<std::size_t>(task)].slider : nullptr;
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
    m_jobs->cancel(m_jobs->currentJob(kSetupChannel));
    m_jobs->discard(kEvaluateChannel); // an evaluation of the previous project is of no use
    m_project = project;
    m_setup = {};
    m_sweeps->setSetup({}, {}, {});
    m_undo->clear();
    m_latencies.clear();
    m_drawnGeneration = 0;
    const int models = static_cast<int>(project.set.models.size());

    const QSignalBlocker block(m_method);
    m_method->clear();
    for (const MergeMethod* method : liveMethods(models)) {
        m_method->addItem(qs(method->name()), qs(method->name()));
        m_method->setItemData(m_method->count() - 1, qs(method->description()), Qt::ToolTipRole);
    }
    const std::string start = m_method->findData(QStringLiteral("task_arithmetic")) >= 0
                                  ? "task_arithmetic"
                                  : m_method->itemData(0).toString().toStdString();
    TuneState initial = stateForMethod(start, models);
    // Task arithmetic's usual starting point (PAPERS.md): every task at 1, λ = 0.3.
    if (initial.method == "task_arithmetic")
        initial.global["lambda"] = 0.3;
    buildCoefficientRows();
    m_state = {};
    m_editorsMethod.clear();
    setState(initial);

    if (models == 0 || project.set.architecture.type.empty() || project.set.tasks.empty()) {
        showStatus(tr("Live evaluation needs a project with fine-tuned models, an architecture and evaluation "
                      "data per task; the merge can still be exported."));
        checkSettled();
        return;
    }
    showStatus(tr("Loading %1 checkpoints and the validation data…").arg(models + 1));
    m_jobs->start<TuneSetup>(tr("Tune: load %1").arg(qs(project.set.name)), kSetupChannel, tuneSetupWork(project.set),
                             this, [this](const JobOutcome<TuneSetup>& outcome) { onSetupEnded(outcome); });
    checkSettled();
}

std::optional<Recipe> TunePage::currentRecipe() const
{
    if (m_project.path.isEmpty() || !m_invalid.isEmpty() || !stateProblem(m_state).isEmpty())
        return std::nullopt;
    return recipeFor(m_state, m_project.set);
}

bool TunePage::busy() const
{
    return m_jobs->currentJob(kSetupChannel) || m_jobs->currentJob(kEvaluateChannel) || m_sweeps->running();
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
        connect(row.slider, &QSlider::valueChanged, this, [this, i](int v) { onCoefficient(i, v / kSliderScale, true); });
        connect(row.slider, &QSlider::sliderPressed, this, [this] { ++m_dragSession; });
        connect(row.spin, &QDoubleSpinBox::valueChanged, this, [this, i](double v) { onCoefficient(i, v, false); });
        m_rows.push_back(row);
    }
    grid->setColumnStretch(1, 1);
}

void TunePage::rebuildEditors()
{
    m_editorsMethod = m_state.method;
    while (m_paramForm->rowCount() > 0)
        m_paramForm->removeRow(0);
    m_globalEditors.clear();
    m_invalid.clear();
    const MergeMethod* method = findMethod(m_state.method);
    m_methodHelp->setText(method ? qs(method->description()) : QString());
    if (!method)
        return;
    int order = 0;
    QStringList perModelColumns;
    bool hasWeight = false, hasLambda = false;
    for (const ParamDef& def : method->params()) {
        const QString name = qs(def.name);
        if (def.perModel) {
            if (def.name == "weight")
                hasWeight = true;
            else
                perModelColumns << name;
            continue;
        }
        if (def.name == "lambda") {
            hasLambda = true;
            continue;
        }
        QWidget* editor = nullptr;
        if (def.boolean) {
            auto* box = new QCheckBox(this);
            connect(box, &QCheckBox::toggled, this, [this, name] { onGlobalEdited(name); });
            editor = box;
        } else {
            auto* edit = new QLineEdit(this);
            connect(edit, &QLineEdit::textEdited, this, [this, name] { onGlobalEdited(name); });
            connect(edit, &QLineEdit::editingFinished, this, [this] { ++m_editSession; });
            editor = edit;
        }
        editor->setAccessibleName(name);
        editor->setToolTip(qs(def.help));
        editor->setProperty("mergeId", kGlobalMergeId + order++);
        m_paramForm->addRow(name, editor);
        m_globalEditors.insert(name, editor);
    }
    m_lambdaSlider->setEnabled(hasLambda);
    m_lambdaSpin->setEnabled(hasLambda);
    for (CoefficientRow& row : m_rows) {
        row.slider->setEnabled(hasWeight);
        row.spin->setEnabled(hasWeight);
    }
    m_coefficientBox->setToolTip(hasWeight ? QString() : tr("%1 has no per-task weight").arg(qs(m_state.method)));

    const QSignalBlocker block(m_perModelTable);
    m_perModelTable->clear();
    m_perModelTable->setColumnCount(static_cast<int>(perModelColumns.size()));
    m_perModelTable->setHorizontalHeaderLabels(perModelColumns);
    QStringList rows;
    for (const ModelEntry& m : m_project.set.models)
        rows << qs(m.name);
    m_perModelTable->setRowCount(static_cast<int>(rows.size()));
    m_perModelTable->setVerticalHeaderLabels(rows);
    m_perModelBox->setVisible(!perModelColumns.isEmpty());
}

void TunePage::syncEditors()
{
    if (m_state.method != m_editorsMethod)
        rebuildEditors();
    m_invalid.clear();
    {
        const QSignalBlocker block(m_method);
        m_method->setCurrentIndex(m_method->findData(qs(m_state.method)));
    }
    const MergeMethod* method = findMethod(m_state.method);
    for (auto it = m_globalEditors.begin(); it != m_globalEditors.end(); ++it) {
        const auto value = m_state.global.find(it.key().toStdString());
        const auto def = method ? findParam(*method, it.key().toStdString()) : std::nullopt;
        if (value == m_state.global.end() || !def)
            continue;
        const QSignalBlocker block(it.value());
        if (auto* box = qobject_cast<QCheckBox*>(it.value()))
            box->setChecked(value->second != 0);
        else if (auto* edit = qobject_cast<QLineEdit*>(it.value()); edit && !edit->hasFocus())
            edit->setText(formatParam(*def, value->second));
        it.value()->setStyleSheet({});
        it.value()->setToolTip(qs(def->help));
    }
    if (auto lambda = m_state.global.find("lambda"); lambda != m_state.global.end())
        setSpin(m_lambdaSpin, m_lambdaSlider, lambda->second);
    for (std::size_t i = 0; i < m_rows.size() && i < m_state.perModel.size(); ++i)
        if (auto w = m_state.perModel[i].find("weight"); w != m_state.perModel[i].end())
            setSpin(m_rows[i].spin, m_rows[i].slider, w->second);
    {
        const QSignalBlocker block(m_perModelTable);
        for (int c = 0; c < m_perModelTable->columnCount(); ++c) {
            const std::string param = m_perModelTable->horizontalHeaderItem(c)->text().toStdString();
            const auto def = method ? findParam(*method, param) : std::nullopt;
            for (int r = 0; r < m_perModelTable->rowCount() && r < static_cast<int>(m_state.perModel.size()); ++r) {
                const auto& values = m_state.perModel[static_cast<std::size_t>(r)];
                // Items are updated in place: this may run inside that item's own itemChanged.
                QTableWidgetItem* item = m_perModelTable->item(r, c);
                if (!item)
                    m_perModelTable->setItem(r, c, item = new QTableWidgetItem);
                item->setText(def && values.count(param) ? formatParam(*def, values.at(param)) : QString());
                item->setToolTip(def ? qs(def->help) : QString());
                item->setBackground(QBrush());
            }
        }
    }
    {
        const QSignalBlocker block(m_overrideTable);
        m_overrideTable->setRowCount(static_cast<int>(m_state.overrides.size()));
        for (int r = 0; r < static_cast<int>(m_state.overrides.size()); ++r) {
            const TuneOverride& o = m_state.overrides[static_cast<std::size_t>(r)];
            const QString texts[] = {qs(o.filter), qs(o.param), QString::number(o.value, 'g', 6)};
            for (int c = 0; c < 3; ++c) {
                QTableWidgetItem* item = m_overrideTable->item(r, c);
                if (!item)
                    m_overrideTable->setItem(r, c, item = new QTableWidgetItem);
                item->setText(texts[c]);
                item->setToolTip({});
                item->setBackground(QBrush());
            }
        }
    }
    m_export->setEnabled(!m_project.path.isEmpty() && stateProblem(m_state).isEmpty());
}

void TunePage::commit(const TuneState& next, const QString& text, int mergeId, int session)
{
    if (next == m_state) {
        syncEditors(); // e.g. an invalid edit was corrected back to the current value: nothing to evaluate
        return;
    }
    m_undo->push(new TuneCommand(text, m_state, next, [this](const TuneState& s) { setState(s); }, mergeId, session));
}

void TunePage::applyState(const TuneState& state, const QString& text) { commit(state, text); }

bool TunePage::setMethod(const QString& name)
{
    if (m_method->findData(name) < 0)
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
    commit(next, tr("%1 weight = %2").arg(qs(m_project.set.models[static_cast<std::size_t>(task)].name)).arg(value, 0, 'f', 2),
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

void TunePage::markInvalid(const QString& key, QWidget* editor, QTableWidgetItem* item, const QString& problem)
{
    if (problem.isEmpty()) {
        m_invalid.remove(key);
    } else {
        m_invalid.insert(key);
        showStatus(tr("Not evaluated: %1").arg(problem), true);
    }
    if (editor) {
        editor->setStyleSheet(problem.isEmpty() ? QString() : QStringLiteral("background-color: %1;").arg(kInvalid.name()));
        if (!problem.isEmpty())
            editor->setToolTip(problem);
    }
    if (item) {
        item->setBackground(problem.isEmpty() ? QBrush() : QBrush(kInvalid));
        item->setToolTip(problem);
    }
    m_export->setEnabled(m_invalid.isEmpty() && !m_project.path.isEmpty() && stateProblem(m_state).isEmpty());
}

void TunePage::onGlobalEdited(const QString& name)
{
    QWidget* editor = m_globalEditors.value(name);
    const MergeMethod* method = findMethod(m_state.method);
    const auto def = method ? findParam(*method, name.toStdString()) : std::nullopt;
    if (!editor || !def)
        return;
    double value = 0;
    if (auto* box = qobject_cast<QCheckBox*>(editor)) {
        value = box->isChecked() ? 1 : 0;
    } else {
        QString problem;
        const auto parsed = parseParam(*def, static_cast<QLineEdit*>(editor)->text(), &problem);
        markInvalid(QStringLiteral("g:") + name, editor, nullptr, problem);
        if (!parsed)
            return; // marked, never sent
        value = *parsed;
        editor->setToolTip(qs(def->help));
    }
    TuneState next = m_state;
    next.global[def->name] = value;
    commit(next, tr("%1 = %2").arg(name, formatParam(*def, value)), editor->property("mergeId").toInt(), m_editSession);
}

void TunePage::onPerModelItem(QTableWidgetItem* item)
{
    const MergeMethod* method = findMethod(m_state.method);
    if (!item || !method || item->row() >= static_cast<int>(m_state.perModel.size()))
        return;
    const std::string param = m_perModelTable->horizontalHeaderItem(item->column())->text().toStdString();
    const auto def = findParam(*method, param);
    if (!def)
        return;
    QString problem;
    const auto parsed = parseParam(*def, item->text(), &problem);
    {
        const QSignalBlocker block(m_perModelTable);
        markInvalid(QStringLiteral("m:%1:%2").arg(item->row()).arg(item->column()), nullptr, item, problem);
        if (problem.isEmpty())
            item->setToolTip(qs(def->help));
    }
    if (!parsed)
        return;
    TuneState next = m_state;
    next.perModel[static_cast<std::size_t>(item->row())][param] = *parsed;
    commit(next, tr("%1 of %2 = %3").arg(qs(param), qs(m_project.set.models[static_cast<std::size_t>(item->row())].name),
                                         formatParam(*def, *parsed)));
}

void TunePage::onOverridesEdited()
{
    TuneState next = m_state;
    next.overrides.clear();
    bool allValid = true;
    const QSignalBlocker block(m_overrideTable);
    for (int r = 0; r < m_overrideTable->rowCount(); ++r) {
        auto text = [&](int c) { return m_overrideTable->item(r, c) ? m_overrideTable->item(r, c)->text() : QString(); };
        TuneOverride o{text(0).toStdString(), text(1).trimmed().toStdString(), 0};
        bool ok = false;
        o.value = text(2).toDouble(&ok);
        TuneState probe = m_state;
        probe.overrides = {o};
        QString problem = ok ? stateProblem(probe) : tr("override value \"%1\" is not a number").arg(text(2));
        for (int c = 0; c < 3; ++c)
            if (QTableWidgetItem* item = m_overrideTable->item(r, c))
                markInvalid(QStringLiteral("o:%1:%2").arg(r).arg(c), nullptr, item, c == 0 ? problem : QString());
        if (!problem.isEmpty()) {
            m_invalid.insert(QStringLiteral("o:%1:0").arg(r));
            allValid = false;
        }
        next.overrides.push_back(o);
    }
    if (allValid)
        commit(next, tr("Edit overrides"));
}

void TunePage::requestEvaluation()
{
    ++m_generation;
    m_changeClock.restart();
    if (!m_invalid.isEmpty())
        return; // an editor holds an invalid value: nothing is sent
    if (const QString problem = stateProblem(m_state); !problem.isEmpty()) {
        showStatus(tr("Not evaluated: %1").arg(problem), true);
        return;
    }
    if (m_setup.valid())
        startQuick();
}

void TunePage::startQuick()
{
    m_quickGeneration = m_generation;
    showStatus(tr("Evaluating %1 on %2 validation samples per task…").arg(qs(m_state.method)).arg(m_setup.quickSamples));
    // The "tune" channel: this job supersedes the previous evaluation (quick or full), whose result is dropped.
    m_jobs->start<TuneOutcome>(tr("Tune: evaluate %1").arg(qs(m_state.method)), kEvaluateChannel,
                               tuneEvaluateWork(m_setup, m_state, false), this,
                               [this](const JobOutcome<TuneOutcome>& outcome) { onQuickEnded(outcome); });
    checkSettled();
}

void TunePage::onSetupEnded(const JobOutcome<TuneSetup>& outcome)
{
    if (outcome.ok()) {
        m_setup = *outcome.result;
        drawReferences();
        QStringList names;
        QHash<QString, QColor> colors;
        for (std::size_t i = 0; i < m_project.set.models.size(); ++i)
            names << qs(m_project.set.models[i].name);
        for (std::size_t t = 0; t < m_setup.pretrained.tasks.size(); ++t)
            colors.insert(qs(m_setup.pretrained.tasks[t].name), taskColor(m_setup.pretrained.tasks[t].name, static_cast<int>(t)));
        m_sweeps->setSetup(m_setup, names, colors);
        requestEvaluation(); // started here, inside the callback, so the runner never goes idle in between
    } else {
        showStatus(outcome.status == Status::Cancelled ? tr("Loading cancelled.") : tr("Cannot tune: %1").arg(outcome.message),
                   true);
    }
    checkSettled();
}

void TunePage::onQuickEnded(const JobOutcome<TuneOutcome>& outcome)
{
    if (outcome.ok()) {
        drawMerged(*outcome.result);
        m_drawnGeneration = m_quickGeneration;
        ++m_quickDrawn;
        m_latencies << static_cast<double>(m_changeClock.nsecsElapsed()) / 1e6;
        m_latency->setText(tr("last evaluation: %1 ms (merge + %2 samples/task)")
                               .arg(m_latencies.back(), 0, 'f', 0)
                               .arg(m_setup.quickSamples));
        // Second, lower-priority step: the whole validation split, superseded by any change.
        m_jobs->start<TuneOutcome>(tr("Tune: full validation"), kEvaluateChannel, tuneEvaluateWork(m_setup, m_state, true),
                                   this, [this](const JobOutcome<TuneOutcome>& full) { onFullEnded(full); });
        Q_EMIT evaluated(false);
    } else if (outcome.status == Status::Failed) {
        showStatus(tr("Evaluation failed: %1").arg(outcome.message), true);
    }
    checkSettled();
}

void TunePage::onFullEnded(const JobOutcome<TuneOutcome>& outcome)
{
    if (outcome.ok()) {
        drawMerged(*outcome.result);
        ++m_fullDrawn;
        m_latency->setText(tr("last evaluation: %1 ms quick · %2 ms full validation")
                               .arg(m_latencies.isEmpty() ? 0.0 : m_latencies.back(), 0, 'f', 0)
                               .arg(outcome.result->seconds * 1000.0, 0, 'f', 0));
        Q_EMIT evaluated(true);
    } else if (outcome.status == Status::Failed) {
        showStatus(tr("Full validation failed: %1").arg(outcome.message), true);
    }
    checkSettled();
}

void TunePage::drawReferences()
{
    QStringList categories;
    QList<double> pretrained, finetuned;
    double finetunedSum = 0;
    for (const TaskAccuracy& task : m_setup.pretrained.tasks) {
        categories << qs(task.name);
        pretrained << 100.0 * task.accuracy;
        // The fine-tune of this task, on its own task.
        double own = std::nan("");
        for (std::size_t i = 0; i < m_project.set.models.size() && i < m_setup.finetuned.size(); ++i) {
            const ModelEntry& m = m_project.set.models[i];
            if (m.task == task.name || (m.task.empty() && m.name == task.name))
                for (const TaskAccuracy& a : m_setup.finetuned[i].tasks)
                    if (a.name == task.name)
                        own = 100.0 * a.accuracy;
        }
        finetuned << own;
        finetunedSum += std::isfinite(own) ? own : 0.0;
    }
    categories << tr("average");
    pretrained << 100.0 * m_setup.pretrained.average();
    finetuned << (categories.size() > 1 ? finetunedSum / (categories.size() - 1) : std::nan(""));
    m_bars->setBars(tr("Accuracy per task (validation)"), tr("accuracy (%)"), categories,
                    {{tr("pretrained"), kPretrainedColor, pretrained},
                     {tr("fine-tuned (own task)"), kFineTunedColor, finetuned},
                     {tr("merged"), kMergedColor, {}}});
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
                                       : tr("merged (%1 samples/task)").arg(m_setup.quickSamples);
    m_bars->setValues(2, merged, label);
    m_bars->setTitle(tr("Accuracy per task: %1 merged, average %2%")
                         .arg(qs(m_state.method))
                         .arg(merged.back(), 0, 'f', 1));
    showStatus(outcome.full ? tr("Full validation split: %1 ms.").arg(outcome.seconds * 1000.0, 0, 'f', 0)
                            : tr("Quick result; refining on the full validation split…"));
}

void TunePage::showStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

} // namespace mergelab::gui
