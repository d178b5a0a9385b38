#pragma once

#include <QString>
#include <QStringList>

class QApplication;

namespace mergelab::gui {

// Loads the UI translation for `language` ("ja", "en"; empty: the preference saved in QSettings,
// else the system locale) into the application. Returns the language in use.
QString installTranslations(QApplication& app, const QString& language = QString());
// Languages the application ships ("en" first).
QStringList availableLanguages();

} // namespace mergelab::gui
