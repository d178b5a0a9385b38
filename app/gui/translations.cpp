#include "translations.h"

#include <QApplication>

namespace mergelab::gui {

QString installTranslations(QApplication&, const QString&) { return QStringLiteral("en"); }

QStringList availableLanguages() { return {QStringLiteral("en")}; }

} // namespace mergelab::gui
