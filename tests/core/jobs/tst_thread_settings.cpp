// ScopedThreadSettings: the calling thread's intra-op count only, restored; OpenBLAS's count held at
// one while any guard (on any thread) asks for it, restored by the last.
#include "jobs/thread_settings.h"

#include <ATen/Parallel.h>

#include <QtTest>

#include <thread>

using namespace mergelab;

class TestThreadSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void intraOpOnThisThreadOnly()
    {
        at::set_num_threads(2);
        {
            ScopedThreadSettings one;
            QCOMPARE(at::get_num_threads(), 1);
            int other = 0;
            std::thread([&] { other = at::get_num_threads(); }).join();
            QCOMPARE(other, 2); // a new thread starts from torch's global setting, untouched
            {
                ScopedThreadSettings three(3);
                QCOMPARE(at::get_num_threads(), 3);
            }
            QCOMPARE(at::get_num_threads(), 1);
            ScopedThreadSettings keep(ScopedThreadSettings::kKeepIntraOp);
            QCOMPARE(at::get_num_threads(), 1);
        }
        QCOMPARE(at::get_num_threads(), 2);
        at::set_num_threads(1);
    }

    void serialBlasIsReferenceCounted()
    {
        const int before = openBlasThreads();
        if (before == 0)
            QSKIP("OpenBLAS is not the BLAS in use");
        {
            ScopedThreadSettings outer(ScopedThreadSettings::kKeepIntraOp, true);
            QCOMPARE(openBlasThreads(), 1);
            std::thread([] {
                ScopedThreadSettings inner(1, true);
                QCOMPARE(openBlasThreads(), 1);
            }).join();
            QCOMPARE(openBlasThreads(), 1); // the outer guard still holds
            ScopedThreadSettings intraOpOnly(1);
            QCOMPARE(openBlasThreads(), 1);
        }
        QCOMPARE(openBlasThreads(), before);
        {
            ScopedThreadSettings intraOpOnly(1);
            QCOMPARE(openBlasThreads(), before); // not asked: unchanged
        }
    }
};

QTEST_GUILESS_MAIN(TestThreadSettings)
#include "tst_thread_settings.moc"
