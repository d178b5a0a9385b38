// ctest-labels: slow
// Crash-safe outputs, tried as a user would: mergelab-cli is killed with SIGKILL at a sweep of moments while
// it writes (merge to a file, merge to a sharded folder, convert, an analysis report). After every kill the
// final name holds nothing or a complete result (the previous one, or the new one, byte for byte); the next
// run removes what the killed one left and says so; afterwards no temporary or lock is left anywhere. Also:
// a full filesystem (a small tmpfs when this runs as root), a locked output, and two merges to one output at once.
#include "cli_run.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest/QtTest>

#include <random>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

namespace {

QString cliPath()
{
    return qEnvironmentVariable("MERGELAB_BUILD_DIR") + "/app/mergelab-cli";
}

// A float32 safetensors file written here byte by byte (not by MergeLab): `tensors` of rows x cols.
void writeInput(const QString& path, int tensors, int rows, int cols, unsigned seed)
{
    QJsonObject header;
    header["__metadata__"] = QJsonObject{{"format", "pt"}};
    const qint64 bytes = qint64(rows) * cols * 4;
    for (int t = 0; t < tensors; ++t)
        header[QString("model.layers.%1.mlp.weight").arg(t)] =
            QJsonObject{{"dtype", "F32"},
                        {"shape", QJsonArray{rows, cols}},
                        {"data_offsets", QJsonArray{double(t * bytes), double((t + 1) * bytes)}}};
    QByteArray text = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while ((8 + text.size()) % 8)
        text.append(' ');
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const quint64 n = quint64(text.size());
    char length[8];
    for (int b = 0; b < 8; ++b)
        length[b] = char((n >> (8 * b)) & 0xff);
    f.write(length, 8);
    f.write(text);
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.f, 0.02f);
    std::vector<float> values(size_t(rows) * cols);
    for (int t = 0; t < tensors; ++t) {
        for (float& v : values)
            v = normal(rng);
        f.write(reinterpret_cast<const char*>(values.data()), qint64(values.size() * 4));
    }
}

// Every file below `dir` (hidden ones too), relative path -> bytes.
QMap<QString, QByteArray> snapshot(const QString& path)
{
    QMap<QString, QByteArray> out;
    const QFileInfo info(path);
    if (!info.exists())
        return out;
    if (info.isFile()) {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        out[info.fileName()] = f.readAll();
        return out;
    }
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QFile f(file);
        f.open(QIODevice::ReadOnly);
        out[QDir(path).relativeFilePath(file)] = f.readAll();
    }
    return out;
}

// Names below `dir` that a writer leaves while it works: temporaries, old folders, locks.
QStringList leftovers(const QString& dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString name = QFileInfo(it.next()).fileName();
        if (name.contains(".mergelab-tmp-") || name.contains(".mergelab-old-") || name.contains(".mergelab-lock") ||
            name.contains(".tmp-") || name.endsWith(".partial"))
            found << it.filePath();
    }
    return found;
}

struct Writer {
    QString name;
    QStringList (*args)(const QString& dir, const QString& output, int variant);
    QString output; // relative to the work folder
};

QStringList mergeArgs(const QString& dir, const QString& output, int variant, const QStringList& extra)
{
    QStringList a{"merge", "-q", "--method", "task_arithmetic", "--base", dir + "/base.safetensors"};
    for (int m = 1; m <= 3; ++m)
        a << "--model" << QString("%1/m%2.safetensors").arg(dir).arg(m);
    a << "--lambda" << (variant == 0 ? "0.3" : "0.7") << "-o" << output << extra;
    return a;
}

QStringList mergeFile(const QString& dir, const QString& output, int variant)
{
    return mergeArgs(dir, output, variant, {});
}

QStringList mergeShards(const QString& dir, const QString& output, int variant)
{
    return mergeArgs(dir, output, variant, {"--shard-size", "9MB"});
}

QStringList convertFolder(const QString& dir, const QString& output, int variant)
{
    return {"convert",      "-q",      dir + (variant == 0 ? "/m1.safetensors" : "/m2.safetensors"),
            output,         "--dtype", "BF16",
            "--shard-size", "5MB"};
}

QStringList analyzeReports(const QString& dir, const QString& output, int variant)
{
    return {"analyze",
            "--base",
            dir + "/base.safetensors",
            "--model",
            dir + "/m1.safetensors",
            "--model",
            dir + (variant == 0 ? "/m2.safetensors" : "/m3.safetensors"),
            "--json",
            output};
}

} // namespace

class TstCrashSafety : public QObject {
    Q_OBJECT

    QTemporaryDir m_inputs;

    // Runs to the end; returns (exit code, stderr).
    QPair<int, QString> runToEnd(const QStringList& args)
    {
        const CliRun r = runCli(args, 300000);
        return {r.exitCode, r.err};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFileInfo::exists(cliPath()));
        // 4 x 24 MB: a merge takes long enough to be killed at many moments.
        writeInput(m_inputs.filePath("base.safetensors"), 24, 512, 512, 1);
        for (int m = 1; m <= 3; ++m)
            writeInput(m_inputs.filePath(QString("m%1.safetensors").arg(m)), 24, 512, 512, 10 + unsigned(m));
    }

    void killSweep_data()
    {
        QTest::addColumn<int>("writer");
        QTest::newRow("merge to a file") << 0;
        QTest::newRow("merge to a sharded folder") << 1;
        QTest::newRow("convert to a sharded folder") << 2;
        QTest::newRow("analyze --json report") << 3;
    }

    void killSweep()
    {
        QFETCH(int, writer);
        const Writer writers[] = {{"merge file", mergeFile, "out.safetensors"},
                                  {"merge shards", mergeShards, "out"},
                                  {"convert", convertFolder, "out"},
                                  {"analyze", analyzeReports, "report.json"}};
        const Writer& w = writers[writer];
        QTemporaryDir work;
        const QString output = work.filePath(w.output);

        // The two complete results a killed run may leave: the previous one (variant 0) and the new one (1).
        QElapsedTimer clock;
        clock.start();
        auto first = runToEnd(w.args(m_inputs.path(), output, 1));
        const qint64 fullMs = clock.elapsed();
        QVERIFY2(first.first == 0, qPrintable(first.second));
        const QMap<QString, QByteArray> newResult = snapshot(output);
        QVERIFY(!newResult.isEmpty());
        QDir(output).removeRecursively();
        QFile::remove(output);
        auto second = runToEnd(w.args(m_inputs.path(), output, 0));
        QVERIFY2(second.first == 0, qPrintable(second.second));
        const QMap<QString, QByteArray> oldResult = snapshot(output);
        QVERIFY(oldResult != newResult);

        // Kill the run that writes variant 1 over variant 0, from at once to the very end.
        int kills = 0, leftoversSeen = 0, notes = 0;
        for (double fraction : {0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0}) {
            QProcess p;
            p.setProcessChannelMode(QProcess::SeparateChannels);
            p.start(cliPath(), w.args(m_inputs.path(), output, 1));
            QVERIFY(p.waitForStarted());
            QThread::msleep(static_cast<unsigned long>(fraction * double(fullMs)));
            p.kill();
            p.waitForFinished();
            ++kills;
            const QMap<QString, QByteArray> now = snapshot(output);
            QVERIFY2(
                now == oldResult || now == newResult,
                qPrintable(QString("%1: after a kill at %2 of %3 ms the output is neither the old nor the new result")
                               .arg(w.name)
                               .arg(fraction)
                               .arg(fullMs)));
            notes += QString::fromUtf8(p.readAllStandardError()).contains("left by killed processes") ? 1 : 0;
            const QStringList left = leftovers(work.path()).filter(".mergelab-tmp-");
            leftoversSeen += left.isEmpty() ? 0 : 1;
            // Back to the previous result for the next kill, through the writer itself (it cleans up).
            if (now == newResult) {
                auto again = runToEnd(w.args(m_inputs.path(), output, 0));
                QVERIFY2(again.first == 0, qPrintable(again.second));
                notes += again.second.contains("left by killed processes") ? 1 : 0;
            }
        }
        // The next complete run removes whatever the kills left, says so, and leaves nothing behind.
        auto last = runToEnd(w.args(m_inputs.path(), output, 1));
        QVERIFY2(last.first == 0, qPrintable(last.second));
        notes += last.second.contains("left by killed processes") ? 1 : 0;
        QCOMPARE(snapshot(output), newResult);
        QCOMPARE(leftovers(work.path()), QStringList());
        if (leftoversSeen > 0)
            QVERIFY2(notes > 0, "temporaries were removed without a note");
        qInfo("%s: %d kills over %lld ms, %d left temporaries, all removed", qPrintable(w.name), kills, fullMs,
              leftoversSeen);
    }

    void fullFilesystemLeavesNothing_data()
    {
        QTest::addColumn<int>("writer");
        QTest::newRow("merge to a file") << 0;
        QTest::newRow("merge to a sharded folder") << 1;
        QTest::newRow("convert to a sharded folder") << 2;
    }

    void fullFilesystemLeavesNothing()
    {
        QFETCH(int, writer);
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs needs root");
        QTemporaryDir mountPoint;
        if (::mount("tmpfs", mountPoint.path().toLocal8Bit().constData(), "tmpfs", 0, "size=8m") != 0)
            QSKIP("cannot mount a tmpfs here");
        QStringList (*const args[])(const QString&, const QString&, int) = {mergeFile, mergeShards, convertFolder};
        const auto r = runToEnd(args[writer](m_inputs.path(), mountPoint.filePath("out"), 0));
        const QStringList left =
            QDir(mountPoint.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        ::umount(mountPoint.path().toLocal8Bit().constData());
        QCOMPARE(r.first, 1);
        QVERIFY2(r.second.contains("No space left on device"), qPrintable(r.second));
        QCOMPARE(r.second.trimmed().count('\n'), 0); // one line
        QCOMPARE(left, QStringList());
    }

    // A writer holding an output's lock (here: this test, as another process would) makes a merge to that
    // output stop at once with the one-line error; released, the merge goes through.
    void lockedOutputIsRefused()
    {
        QTemporaryDir work;
        const QString output = work.filePath("out.safetensors");
        const QByteArray lockPath = work.filePath(".out.safetensors.mergelab-lock").toLocal8Bit();
        const int fd = ::open(lockPath.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        const QByteArray pid = QByteArray::number(qint64(::getpid())) + "\n";
        QCOMPARE(::write(fd, pid.constData(), size_t(pid.size())), ssize_t(pid.size()));
        const auto refused = runToEnd(mergeFile(m_inputs.path(), output, 0));
        ::close(fd); // releases the lock
        QCOMPARE(refused.first, 1);
        QVERIFY2(refused.second.contains(QString("another process (pid %1) is writing this output").arg(::getpid())),
                 qPrintable(refused.second));
        QCOMPARE(refused.second.trimmed().count('\n'), 0);
        QVERIFY(!QFileInfo::exists(output));
        const auto after = runToEnd(mergeFile(m_inputs.path(), output, 0));
        QVERIFY2(after.first == 0, qPrintable(after.second));
        QCOMPARE(leftovers(work.path()), QStringList());
    }

    // Two merges to one output started together: whichever order they run in, the output is one of the two
    // complete results (never a mix), a merge that loses the race says so in one line, nothing is left over.
    void concurrentWritersNeverMix()
    {
        QTemporaryDir references;
        QMap<QString, QByteArray> complete[2];
        for (int v = 0; v < 2; ++v) {
            const QString path = references.filePath(QString("r%1.safetensors").arg(v));
            const auto r = runToEnd(mergeFile(m_inputs.path(), path, v));
            QVERIFY2(r.first == 0, qPrintable(r.second));
            complete[v] = snapshot(path);
            complete[v][QStringLiteral("out.safetensors")] = complete[v].take(QFileInfo(path).fileName());
        }
        int refusals = 0;
        for (int round = 0; round < 3; ++round) {
            QTemporaryDir work;
            const QString output = work.filePath("out.safetensors");
            QProcess a, b;
            a.start(cliPath(), mergeFile(m_inputs.path(), output, 0));
            b.start(cliPath(), mergeFile(m_inputs.path(), output, 1));
            QVERIFY(a.waitForFinished(300000) && b.waitForFinished(300000));
            int ok = 0;
            for (QProcess* p : {&a, &b}) {
                const QString err = QString::fromUtf8(p->readAllStandardError());
                if (p->exitCode() == 0) {
                    ++ok;
                } else {
                    ++refusals;
                    QCOMPARE(p->exitCode(), 1);
                    QVERIFY2(err.contains("is writing this output"), qPrintable(err));
                }
            }
            QVERIFY(ok >= 1);
            const QMap<QString, QByteArray> now = snapshot(output);
            QVERIFY2(now == complete[0] || now == complete[1], "the output is not one complete merge");
            QCOMPARE(leftovers(work.path()), QStringList());
        }
        qInfo("3 rounds of two concurrent merges: %d refused with the lock error, every output whole", refusals);
    }

    // An output MergeLab did not write is replaced only with --force.
    void foreignOutputNeedsForce()
    {
        QTemporaryDir work;
        const QString output = work.filePath("notes.safetensors");
        QFile f(output);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a file of the user's\n");
        f.close();
        const auto refused = runToEnd(mergeFile(m_inputs.path(), output, 0));
        QCOMPARE(refused.first, 1);
        QVERIFY2(refused.second.contains("exists and was not written by MergeLab; --force replaces it"),
                 qPrintable(refused.second));
        QCOMPARE(snapshot(output).first(), QByteArray("a file of the user's\n"));
        const auto forced = runToEnd(mergeFile(m_inputs.path(), output, 0) << "--force");
        QVERIFY2(forced.first == 0, qPrintable(forced.second));
        // Ours now: the next merge replaces it without --force.
        const auto again = runToEnd(mergeFile(m_inputs.path(), output, 1));
        QVERIFY2(again.first == 0, qPrintable(again.second));
    }
};

QTEST_GUILESS_MAIN(TstCrashSafety)
#include "tst_crash_safety.moc"
