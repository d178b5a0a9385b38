#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace mergelab::gui {

// Measures how long the GUI event loop stalls: a 5 ms timer records the largest gap between ticks
// beyond its interval. Used by `mergelab --benchmark` and tests.
class StallMonitor : public QObject {
    Q_OBJECT
public:
    explicit StallMonitor(QObject* parent = nullptr);

    void start();
    void stop();
    // Largest observed gap between two ticks, in milliseconds (the timer interval included).
    double maxGapMs() const { return m_maxGapMs; }
    int ticks() const { return m_ticks; }
    // Ticks whose gap exceeded 50 ms (the design's budget).
    int overBudget() const { return m_overBudget; }
    // The p-th percentile (0..100) of the gaps between ticks, in milliseconds (0 without ticks).
    double percentileMs(double p) const;
    // Measured time since start(), in milliseconds.
    double elapsedMs() const;

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    double m_maxGapMs = 0;
    int m_ticks = 0;
    int m_overBudget = 0;
    std::vector<double> m_gapsMs;
};

} // namespace mergelab::gui
