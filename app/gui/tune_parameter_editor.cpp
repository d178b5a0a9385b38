#include "tune_parameter_editor.h"

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace mergelab::gui {

namespace {
constexpr int kGlobalMergeId = 1000; // + editor order
const QColor kInvalid(0xff, 0xd6, 0xd6);

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

// The texts here were the Tune page's and keep its translation context (translations/*.ts).
TuneParameterEditor::TuneParameterEditor(QWidget* parent)
    : QGroupBox(QCoreApplication::translate("mergelab::gui::TunePage", "Method"), parent)
{
    auto* layout = new QVBoxLayout(this);
    m_method = new QComboBox(this);
    m_method->setAccessibleName(QCoreApplication::translate("mergelab::gui::TunePage", "Merge method"));
    m_help = new QLabel(this);
    m_help->setWordWrap(true);
    m_form = new QFormLayout;
    layout->addWidget(m_method);
    layout->addWidget(m_help);
    layout->addLayout(m_form);
    connect(m_method, &QComboBox::activated, this,
            [this](int index) { Q_EMIT methodChosen(m_method->itemData(index).toString()); });
}

void TuneParameterEditor::setMethods(const std::vector<const MergeMethod*>& methods)
{
    const QSignalBlocker block(m_method);
    m_method->clear();
    for (const MergeMethod* method : methods) {
        m_method->addItem(qs(method->name()), qs(method->name()));
        m_method->setItemData(m_method->count() - 1, qs(method->description()), Qt::ToolTipRole);
    }
    m_editorsMethod.clear(); // the next state rebuilds the editors
}

QStringList TuneParameterEditor::methods() const
{
    QStringList names;
    for (int i = 0; i < m_method->count(); ++i)
        names << m_method->itemData(i).toString();
    return names;
}

void TuneParameterEditor::showState(const TuneState& state)
{
    const MergeMethod* method = findMethod(state.method);
    if (state.method != m_editorsMethod) {
        m_editorsMethod = state.method;
        rebuild(method);
    }
    m_invalid.clear();
    {
        const QSignalBlocker block(m_method);
        m_method->setCurrentIndex(m_method->findData(qs(state.method)));
    }
    for (auto it = m_editors.begin(); it != m_editors.end(); ++it) {
        const auto value = state.global.find(it.key().toStdString());
        const auto def = method ? findParam(*method, it.key().toStdString()) : std::nullopt;
        if (value == state.global.end() || !def)
            continue;
        const QSignalBlocker block(it.value());
        if (auto* box = qobject_cast<QCheckBox*>(it.value()))
            box->setChecked(value->second != 0);
        else if (auto* edit = qobject_cast<QLineEdit*>(it.value()); edit && !edit->hasFocus())
            edit->setText(formatParam(*def, value->second));
        it.value()->setStyleSheet({});
        it.value()->setToolTip(qs(def->help));
    }
}

void TuneParameterEditor::rebuild(const MergeMethod* method)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    m_help->setText(method ? qs(method->description()) : QString());
    if (!method)
        return;
    int order = 0;
    for (const ParamDef& def : method->params()) {
        if (def.perModel || def.name == "lambda")
            continue; // per-task values are the page's table; λ has its slider
        const QString name = qs(def.name);
        QWidget* editor = nullptr;
        if (def.boolean) {
            auto* box = new QCheckBox(this);
            connect(box, &QCheckBox::toggled, this, [this, name] { onEdited(name); });
            editor = box;
        } else {
            auto* edit = new QLineEdit(this);
            connect(edit, &QLineEdit::textEdited, this, [this, name] { onEdited(name); });
            connect(edit, &QLineEdit::editingFinished, this, [this] { ++m_editSession; });
            editor = edit;
        }
        editor->setAccessibleName(name);
        editor->setToolTip(qs(def.help));
        editor->setProperty("mergeId", kGlobalMergeId + order++);
        m_form->addRow(name, editor);
        m_editors.insert(name, editor);
    }
}

void TuneParameterEditor::onEdited(const QString& name)
{
    QWidget* editor = m_editors.value(name);
    const MergeMethod* method = findMethod(m_editorsMethod);
    const auto def = method ? findParam(*method, name.toStdString()) : std::nullopt;
    if (!editor || !def)
        return;
    double value = 0;
    if (auto* box = qobject_cast<QCheckBox*>(editor)) {
        value = box->isChecked() ? 1 : 0;
    } else {
        QString problem;
        const auto parsed = parseParam(*def, static_cast<QLineEdit*>(editor)->text(), &problem);
        if (problem.isEmpty())
            m_invalid.remove(name);
        else
            m_invalid.insert(name);
        editor->setStyleSheet(problem.isEmpty() ? QString()
                                                : QStringLiteral("background-color: %1;").arg(kInvalid.name()));
        editor->setToolTip(problem.isEmpty() ? qs(def->help) : problem);
        Q_EMIT marked(problem);
        if (!parsed)
            return; // marked, never sent
        value = *parsed;
    }
    Q_EMIT valueEdited(def->name, value, editor->property("mergeId").toInt(), m_editSession);
}

} // namespace mergelab::gui
