#pragma once

#include <QString>

#include <functional>

namespace mergelab::gui {

class MainWindow;

// Shows `page` (if given); once no job of the window has run for ~300 ms (jobs that start other jobs
// have settled; at most 3 min), renders the window into `file` (PNG) and calls done(ok).
// Used by `mergelab --screenshot`.
void scheduleScreenshot(MainWindow* window, const QString& file, const QString& page,
                        std::function<void(bool ok, const QString& error)> done);

} // namespace mergelab::gui
