#pragma once

#include <QDialog>

namespace mergelab::gui {

// Edit > Preferences: language and other saved preferences (QSettings).
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);
};

} // namespace mergelab::gui
