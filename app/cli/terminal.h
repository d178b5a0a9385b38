#pragma once

#include "jobs/job.h"

#include <chrono>
#include <mutex>
#include <string>

namespace mergelab::cli {

// Set by Ctrl-C (SIGINT/SIGTERM); every CLI job polls it.
CancelToken& interruptToken();
void installInterruptHandler();

// A progress bar on stderr (redrawn in place on a terminal, a line per 10% otherwise). Quiet: no
// bar and only log lines starting "warning:" or "note:".
class TerminalProgress : public Progress {
public:
    explicit TerminalProgress(bool quiet = false);
    ~TerminalProgress() override;
    void update(double done, double total, const std::string& message) override;
    void log(const std::string& line) override;
    void finish();

private:
    std::mutex m_mutex;
    bool m_quiet;
    bool m_tty;
    bool m_drawn = false;
    int m_lastDecile = -1;
    std::chrono::steady_clock::time_point m_lastDraw{};
};

// Prints "error: <message>" on stderr.
void printError(const std::string& message);

} // namespace mergelab::cli
