#include "stall_monitor.h"

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

StallMonitor::StallMonitor(QObject* parent) : QObject(parent)
{
    m_timer.setInterval(5);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &StallMonitor::tick);
}

void StallMonitor::start()
{
    m_maxGapMs = 0;
    m_ticks = 0;
    m_overBudget = 0;
    m_gapsMs.clear();
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallMonitor::stop()
{
    m_timer.stop();
}

void StallMonitor::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double gapMs = static_cast<double>(now - m_lastNs) / 1e6;
    m_lastNs = now;
    ++m_ticks;
    m_gapsMs.push_back(gapMs);
    if (gapMs > m_maxGapMs)
        m_maxGapMs = gapMs;
    if (gapMs > 50.0)
        ++m_overBudget;
}

} // namespace mergelab::gui

namespace mergelab::gui {

double StallMonitor::percentileMs(double p) const
{
    if (m_gapsMs.empty())
        return 0;
    std::vector<double> sorted = m_gapsMs;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest gap with at least p% of the gaps at or below it.
    const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size()));
    const auto index = static_cast<std::size_t>(std::max(1.0, rank)) - 1;
    return sorted[std::min(index, sorted.size() - 1)];
}

double StallMonitor::elapsedMs() const
{
    return m_clock.isValid() ? static_cast<double>(m_clock.nsecsElapsed()) / 1e6 : 0.0;
}

} // namespace mergelab::gui
