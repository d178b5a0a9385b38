#include "project_recent.h"

#include <QFileInfo>
#include <QSettings>

namespace mergelab::gui {

namespace {
const QString kKey = QStringLiteral("projects/recent");

void store(const QStringList& paths)
{
    QSettings().setValue(kKey, paths);
}
} // namespace

QStringList RecentProjects::list()
{
    const QStringList stored = QSettings().value(kKey).toStringList();
    QStringList kept;
    for (const QString& path : stored)
        if (QFileInfo::exists(path) && !kept.contains(path) && kept.size() < kMax)
            kept << path;
    if (kept != stored)
        store(kept);
    return kept;
}

void RecentProjects::add(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList paths = list();
    paths.removeAll(absolute);
    paths.prepend(absolute);
    while (paths.size() > kMax)
        paths.removeLast();
    store(paths);
}

void RecentProjects::clear()
{
    store({});
}

} // namespace mergelab::gui
