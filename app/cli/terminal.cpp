#include "cli/terminal.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace mergelab::cli {

CancelToken& interruptToken()
{
    static CancelToken token;
    return token;
}

namespace {
extern "C" void onInterrupt(int)
{
    interruptToken().cancel(); // an atomic store: async-signal-safe
}
} // namespace

void installInterruptHandler()
{
    interruptToken(); // construct before any signal can arrive
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

TerminalProgress::TerminalProgress(bool quiet) : m_quiet(quiet), m_tty(isatty(STDERR_FILENO) != 0) {}

TerminalProgress::~TerminalProgress()
{
    finish();
}

void TerminalProgress::update(double done, double total, const std::string& message)
{
    if (m_quiet)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    const double fraction = total > 0 ? std::min(1.0, std::max(0.0, done / total)) : 0.0;
    if (m_tty) {
        auto now = std::chrono::steady_clock::now();
        if (fraction < 1.0 && now - m_lastDraw < std::chrono::milliseconds(80))
            return;
        m_lastDraw = now;
        const int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::string bar(filled, '#');
        bar.resize(width, '.');
        std::string text = message.size() > 48 ? "..." + message.substr(message.size() - 45) : message;
        std::fprintf(stderr, "\r[%s] %5.1f%% %-48s", bar.c_str(), fraction * 100.0, text.c_str());
        m_drawn = true;
    } else {
        const int decile = static_cast<int>(fraction * 10);
        if (decile != m_lastDecile) {
            m_lastDecile = decile;
            std::fprintf(stderr, "%3d%% %s\n", decile * 10, message.c_str());
        }
    }
    std::fflush(stderr);
}

void TerminalProgress::log(const std::string& line)
{
    // -q keeps warnings and notes, drops the training chatter (per-step losses).
    if (m_quiet && line.rfind("warning:", 0) != 0 && line.rfind("note:", 0) != 0)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_drawn) {
        std::fprintf(stderr, "\r%*s\r", 90, "");
        m_drawn = false;
    }
    std::fprintf(stderr, "%s\n", line.c_str());
}

void TerminalProgress::finish()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_drawn) {
        std::fprintf(stderr, "\n");
        m_drawn = false;
    }
}

void printError(const std::string& message)
{
    std::fprintf(stderr, "error: %s\n", message.c_str());
}

} // namespace mergelab::cli
