#include "translations.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace mergelab::gui {

namespace {

// The first shipped language among a locale's UI languages ("ja-JP" -> "ja"), else "en".
QString languageOfLocale(const QLocale& locale)
{
    const QStringList shipped = availableLanguages();
    for (const QString& ui : locale.uiLanguages()) {
        const QString code = ui.section(QLatin1Char('-'), 0, 0).section(QLatin1Char('_'), 0, 0).toLower();
        if (shipped.contains(code))
            return code;
    }
    return QStringLiteral("en");
}

QString normalised(const QString& language)
{
    const QString code = language.trimmed().section(QLatin1Char('_'), 0, 0).section(QLatin1Char('-'), 0, 0).toLower();
    return availableLanguages().contains(code) ? code : QString();
}

} // namespace

QStringList availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("ja")};
}

QString systemLanguage()
{
    return languageOfLocale(QLocale::system());
}

QString nativeLanguageName(const QString& language)
{
    if (language == QLatin1String("ja"))
        return QStringLiteral("日本語");
    return QStringLiteral("English");
}

QString resolveLanguage(const QString& requested)
{
    if (const QString code = normalised(requested); !code.isEmpty())
        return code;
    if (const QString code = normalised(qEnvironmentVariable("MERGELAB_LANG")); !code.isEmpty())
        return code;
    if (const QString code = normalised(QSettings().value(QLatin1String(kLanguageSetting)).toString()); !code.isEmpty())
        return code;
    return systemLanguage();
}

QString installTranslations(QApplication& app, const QString& language)
{
    const QString code = resolveLanguage(language);
    // Our strings, embedded by qt_add_translations (translations/translations.cmake). English too:
    // its .qm holds the plural forms of "%n model(s)".
    auto* ours = new QTranslator(&app);
    if (ours->load(QStringLiteral(":/i18n/mergelab_%1.qm").arg(code)))
        QCoreApplication::installTranslator(ours);
    else
        delete ours;
    if (code == QLatin1String("en"))
        return code;
    // Qt's own strings (OK, Cancel, file dialogs) from qt6-translations-l10n when installed.
    auto* qt = new QTranslator(&app);
    if (qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    QLocale::setDefault(QLocale(code));
    return code;
}

} // namespace mergelab::gui
