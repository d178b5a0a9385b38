// Each merge method against values computed by hand on tiny tensors.
#include "memory_checkpoint.h"

#include "common/error.h"
#include "merge/merge_method.h"
#include "merge/sparsify.h"

#include <ATen/ATen.h>
#include <QtTest/QtTest>

#include <cmath>

using namespace mergelab;
using mergelab::test::vec;

namespace {

TensorParams params(std::map<std::string, double> global, std::vector<std::map<std::string, double>> perModel = {})
{
    TensorParams p;
    p.global = std::move(global);
    p.perModel = std::move(perModel);
    return p;
}

at::Tensor run(const std::string& method, const at::Tensor& base, std::vector<at::Tensor> models, const TensorParams& p,
               const std::string& tensor = "w")
{
    const MergeMethod* m = findMethod(method);
    if (!m)
        throw std::runtime_error("no method " + method);
    for (auto& t : models)
        t = t.clone(); // methods may overwrite their inputs
    return m->merge(tensor, base.defined() ? base.clone() : base, models, p);
}

bool near(const at::Tensor& a, const at::Tensor& b, double tol = 1e-5)
{
    if (!a.sizes().equals(b.sizes()))
        return false;
    return at::allclose(a, b, tol, tol);
}

} // namespace

class TestMergeMethods : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void registry()
    {
        for (const char* name : {"linear", "task_arithmetic", "ties", "dare_linear", "dare_ties", "breadcrumbs",
                                 "breadcrumbs_ties", "slerp", "model_stock", "passthrough"})
            QVERIFY2(findMethod(name) != nullptr, name);
        QVERIFY(findMethod("nope") == nullptr);
        QCOMPARE(findMethod("ties")->params().size() > 3, true);
    }

    void handValues_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("case_");
        QTest::newRow("linear weighted") << "linear"
                                         << "linear";
        QTest::newRow("linear no normalize") << "linear"
                                             << "linear_raw";
        QTest::newRow("task arithmetic") << "task_arithmetic"
                                         << "ta";
        QTest::newRow("task arithmetic lambda") << "task_arithmetic"
                                                << "ta_lambda";
        QTest::newRow("ties") << "ties"
                              << "ties";
        QTest::newRow("breadcrumbs") << "breadcrumbs"
                                     << "breadcrumbs";
        QTest::newRow("slerp orthogonal") << "slerp"
                                          << "slerp";
        QTest::newRow("slerp collinear falls back to lerp") << "slerp"
                                                            << "slerp_lerp";
        QTest::newRow("model stock orthogonal") << "model_stock"
                                                << "ms0";
        QTest::newRow("model stock 45 degrees") << "model_stock"
                                                << "ms45";
        QTest::newRow("passthrough scale") << "passthrough"
                                           << "pass";
    }

    void handValues()
    {
        QFETCH(QString, method);
        QFETCH(QString, case_);
        const std::string c = case_.toStdString();
        at::Tensor got, want;
        if (c == "linear") {
            got = run("linear", {}, {vec({1, 2, 3}), vec({3, 4, 5})}, params({}, {{{"weight", 1}}, {{"weight", 3}}}));
            want = vec({2.5, 3.5, 4.5});
        } else if (c == "linear_raw") {
            got = run("linear", {}, {vec({1, 2}), vec({3, 4})},
                      params({{"normalize", 0}}, {{{"weight", 0.5}}, {{"weight", 2}}}));
            want = vec({6.5, 9});
        } else if (c == "ta") {
            got = run("task_arithmetic", vec({1, 1, 1, 1}), {vec({2, -1, 4, 1}), vec({2, 3, 0, 5})},
                      params({}, {{{"weight", 0.5}}, {{"weight", 0.5}}}));
            want = vec({2, 1, 2, 3});
        } else if (c == "ta_lambda") {
            got = run("task_arithmetic", vec({0, 0}), {vec({1, -2}), vec({3, 2})}, params({{"lambda", 2}}));
            want = vec({8, 0});
        } else if (c == "ties") {
            // Trim to 2 of 4: m1 -> [0,-2,3,0], m2 -> [-3,0,2,0]; elected signs from the sum
            // [-3,-2,5,0] are -,-,+,+; disjoint mean: [-3/1, -2/1, (3+2)/2, 0].
            got = run("ties", vec({0, 0, 0, 0}), {vec({1, -2, 3, 0.5}), vec({-3, 1, 2, 0.1})},
                      params({{"density", 0.5}}));
            want = vec({-3, -2, 2.5, 0});
        } else if (c == "breadcrumbs") {
            // 10 entries, density 0.5, gamma 0.1: drop the largest 1 and the smallest 4.
            got = run("breadcrumbs", at::zeros({10}), {at::arange(1, 11, at::kFloat)},
                      params({{"density", 0.5}, {"gamma", 0.1}}));
            want = vec({0, 0, 0, 0, 5, 6, 7, 8, 9, 0});
        } else if (c == "slerp") {
            got = run("slerp", vec({1, 0}), {vec({0, 1})}, params({{"t", 0.5}}));
            want = vec({std::sqrt(0.5f), std::sqrt(0.5f)});
        } else if (c == "slerp_lerp") {
            got = run("slerp", vec({1, 1}), {vec({2, 2})}, params({{"t", 0.25}}));
            want = vec({1.25, 1.25});
        } else if (c == "ms0") {
            got = run("model_stock", vec({0, 0}), {vec({1, 0}), vec({0, 1})}, params({}));
            want = vec({0, 0});
        } else if (c == "ms45") {
            const float cosv = std::sqrt(0.5f), t = 2 * cosv / (1 + cosv);
            got = run("model_stock", vec({0, 0}), {vec({1, 0}), vec({1, 1})}, params({}));
            want = vec({t * 1.0f, t * 0.5f});
        } else if (c == "pass") {
            got = run("passthrough", vec({1, 2}), {}, params({{"scale", 3}}));
            want = vec({3, 6});
        }
        QVERIFY2(near(got, want), (method + ": " + case_).toUtf8());
    }

    void tiesSignElectionUsesWeightedSum()
    {
        // Weighted deltas [2] and [-1 * 3] -> sum -1 -> negative sign wins; only model 2 agrees.
        const at::Tensor got =
            run("ties", vec({0}), {vec({2}), vec({-1})}, params({}, {{{"weight", 1}}, {{"weight", 3}}}));
        QVERIFY(near(got, vec({-1})));
    }

    void dareIsSeededPerTensorAndModel()
    {
        const at::Tensor base = at::zeros({4000});
        const at::Tensor m = at::ones({4000});
        const TensorParams p = params({{"density", 0.25}, {"seed", 7}});
        const at::Tensor a = run("dare_linear", base, {m}, p, "a");
        const at::Tensor a2 = run("dare_linear", base, {m}, p, "a");
        const at::Tensor b = run("dare_linear", base, {m}, p, "b");
        QVERIFY(at::equal(a, a2));
        QVERIFY(!at::equal(a, b));
        // Survivors are rescaled by 1/density; about a quarter survive.
        QVERIFY(at::logical_or(a.eq(0), a.eq(4)).all().item<bool>());
        const double kept = a.ne(0).sum().item<double>() / 4000.0;
        QVERIFY2(std::abs(kept - 0.25) < 0.03, std::to_string(kept).c_str());
        const at::Tensor other = run("dare_linear", base, {m}, params({{"density", 0.25}, {"seed", 8}}), "a");
        QVERIFY(!at::equal(a, other));
    }

    void magnitudeTiesKeepExactlyK()
    {
        at::Tensor d = at::ones({10});
        sparsifyMagnitude(d, 0.3);
        QCOMPARE(d.ne(0).sum().item<int64_t>(), int64_t(3));
        QVERIFY(at::equal(d.slice(0, 0, 3), at::ones({3}))); // lowest indices first
    }

    void derivedSeedIsFnv1a()
    {
        // FNV-1a 64 of "0:w:0", computed independently (python: see tests/fixtures/merge/make_merge_refs.py).
        uint64_t h = 14695981039346656037ull;
        for (unsigned char ch : std::string("0:w:0")) {
            h ^= ch;
            h *= 1099511628211ull;
        }
        QCOMPARE(derivedSeed(0, "w", 0), h & 0x7fffffffffffffffull);
    }

    void validateRanges_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("param");
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("models");
        QTest::addColumn<QString>("message");
        QTest::newRow("density 0") << "ties"
                                   << "density" << 0.0 << 2 << "density";
        QTest::newRow("density > 1") << "dare_ties"
                                     << "density" << 1.5 << 2 << "density";
        QTest::newRow("t > 1") << "slerp"
                               << "t" << 1.5 << 1 << "t = ";
        QTest::newRow("slerp with 3 models") << "slerp"
                                             << "t" << 0.5 << 2 << "exactly two models";
        QTest::newRow("model_stock with 2 models") << "model_stock"
                                                   << "lambda" << 1.0 << 1 << "at least three";
    }

    void validateRanges()
    {
        QFETCH(QString, method);
        QFETCH(QString, param);
        QFETCH(double, value);
        QFETCH(int, models);
        QFETCH(QString, message);
        try {
            findMethod(method.toStdString())->validate(params({{param.toStdString(), value}}), models);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestMergeMethods)
#include "tst_merge_methods.moc"
