#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;

namespace mergelab::gui {

// Edit > Preferences: language and other saved preferences (QSettings). The language applies
// when MergeLab restarts (pages build their text once; restarting is simpler than retranslating
// every page live).
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    // The language chosen in the dialog: "" for the system locale, else "en" / "ja".
    QString chosenLanguage() const;
    // Saves the choices to QSettings (called on OK).
    void save();

private:
    void updateRestartNote();

    QComboBox* m_language = nullptr;
    QCheckBox* m_offerDemo = nullptr;
    QLabel* m_restartNote = nullptr;
    QString m_languageInUse;
};

} // namespace mergelab::gui
