#pragma once

#include <QString>

#include <functional>

namespace mergelab::gui {

class MainWindow;

// `mergelab --benchmark PATH`: measures the longest GUI event-loop stalls (max, p99) first while PATH
// opens (and the jobs that start), then, for a project, while a streaming merge (task arithmetic to a
// temporary folder) and an evaluation of the base on the test split run at the same time, through the
// window's job runner. Prints one line per phase to stdout and calls done(exit status).
void runStallBenchmark(MainWindow* window, const QString& path, std::function<void(int status)> done);

} // namespace mergelab::gui
