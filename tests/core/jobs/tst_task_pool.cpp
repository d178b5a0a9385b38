// parallelFor: every index once with results in place, worker ids, the first exception on the
// caller, cancellation, the memory budget, and one intra-op thread inside workers (restored after).
#include "common/error.h"
#include "jobs/task_pool.h"
#include "jobs/thread_settings.h"

#include <ATen/Parallel.h>

#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace mergelab;

class TestTaskPool : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyIndexOnceResultsInPlace_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("workers");
        QTest::newRow("none") << 0 << 2;
        QTest::newRow("one item, many workers") << 1 << 4;
        QTest::newRow("serial") << 50 << 1;
        QTest::newRow("two workers") << 1000 << 2;
        QTest::newRow("more workers than cores") << 300 << 5;
        QTest::newRow("one per core") << 300 << 0;
    }
    void everyIndexOnceResultsInPlace()
    {
        QFETCH(int, count);
        QFETCH(int, workers);
        std::vector<std::atomic<int>> visits(static_cast<std::size_t>(count));
        std::vector<long> squares(static_cast<std::size_t>(count), -1);
        std::mutex mutex;
        std::set<std::thread::id> threads;
        std::set<int> workerIds;
        CancelToken cancel;
        ParallelOptions options;
        options.workers = workers;
        parallelFor(
            static_cast<std::size_t>(count),
            [&](std::size_t i, int worker) {
                ++visits[i];
                squares[i] = static_cast<long>(i) * static_cast<long>(i);
                std::lock_guard<std::mutex> lock(mutex);
                threads.insert(std::this_thread::get_id());
                workerIds.insert(worker);
            },
            cancel, options);
        for (int i = 0; i < count; ++i) {
            QCOMPARE(visits[static_cast<std::size_t>(i)].load(), 1);
            QCOMPARE(squares[static_cast<std::size_t>(i)], long(i) * long(i));
        }
        const int expected = parallelWorkers(static_cast<std::size_t>(count), workers);
        const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        QCOMPARE(expected, count == 0 ? 1 : std::min(count, workers > 0 ? workers : cores));
        QVERIFY(static_cast<int>(threads.size()) <= expected);
        for (int w : workerIds)
            QVERIFY(w >= 0 && w < expected);
    }

    void callerIsWorkerZero()
    {
        const std::thread::id caller = std::this_thread::get_id();
        std::atomic<bool> wrong{false};
        CancelToken cancel;
        ParallelOptions options;
        options.workers = 3;
        parallelFor(
            60,
            [&](std::size_t, int worker) {
                if ((worker == 0) != (std::this_thread::get_id() == caller))
                    wrong = true;
            },
            cancel, options);
        QVERIFY(!wrong);
    }

    // One worker takes indices in order, so exactly the items before the failing one ran.
    void firstExceptionReachesCaller()
    {
        std::vector<int> ran;
        CancelToken cancel;
        ParallelOptions options;
        options.workers = 1;
        try {
            parallelFor(
                20,
                [&](std::size_t i, int) {
                    ran.push_back(static_cast<int>(i));
                    if (i == 5)
                        throw std::runtime_error("item 5 failed");
                },
                cancel, options);
            QFAIL("no exception");
        } catch (const std::runtime_error& e) {
            QCOMPARE(QString(e.what()), QString("item 5 failed"));
        }
        QCOMPARE(ran, std::vector<int>({0, 1, 2, 3, 4, 5}));
    }

    // Every worker fails: one exception, of the type thrown, and no item starts after a failure.
    void manyFailuresOneRethrown()
    {
        std::atomic<int> started{0};
        CancelToken cancel;
        ParallelOptions options;
        options.workers = 4;
        QVERIFY_THROWS_EXCEPTION(InputError, parallelFor(
                                                 1000,
                                                 [&](std::size_t, int) {
                                                     ++started;
                                                     std::this_thread::sleep_for(std::chrono::milliseconds(2));
                                                     throw InputError("bad item");
                                                 },
                                                 cancel, options));
        QVERIFY(started.load() <= 4);
    }

    void cancelStopsBeforeNextItem()
    {
        CancelToken cancel;
        std::vector<int> ran;
        ParallelOptions options;
        options.workers = 1;
        QVERIFY_THROWS_EXCEPTION(CancelledError, parallelFor(
                                                     10,
                                                     [&](std::size_t i, int) {
                                                         ran.push_back(static_cast<int>(i));
                                                         if (i == 3)
                                                             cancel.cancel();
                                                     },
                                                     cancel, options));
        QCOMPARE(ran, std::vector<int>({0, 1, 2, 3}));

        std::atomic<int> any{0};
        options.workers = 2;
        QVERIFY_THROWS_EXCEPTION(CancelledError, parallelFor(
                                                     10, [&](std::size_t, int) { ++any; }, cancel, options));
        QCOMPARE(any.load(), 0); // already cancelled: nothing runs
    }

    // Items of cost 3 under a budget of 5 never overlap; one of cost 10 still runs (alone).
    void budgetLimitsItemsInFlight()
    {
        const std::vector<uint64_t> costs = {3, 3, 10, 3, 1, 3, 3, 2};
        std::atomic<uint64_t> inFlight{0};
        std::atomic<uint64_t> peak{0};
        std::atomic<uint64_t> peakBesideSmall{0}; // seen by the small items
        std::atomic<int> done{0};
        CancelToken cancel;
        ParallelOptions options;
        options.workers = 3;
        options.cost = [&](std::size_t i) { return costs[i]; };
        options.budget = 5;
        parallelFor(
            costs.size(),
            [&](std::size_t i, int) {
                const uint64_t now = inFlight += costs[i];
                uint64_t p = peak.load();
                while (now > p && !peak.compare_exchange_weak(p, now)) {}
                if (costs[i] <= 5) {
                    uint64_t q = peakBesideSmall.load();
                    while (now > q && !peakBesideSmall.compare_exchange_weak(q, now)) {}
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                inFlight -= costs[i];
                ++done;
            },
            cancel, options);
        QCOMPARE(done.load(), int(costs.size()));
        QCOMPARE(peak.load(), uint64_t(10)); // the big item, alone
        QVERIFY(peakBesideSmall.load() <= 5);
    }

    // Inside every worker torch uses one intra-op thread and OpenBLAS one thread; the caller's
    // settings are back afterwards, also after a failure.
    void workersRunSerialOpsAndRestore()
    {
        at::set_num_threads(2);
        const int blasBefore = openBlasThreads();
        std::atomic<int> maxIntraOp{0};
        std::atomic<int> maxBlas{0};
        CancelToken cancel;
        ParallelOptions options;
        options.workers = 2;
        auto record = [&](std::size_t, int) {
            maxIntraOp = std::max(maxIntraOp.load(), at::get_num_threads());
            maxBlas = std::max(maxBlas.load(), openBlasThreads());
        };
        parallelFor(40, record, cancel, options);
        QCOMPARE(maxIntraOp.load(), 1);
        if (blasBefore > 0)
            QCOMPARE(maxBlas.load(), 1);
        QCOMPARE(at::get_num_threads(), 2);
        QCOMPARE(openBlasThreads(), blasBefore);

        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 parallelFor(
                                     4, [&](std::size_t, int) { throw std::runtime_error("x"); }, cancel, options));
        QCOMPARE(at::get_num_threads(), 2);
        QCOMPARE(openBlasThreads(), blasBefore);
        at::set_num_threads(1);
    }
};

QTEST_GUILESS_MAIN(TestTaskPool)
#include "tst_task_pool.moc"
