#include "tune_generate_panel.h"

#include "tune_colors.h"

#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace mergelab::gui {

namespace {

const QString kChannel = QStringLiteral("tune-generate");

// Rich text of a completion: line breaks shown as a grey ↵ so the rows stay compact and comparable.
QString html(const QString& text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<span style=\"color:#a0a0a0\">↵</span> "));
}

} // namespace

TuneGeneratePanel::TuneGeneratePanel(GuiJobRunner* jobs, MergeGetter currentMerge, QWidget* parent)
    : QGroupBox(tr("Generate"), parent), m_jobs(jobs), m_currentMerge(std::move(currentMerge))
{
    static const int registered = [] {
        qRegisterMetaType<GenerateOutcome>();
        return 0;
    }();
    (void)registered;

    m_prompt = new QLineEdit(this);
    m_prompt->setPlaceholderText(tr("Prompt to complete with every model"));
    m_prompt->setAccessibleName(tr("Prompt"));
    m_prompt->setClearButtonEnabled(true);
    m_maxNewTokens = new QSpinBox(this);
    m_maxNewTokens->setRange(1, 2048);
    m_maxNewTokens->setValue(32);
    m_maxNewTokens->setAccessibleName(tr("Maximum new tokens"));
    m_maxNewTokens->setToolTip(tr("Tokens to generate at most (generation also stops at the end-of-text token)"));
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0.0, 5.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setAccessibleName(tr("Temperature"));
    m_temperature->setToolTip(tr("0: greedy (the most likely token each step); above 0: sampling"));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1000000);
    m_seed->setAccessibleName(tr("Seed"));
    m_seed->setToolTip(tr("Sampling seed: the same seed gives the same text"));
    m_generate = new QPushButton(tr("Generate"), this);
    m_generate->setAccessibleName(tr("Generate with every model"));
    m_generate->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setAccessibleName(tr("Cancel the generation"));
    m_cancel->setEnabled(false);

    auto* promptRow = new QHBoxLayout;
    promptRow->addWidget(new QLabel(tr("Prompt:"), this));
    promptRow->addWidget(m_prompt, 1);
    promptRow->addWidget(m_generate);
    promptRow->addWidget(m_cancel);
    auto* settingsRow = new QHBoxLayout;
    settingsRow->addWidget(new QLabel(tr("Max new tokens:"), this));
    settingsRow->addWidget(m_maxNewTokens);
    settingsRow->addSpacing(8);
    settingsRow->addWidget(new QLabel(tr("Temperature:"), this));
    settingsRow->addWidget(m_temperature);
    settingsRow->addSpacing(8);
    settingsRow->addWidget(new QLabel(tr("Seed:"), this));
    settingsRow->addWidget(m_seed);
    settingsRow->addStretch(1);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_rows = new QWidget;
    m_grid = new QGridLayout(m_rows);
    m_grid->setColumnStretch(1, 1);
    m_grid->setVerticalSpacing(4);
    m_grid->setColumnStretch(0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_rows);
    scroll->setWidgetResizable(true);
    scroll->setAccessibleName(tr("Completions"));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(promptRow);
    layout->addLayout(settingsRow);
    layout->addWidget(m_status);
    layout->addWidget(scroll, 1);

    connect(m_generate, &QPushButton::clicked, this, [this] { generate(); });
    connect(m_prompt, &QLineEdit::returnPressed, this, [this] { generate(); });
    connect(m_cancel, &QPushButton::clicked, this, &TuneGeneratePanel::cancel);
    setSetup({}, {}, {});
}

void TuneGeneratePanel::setSetup(const TuneSetup& setup, const QStringList& modelNames,
                                 const QList<QColor>& modelColors)
{
    m_jobs->discard(kChannel);
    setRunning(false);
    m_setup = setup;
    m_modelNames = modelNames;
    m_modelColors = modelColors;
    clearRows();
    m_completions.clear();
    const bool ready = setup.valid() && setup.lm;
    m_generate->setEnabled(ready);
    setStatus(ready ? tr("Completes the prompt with the base, each fine-tuned model and the current merge.")
                    : tr("Generation needs a language-model project."));
    if (ready && !m_pendingPrompt.isEmpty()) {
        m_prompt->setText(m_pendingPrompt);
        m_pendingPrompt.clear();
        generate(); // inside the setup job's callback: the runner does not go idle in between
    }
}

void TuneGeneratePanel::generateWhenReady(const QString& prompt)
{
    if (m_setup.valid() && m_setup.lm) {
        m_prompt->setText(prompt);
        generate();
    } else {
        m_pendingPrompt = prompt;
    }
}

bool TuneGeneratePanel::running() const
{
    return m_jobs->currentJob(kChannel) != 0;
}

bool TuneGeneratePanel::generate()
{
    if (!m_setup.valid() || !m_setup.lm)
        return false;
    GenerateRequest request;
    request.prompt = m_prompt->text().toStdString();
    request.options.maxNewTokens = m_maxNewTokens->value();
    request.options.temperature = m_temperature->value();
    request.options.seed = static_cast<uint64_t>(m_seed->value());
    const Merge merge = m_currentMerge ? m_currentMerge() : Merge{};
    request.merge = merge.recipe;
    request.mergeLabel = merge.label.toStdString();
    m_mergeLabel = merge.label;
    m_mergeOutdated = false;
    const QString mergeProblem = merge.problem;
    clearRows();
    m_completions.clear();
    setStatus(tr("Generating…"));
    setRunning(true);
    const QString title = tr("Generate: %1 models").arg(m_modelNames.size() + (merge.recipe ? 2 : 1));
    m_jobs->start<GenerateOutcome>(title, kChannel, tuneGenerateWork(m_setup, request), this,
                                   [this, mergeProblem](const JobOutcome<GenerateOutcome>& outcome) {
                                       if (outcome.ok() && !mergeProblem.isEmpty())
                                           addRow(tr("merge"), tuneMergedColor(m_modelColors), QString(),
                                                  tr("(not generated: %1)").arg(mergeProblem));
                                       onEnded(outcome);
                                   });
    return true;
}

void TuneGeneratePanel::cancel()
{
    m_jobs->cancel(m_jobs->currentJob(kChannel));
}

void TuneGeneratePanel::onEnded(const JobOutcome<GenerateOutcome>& outcome)
{
    setRunning(false);
    if (!outcome.ok()) {
        setStatus(outcome.status == Status::Cancelled ? tr("Generation cancelled.")
                                                      : tr("Generation failed: %1").arg(outcome.message),
                  outcome.status != Status::Cancelled);
        Q_EMIT generated(false);
        return;
    }
    // The merge first (what the page tunes), then the base and the fine-tunes in project order.
    const std::vector<LmCompletion>& completions = outcome.result->completions;
    const std::size_t inputs = 1 + static_cast<std::size_t>(m_modelNames.size());
    const QString prompt = m_prompt->text();
    for (std::size_t i = inputs; i < completions.size(); ++i)
        addRow(m_mergeLabel, tuneMergedColor(m_modelColors), prompt, QString::fromStdString(completions[i].text));
    for (std::size_t i = 0; i < inputs && i < completions.size(); ++i) {
        const QString text = QString::fromStdString(completions[i].text);
        if (i == 0)
            addRow(QString::fromStdString(m_setup.set.base.name), tunePretrainedColor(), prompt, text);
        else
            addRow(m_modelNames.at(static_cast<int>(i - 1)), m_modelColors.value(static_cast<int>(i - 1)), prompt,
                   text);
    }
    ++m_shown;
    if (m_mergeOutdated) // the sliders moved while it ran
        setStatus(tr("The merge changed since this generation: press Generate to complete with the new one."));
    else
        setStatus(tr("%n model(s) completed the prompt in %1 s.", nullptr, static_cast<int>(completions.size()))
                      .arg(outcome.result->seconds, 0, 'f', 1));
    Q_EMIT generated(true);
}

void TuneGeneratePanel::mergeChanged()
{
    m_mergeOutdated = true;
    if (m_shown > 0 && !running() && !m_completions.isEmpty())
        setStatus(tr("The merge changed since this generation: press Generate to complete with the new one."));
}

QStringList TuneGeneratePanel::rowLabels() const
{
    QStringList out;
    for (int i = 0; i < m_rowWidgets.size(); i += 2)
        out << m_rowWidgets[i]->accessibleName();
    return out;
}

void TuneGeneratePanel::clearRows()
{
    for (QLabel* w : m_rowWidgets)
        delete w;
    m_rowWidgets.clear();
}

void TuneGeneratePanel::addRow(const QString& label, const QColor& color, const QString& prompt,
                               const QString& completion)
{
    const int row = m_rowWidgets.size() / 2;
    auto* name = new QLabel(m_rows);
    name->setTextFormat(Qt::RichText);
    name->setText(QStringLiteral("<span style=\"color:%1\">■</span> <b>%2</b>")
                      .arg((color.isValid() ? color : tunePretrainedColor()).name(), label.toHtmlEscaped()));
    name->setAccessibleName(label);
    name->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Preferred);
    name->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    auto* text = new QLabel(m_rows);
    text->setTextFormat(Qt::RichText);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setToolTip(prompt + completion);
    text->setText(QStringLiteral("<span style=\"color:#808080\">%1</span>%2").arg(html(prompt), html(completion)));
    text->setAccessibleName(tr("Completion by %1").arg(label));
    text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_grid->addWidget(name, row, 0);
    m_grid->addWidget(text, row, 1);
    m_grid->setRowStretch(row, 0);
    m_grid->setRowStretch(row + 1, 1);
    m_rowWidgets << name << text;
    m_completions << completion;
}

void TuneGeneratePanel::setRunning(bool running)
{
    m_cancel->setEnabled(running);
    Q_EMIT runningChanged(running);
}

void TuneGeneratePanel::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

} // namespace mergelab::gui
