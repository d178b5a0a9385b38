// MergeTuner's caches (task vectors, merged delta before lambda) against the registry's
// methods run tensor by tensor on copies, and the evaluator's thread settings left as found.
#include "eval_fixture.h"

#include "common/error.h"
#include "eval/evaluator.h"
#include "eval/merge_tuner.h"
#include "io/runtime.h"
#include "jobs/thread_settings.h"
#include "merge/merge_method.h"
#include "merge/sparsify.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <thread>

using namespace mergelab;

namespace {

// The registry's method on fresh copies, tensor by tensor: what merge(method, params) must equal.
std::map<std::string, at::Tensor> registryMerge(const MergeTuner& tuner, const std::string& name, TensorParams p)
{
    const MergeMethod* method = findMethod(name);
    for (const ParamDef& def : method->params())
        if (!p.global.count(def.name))
            p.global[def.name] = def.defaultValue;
    p.perModel.resize(tuner.models().size());
    std::map<std::string, at::Tensor> out;
    for (const auto& [tensor, base] : tuner.base()) {
        std::vector<at::Tensor> inputs;
        for (const auto& m : tuner.models())
            inputs.push_back(m.at(tensor).clone());
        out[tensor] = method->merge(tensor, base, inputs, p);
    }
    return out;
}

// Allocates `bytes`, writes every page, frees the block, and tells whether its pages are still
// mapped and resident afterwards (checked on the middle half of the block).
bool freedBlockStaysResident(std::size_t bytes)
{
    char* block = static_cast<char*>(std::malloc(bytes));
    volatile char* touch = block;
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    for (std::size_t i = 0; i < bytes; i += page)
        touch[i] = 1;
    std::free(block);
    const auto start = (reinterpret_cast<std::uintptr_t>(block) + bytes / 4 + page - 1) & ~(page - 1);
    const std::size_t length = (bytes / 2) & ~(page - 1);
    std::vector<unsigned char> pages(length / page);
    if (mincore(reinterpret_cast<void*>(start), length, pages.data()) != 0)
        return false; // unmapped
    for (unsigned char p : pages)
        if (!(p & 1))
            return false;
    return true;
}

double maxDifference(const std::map<std::string, at::Tensor>& a, const std::map<std::string, at::Tensor>& b)
{
    double worst = 0;
    for (const auto& [name, t] : a)
        worst = std::max(worst, (t - b.at(name)).abs().max().item<double>());
    return worst;
}

} // namespace

class TestMergeTuner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shortcutsEqualTheRegistry_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<double>("density");
        QTest::addColumn<double>("weight0");
        QTest::addColumn<bool>("normalize");
        QTest::newRow("task_arithmetic") << "task_arithmetic" << -1.0 << 1.0 << false;
        QTest::newRow("task_arithmetic, weights") << "task_arithmetic" << -1.0 << 0.25 << false;
        QTest::newRow("task_arithmetic, weights, normalize") << "task_arithmetic" << -1.0 << 0.25 << true;
        QTest::newRow("ties 0.2") << "ties" << 0.2 << 1.0 << true;
        QTest::newRow("ties 0.5, weights") << "ties" << 0.5 << 0.5 << true;
        QTest::newRow("dare_ties 0.3") << "dare_ties" << 0.3 << 1.0 << false;
        QTest::newRow("breadcrumbs 0.6") << "breadcrumbs" << 0.6 << 0.5 << false;
    }
    void shortcutsEqualTheRegistry()
    {
        QFETCH(QString, method);
        QFETCH(double, density);
        QFETCH(double, weight0);
        QFETCH(bool, normalize);
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        MergeTuner tuner(set, 8, "val");
        CancelToken cancel;
        // Several lambdas in a row: the second and third reuse the kept lambda = 1 merge.
        for (double lambda : {0.3, 0.7, 1.0, -0.5}) {
            TensorParams p;
            p.global["lambda"] = lambda;
            if (density > 0)
                p.global["density"] = density;
            p.global["normalize"] = normalize ? 1 : 0;
            p.global["seed"] = 5;
            p.perModel = {{{"weight", weight0}}, {}};
            const auto fast = tuner.merge(tuner.recipe(method.toStdString(), p), cancel);
            const auto reference = registryMerge(tuner, method.toStdString(), p);
            QCOMPARE(fast.size(), reference.size());
            const double diff = maxDifference(fast, reference);
            QVERIFY2(
                diff < 1e-5,
                (method.toStdString() + " lambda " + std::to_string(lambda) + ": " + std::to_string(diff)).c_str());
        }
    }

    void newParametersInvalidateTheKeptMerge()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        MergeTuner tuner(set, 8, "val");
        CancelToken cancel;
        TensorParams p;
        p.global["density"] = 0.2;
        p.global["lambda"] = 0.5;
        tuner.merge(tuner.recipe("ties", p), cancel);
        p.global["density"] = 0.6; // a different trim: the kept merge must not be reused
        QVERIFY(maxDifference(tuner.merge(tuner.recipe("ties", p), cancel), registryMerge(tuner, "ties", p)) < 1e-5);
        p.perModel = {{{"weight", 0.1}}, {}};
        QVERIFY(maxDifference(tuner.merge(tuner.recipe("ties", p), cancel), registryMerge(tuner, "ties", p)) < 1e-5);
        // A cancelled merge leaves nothing half-made behind.
        CancelToken cancelled;
        cancelled.cancel();
        p.global["density"] = 0.9;
        QVERIFY_THROWS_EXCEPTION(CancelledError, tuner.merge(tuner.recipe("ties", p), cancelled));
        QVERIFY(maxDifference(tuner.merge(tuner.recipe("ties", p), cancel), registryMerge(tuner, "ties", p)) < 1e-5);
    }

    // The TIES trim (sparsifyMagnitude, run by the tuner's full merges) against a sort-based
    // reference: keep the k = int(density * n) largest magnitudes, equal magnitudes lowest index
    // first. Ties made on purpose (rounded values), signs mixed, and a NaN (the tensor-op path).
    void magnitudeTrimEqualsSortReference()
    {
        torch::manual_seed(4);
        for (int64_t n : {1, 7, 100, 4096}) {
            for (double density : {0.01, 0.1, 0.37, 0.5, 0.99}) {
                const at::Tensor delta = (at::randn({n}) * 4).round() / 4;      // many equal magnitudes
                at::Tensor fast = delta.clone().view({n % 4 == 0 ? 4 : 1, -1}); // 2-D when it divides
                sparsifyMagnitude(fast, density);
                const auto k = static_cast<int64_t>(density * static_cast<double>(n));
                at::Tensor expected = at::zeros_like(delta);
                if (k > 0) {
                    const at::Tensor order =
                        std::get<1>(delta.abs().sort(/*stable=*/true, /*dim=*/0, /*descending=*/true)).slice(0, 0, k);
                    expected.index_copy_(0, order, delta.index_select(0, order));
                }
                QVERIFY2(at::equal(fast.view({-1}), expected),
                         (std::to_string(n) + " " + std::to_string(density)).c_str());
            }
        }
        at::Tensor withNan = at::tensor({1.0f, -3.0f, NAN, 2.0f});
        sparsifyMagnitude(withNan, 0.5);
        QCOMPARE(withNan.ne(0).sum().item<int64_t>(), int64_t(2));
    }

    void badParametersAreInputErrors()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        MergeTuner tuner(set, 8, "val");
        CancelToken cancel;
        TensorParams p;
        p.global["density"] = 1.5;
        QVERIFY_THROWS_EXCEPTION(InputError, tuner.merge(tuner.recipe("ties", p), cancel));
        TensorParams tooMany;
        tooMany.perModel.resize(3);
        QVERIFY_THROWS_EXCEPTION(InputError, tuner.merge(tuner.recipe("task_arithmetic", tooMany), cancel));
        QVERIFY_THROWS_EXCEPTION(InputError, tuner.merge(tuner.recipe("no_such_method"), cancel));
    }

    // evaluate() == merge() then evaluateTensors(), and the accuracies follow the merge (the
    // base and a fine-tune score differently on this project).
    void evaluateIsMergeThenEvaluate()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        MergeTuner tuner(set, 24, "test");
        NullProgress quiet;
        CancelToken cancel;
        TensorParams p;
        p.global["lambda"] = 0.8;
        const EvalResult a = tuner.evaluate(tuner.recipe("task_arithmetic", p), quiet, cancel);
        const EvalResult b = tuner.evaluateTensors(registryMerge(tuner, "task_arithmetic", p), "x", quiet, cancel);
        QCOMPARE(a.tasks.size(), std::size_t(2));
        for (std::size_t i = 0; i < a.tasks.size(); ++i)
            QCOMPARE(a.tasks[i].correct, b.tasks[i].correct);
        QCOMPARE(a.tasks[0].samples, int64_t(24));
    }

    // Evaluation runs batches on its own threads with serial ops inside; whatever it changes
    // (OpenBLAS's thread count, this thread's OpenMP count) is back as it was afterwards.
    void threadSettingsAreRestored()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        at::set_num_threads(2);
        const int blasBefore = openBlasThreads();
        Evaluator evaluator(set, "test");
        evaluator.batchSize = 5; // several batches on both workers
        NullProgress quiet;
        CancelToken cancel;
        const EvalResult first = evaluator.evaluateCheckpoint(set.base.path, quiet, cancel);
        QCOMPARE(at::get_num_threads(), 2);
        QCOMPARE(openBlasThreads(), blasBefore);
        {
            ScopedThreadSettings outer(ScopedThreadSettings::kKeepIntraOp, /*serialBlas=*/true);
            if (blasBefore > 0)
                QCOMPARE(openBlasThreads(), 1);
            evaluator.evaluateCheckpoint(set.base.path, quiet, cancel);
            if (blasBefore > 0)
                QCOMPARE(openBlasThreads(), 1); // the outer guard still holds
        }
        QCOMPARE(openBlasThreads(), blasBefore);
        // Same answer single-threaded and with one sample per batch.
        at::set_num_threads(1);
        evaluator.batchSize = 1;
        const EvalResult serial = evaluator.evaluateCheckpoint(set.base.path, quiet, cancel);
        QCOMPARE(at::get_num_threads(), 1);
        at::set_num_threads(2);
        for (std::size_t i = 0; i < first.tasks.size(); ++i)
            QCOMPARE(serial.tasks[i].correct, first.tasks[i].correct);
    }

    // After an evaluation, a freed 24 MB block stays in the process, on this thread and on a new
    // one (another malloc arena); glibc's defaults unmap it (the first time on each thread).
    void freedHeapIsReused()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeTwoModelProject(dir.path().toStdString()));
        Evaluator evaluator(set, "test");
        NullProgress quiet;
        CancelToken cancel;
        evaluator.evaluateCheckpoint(set.base.path, quiet, cancel);
        if (!keepFreedHeapForReuse())
            QSKIP("not glibc: the allocator is left as it is");
        const std::size_t bytes = 24u << 20;
        bool onThread = false;
        std::thread worker([&] { onThread = freedBlockStaysResident(bytes); });
        worker.join();
        QVERIFY(onThread);
        QVERIFY(freedBlockStaysResident(bytes));
    }
};

QTEST_GUILESS_MAIN(TestMergeTuner)
#include "tst_merge_tuner.moc"
