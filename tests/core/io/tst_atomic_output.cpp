// AtomicOutput: owned temporaries, stale ones removed only when their process is gone, one writer per
// output, folders replaced whole by exchange (with other files carried over), nothing left on abort.
#include "common/error.h"
#include "io/atomic_output.h"

#include <QtTest>

#include <filesystem>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
}

std::string readFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> namesIn(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        names.push_back(fs::relative(e.path(), dir).string());
    std::sort(names.begin(), names.end());
    return names;
}

// A process id that is certainly not running: a child that has exited and been reaped.
long deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

} // namespace

class TestAtomicOutput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void temporaryNamesCarryMarkerAndPid()
    {
        const std::string t = temporaryPathFor("/x/out.safetensors");
        const std::string want = "/x/.out.safetensors.mergelab-tmp-" + std::to_string(::getpid()) + "-";
        QVERIFY2(t.rfind(want, 0) == 0, t.c_str());
        QVERIFY(temporaryPathFor("/x/out.safetensors") != t);
    }

    void staleTemporariesOfDeadProcessesOnly()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const std::string dead = std::to_string(deadPid());
        const std::string live = std::to_string(::getpid());
        writeFile(dir / (".out.safetensors.mergelab-tmp-" + dead + "-0"), std::string(1000, 'x'));
        fs::create_directory(dir / (".out.mergelab-tmp-" + dead + "-3"));
        writeFile(dir / (".out.mergelab-tmp-" + dead + "-3") / "model.safetensors", std::string(500, 'y'));
        writeFile(dir / (".model.safetensors.tmp-" + dead + "-0"), "an earlier version's temporary");
        writeFile(dir / (".out.safetensors.mergelab-tmp-" + live + "-9"), "a live writer's");
        writeFile(dir / "out.safetensors.tmp-not-a-pid", "the user's");
        writeFile(dir / "model.safetensors", "the user's");
        const StaleTemporaries removed = removeStaleTemporaries(dir.string());
        QCOMPARE(removed.paths.size(), std::size_t(3));
        QCOMPARE(removed.bytes, 1000ull + 500ull + 30ull);
        QCOMPARE(namesIn(dir), (std::vector<std::string>{".out.safetensors.mergelab-tmp-" + live + "-9",
                                                         "model.safetensors", "out.safetensors.tmp-not-a-pid"}));
    }

    void fileCommitReplacesAndAbortLeavesNothing()
    {
        QTemporaryDir tmp;
        const fs::path out = fs::path(tmp.path().toStdString()) / "out.txt";
        writeFile(out, "old");
        {
            AtomicOutput o(out.string(), AtomicOutput::Kind::File);
            writeFile(o.path(), "half");
            QCOMPARE(readFile(out), std::string("old")); // nothing visible before commit
        }                                                // abort
        QCOMPARE(namesIn(out.parent_path()), std::vector<std::string>{"out.txt"});
        QCOMPARE(readFile(out), std::string("old"));
        writeFileAtomically(out.string(), "new");
        QCOMPARE(readFile(out), std::string("new"));
        QCOMPARE(namesIn(out.parent_path()), std::vector<std::string>{"out.txt"}); // no lock, no temporary
    }

    void oneWriterPerOutput()
    {
        QTemporaryDir tmp;
        const std::string out = tmp.filePath("out.safetensors").toStdString();
        AtomicOutput first(out, AtomicOutput::Kind::File);
        try {
            AtomicOutput second(out, AtomicOutput::Kind::File);
            QFAIL("a second writer of the same output must fail");
        } catch (const IoError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("pid " + std::to_string(::getpid())) != std::string::npos, e.what());
            QVERIFY2(what.find("is writing this output") != std::string::npos, e.what());
        }
        AtomicOutput other(tmp.filePath("other.safetensors").toStdString(), AtomicOutput::Kind::File); // fine
    }

    void folderReplacedWholeByExchange()
    {
        QTemporaryDir tmp;
        const fs::path out = fs::path(tmp.path().toStdString()) / "out";
        fs::create_directory(out);
        writeFile(out / "model-00001-of-00002.safetensors", "old shard");
        writeFile(out / "model.safetensors.index.json", "old index");
        writeFile(out / "config.json", "the user's config");
        AtomicOutput::Options keep;
        keep.keepOldEntries = true;
        keep.dropOld = [](const std::string& n) { return n.rfind("model", 0) == 0; };
        {
            AtomicOutput o(out.string(), AtomicOutput::Kind::Folder, keep);
            QVERIFY(fs::is_directory(o.path()));
            writeFile(fs::path(o.path()) / "model.safetensors", "new weights");
            QCOMPARE(namesIn(out).size(), std::size_t(3)); // untouched until commit
            o.commit();
        }
        QCOMPARE(namesIn(out), (std::vector<std::string>{"config.json", "model.safetensors"}));
        QCOMPARE(readFile(out / "config.json"), std::string("the user's config"));
        QCOMPARE(readFile(out / "model.safetensors"), std::string("new weights"));
        QCOMPARE(namesIn(out.parent_path()),
                 (std::vector<std::string>{"out", "out/config.json", "out/model.safetensors"})); // old one gone
    }

    void replaceableOutputs()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        QVERIFY(isReplaceableOutput((dir / "missing").string()));
        fs::create_directory(dir / "empty");
        QVERIFY(isReplaceableOutput((dir / "empty").string()));
        writeFile(dir / "notes.safetensors", "not a checkpoint");
        QVERIFY(!isReplaceableOutput((dir / "notes.safetensors").string()));
        QVERIFY_THROWS_EXCEPTION(InputError, checkReplaceable((dir / "notes.safetensors").string(), false));
        checkReplaceable((dir / "notes.safetensors").string(), true); // --force
        fs::create_directory(dir / "merged");
        writeFile(dir / "merged" / "weights.bin", "x");
        QVERIFY(!isReplaceableOutput((dir / "merged").string()));
        writeFile(dir / "merged" / "mergelab_recipe.json", "{}");
        QVERIFY(isReplaceableOutput((dir / "merged").string()));
    }

    void syncsFilesAndFolders()
    {
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        fs::create_directories(dir / "a" / "b");
        writeFile(dir / "a" / "b" / "f", "x");
        syncPath((dir / "a").string());
        syncParentFolder((dir / "a" / "b" / "f").string());
        QVERIFY_THROWS_EXCEPTION(IoError, syncPath((dir / "missing").string()));
    }
};

QTEST_APPLESS_MAIN(TestAtomicOutput)
#include "tst_atomic_output.moc"
