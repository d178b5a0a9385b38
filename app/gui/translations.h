#pragma once

#include <QString>
#include <QStringList>

class QApplication;

namespace mergelab::gui {

// QSettings key of the language preference: "ja", "en", or "" / missing for the system locale.
inline constexpr const char* kLanguageSetting = "ui/language";

// Loads the UI translation for `language` ("ja", "en"; empty: the MERGELAB_LANG environment
// variable, else the preference saved in QSettings, else the system locale) into the application,
// together with Qt's own strings (dialog buttons) for that language. Returns the language in use.
QString installTranslations(QApplication& app, const QString& language = QString());
// Languages the application ships ("en" first).
QStringList availableLanguages();
// The language installTranslations would pick for `requested` ("" = environment, preference, system).
QString resolveLanguage(const QString& requested = QString());
// The shipped language that matches the system locale ("en" when none does).
QString systemLanguage();
// The name of a language in that language ("English", "日本語").
QString nativeLanguageName(const QString& language);

} // namespace mergelab::gui
