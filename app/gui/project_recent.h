#pragma once

#include <QStringList>

namespace mergelab::gui {

// The "Recent Projects" list kept in QSettings: newest first, at most kMax entries, absolute paths,
// files that no longer exist pruned whenever the list is read.
class RecentProjects {
public:
    static constexpr int kMax = 8;

    // The list, pruned of missing files (the pruned list is written back).
    static QStringList list();
    // Moves (or adds) `path` to the front.
    static void add(const QString& path);
    static void clear();
};

} // namespace mergelab::gui
