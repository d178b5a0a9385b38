#pragma once

#include "tune_state.h"

#include <QGroupBox>
#include <QHash>
#include <QSet>

#include <string>
#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;

namespace mergelab::gui {

// The Tune page's "Method" box: the method selector, the method's description and one editor per
// global parameter (a check box for a flag, a line edit for a number; λ has the page's slider). Text
// that is not a valid value is marked (background, tooltip saying why) and never sent.
class TuneParameterEditor : public QGroupBox {
    Q_OBJECT
public:
    explicit TuneParameterEditor(QWidget* parent = nullptr);

    // The methods offered, in order.
    void setMethods(const std::vector<const MergeMethod*>& methods);
    QStringList methods() const;
    // Shows a state: its method selected, the editors of that method (rebuilt when the method
    // changed) holding its values; clears every mark.
    void showState(const TuneState& state);
    // True while an editor holds text that is not sent.
    bool hasInvalid() const { return !m_invalid.isEmpty(); }
    QComboBox* methodCombo() const { return m_method; }
    // The editor of a global parameter (nullptr when the method has none of that name).
    QWidget* editor(const QString& name) const { return m_editors.value(name); }

Q_SIGNALS:
    // The user chose a method in the selector.
    void methodChosen(const QString& name);
    // A valid value typed or toggled. Edits with the same mergeId and session (one editor, one
    // editing session) are one undo step.
    void valueEdited(const std::string& name, double value, int mergeId, int session);
    // An editor was marked invalid (`problem` says why) or cleared (empty).
    void marked(const QString& problem);

private:
    void rebuild(const MergeMethod* method);
    void onEdited(const QString& name);

    QComboBox* m_method;
    QLabel* m_help;
    QFormLayout* m_form;
    std::string m_editorsMethod; // the method the editors were built for
    QHash<QString, QWidget*> m_editors;
    QSet<QString> m_invalid;
    int m_editSession = 0;
};

} // namespace mergelab::gui
