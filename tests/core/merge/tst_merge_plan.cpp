// MergePlan and the in-memory merge: validation messages, gradients and filters applied to the
// right tensors, copies of integer tensors, NaN/Inf handling.
#include "memory_checkpoint.h"

#include "common/error.h"
#include "jobs/job.h"
#include "merge/merge_engine.h"

#include <QtTest/QtTest>

using namespace mergelab;
using mergelab::test::MemoryCheckpoint;
using mergelab::test::vec;

namespace {

// base: zeros; model i: all (i + 1). Four layers of attention and mlp, an embedding and a head.
std::shared_ptr<MemoryCheckpoint> model(const std::string& path, float value)
{
    auto c = std::make_shared<MemoryCheckpoint>(path);
    c->add("embed_tokens.weight", at::full({4, 2}, value));
    for (int l = 0; l < 4; ++l) {
        c->add("layers." + std::to_string(l) + ".self_attn.q.weight", at::full({2, 2}, value));
        c->add("layers." + std::to_string(l) + ".mlp.up.weight", at::full({3}, value));
    }
    c->add("lm_head.weight", at::full({2, 2}, value));
    c->add("position_ids", at::arange(4, at::kLong));
    return c;
}

Recipe recipe(const std::string& method, int models)
{
    Recipe r;
    r.method = method;
    r.base = "base";
    for (int i = 0; i < models; ++i)
        r.models.push_back({"m" + std::to_string(i + 1), {}});
    return r;
}

MergeSources sources(int models)
{
    MergeSources s;
    s.base = model("base", 0);
    for (int i = 0; i < models; ++i)
        s.models.push_back(model("m" + std::to_string(i + 1), static_cast<float>(i + 1)));
    return s;
}

float valueOf(const std::map<std::string, at::Tensor>& merged, const std::string& name)
{
    return merged.at(name).flatten()[0].item<float>();
}

template <typename Fn>
QString errorOf(Fn fn)
{
    try {
        fn();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestMergePlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gradientAcrossLayers()
    {
        // task_arithmetic, one model of value 1, weight [0, 1] across depth: layer l gets l/3;
        // the embedding is at depth 0 and the head at depth 1 (mergekit's pre/post weights).
        Recipe r = recipe("task_arithmetic", 1);
        r.params["weight"] = ParamSetting::gradient({0, 1});
        const auto merged = mergeInMemory(r, sources(1));
        for (int l = 0; l < 4; ++l)
            QCOMPARE(valueOf(merged, "layers." + std::to_string(l) + ".mlp.up.weight"), l / 3.0f);
        QCOMPARE(valueOf(merged, "embed_tokens.weight"), 0.0f);
        QCOMPARE(valueOf(merged, "lm_head.weight"), 1.0f);
    }

    void filtersHitTheRightTensors()
    {
        Recipe r = recipe("task_arithmetic", 1);
        r.params["weight"] =
            ParamSetting::conditional({ParamSetting::makeCondition("self_attn", ParamSetting(0.25), "weight"),
                                       ParamSetting::makeCondition("mlp", ParamSetting::gradient({1, 0}), "weight"),
                                       ParamSetting::makeCondition("", ParamSetting(0.5), "weight")});
        const auto merged = mergeInMemory(r, sources(1));
        QCOMPARE(valueOf(merged, "layers.2.self_attn.q.weight"), 0.25f);
        QCOMPARE(valueOf(merged, "layers.0.mlp.up.weight"), 1.0f);
        QCOMPARE(valueOf(merged, "layers.3.mlp.up.weight"), 0.0f);
        QCOMPARE(valueOf(merged, "lm_head.weight"), 0.5f);
    }

    void perModelOverGlobalAndOverrides()
    {
        // Model 1 (value 1) has its own weight 2; model 2 (value 2) takes the global 1, except in
        // tensors matched by an override. Overrides only replace global parameters.
        Recipe r = recipe("task_arithmetic", 2);
        r.models[0].params["weight"] = ParamSetting(2.0);
        r.params["weight"] = ParamSetting(1.0);
        r.overrides.push_back({"lm_head", {{"weight", ParamSetting(0.0)}}});
        const auto merged = mergeInMemory(r, sources(2));
        QCOMPARE(valueOf(merged, "layers.0.mlp.up.weight"), 2 * 1.0f + 1 * 2.0f);
        QCOMPARE(valueOf(merged, "lm_head.weight"), 2 * 1.0f + 0 * 2.0f);
    }

    void integerTensorsAreCopied()
    {
        const auto merged = mergeInMemory(recipe("ties", 2), sources(2));
        QCOMPARE(merged.at("position_ids").scalar_type(), at::kLong);
        QVERIFY(at::equal(merged.at("position_ids"), at::arange(4, at::kLong)));
    }

    void filterPredicateAndDtype()
    {
        InMemoryMergeOptions o;
        o.filter = [](const std::string& n) { return n.find("mlp") != std::string::npos; };
        o.float32 = false;
        Recipe r = recipe("linear", 2);
        r.outDtype = DType::BF16;
        const auto merged = mergeInMemory(r, sources(2), o);
        QCOMPARE(merged.size(), std::size_t(4));
        QCOMPARE(merged.at("layers.1.mlp.up.weight").scalar_type(), at::kBFloat16);
        QCOMPARE(merged.at("layers.1.mlp.up.weight").to(at::kFloat)[0].item<float>(), 1.5f);
    }

    void validationErrors_data()
    {
        QTest::addColumn<QString>("case_");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing tensor") << "missing"
                                        << "m2: layers.1.mlp.up.weight: missing in model 2 (m2)";
        QTest::newRow("shape mismatch") << "shape"
                                        << "m1: lm_head.weight: shape [3, 2] in m1 but [2, 2] in base";
        QTest::newRow("density out of range, per tensor") << "density"
                                                          << "layers.0.mlp.up.weight: ties: density = 0";
        QTest::newRow("dtype mix int/float") << "intfloat"
                                             << "position_ids: dtype F32 in m1 but I64 in base";
        QTest::newRow("strict NaN") << "nan"
                                    << "m1: lm_head.weight: 1 NaN/Inf values (--strict";
    }

    void validationErrors()
    {
        QFETCH(QString, case_);
        QFETCH(QString, message);
        MergeSources s = sources(2);
        Recipe r = recipe("ties", 2);
        MergeOptions o;
        auto replace = [&](int i, const std::string& name, const at::Tensor& t) {
            auto c = std::make_shared<MemoryCheckpoint>(s.models[i]->path());
            for (const TensorInfo& info : s.models[i]->tensors())
                if (info.name != name)
                    c->add(info.name, toTorch(s.models[i]->read(info.name)));
            if (t.defined())
                c->add(name, t);
            s.models[i] = c;
        };
        if (case_ == "missing")
            replace(1, "layers.1.mlp.up.weight", {});
        else if (case_ == "shape")
            replace(0, "lm_head.weight", at::ones({3, 2}));
        else if (case_ == "density")
            r.params["density"] =
                ParamSetting::conditional({ParamSetting::makeCondition("mlp", ParamSetting(0.0), "density")});
        else if (case_ == "intfloat")
            replace(0, "position_ids", at::ones({4}));
        else if (case_ == "nan") {
            replace(0, "lm_head.weight", vec({1, NAN, 1, 1}).reshape({2, 2}));
            o.strict = true;
        }
        const QString got = errorOf([&] {
            MergePlan plan(r, s, o);
            NonFiniteCounter counter;
            for (const PlannedTensor& t : plan.tensors())
                plan.mergeTensor(t, counter);
        });
        QVERIFY2(got.contains(message), qPrintable("got: " + got));
    }

    void allowMissingTakesTheBase()
    {
        MergeSources s = sources(1);
        auto partial = std::make_shared<MemoryCheckpoint>("m1");
        partial->add("lm_head.weight", at::full({2, 2}, 4.0f));
        s.models[0] = partial;
        Recipe r = recipe("task_arithmetic", 1);
        InMemoryMergeOptions o;
        o.allowMissing = true;
        const auto merged = mergeInMemory(r, s, o);
        QCOMPARE(valueOf(merged, "lm_head.weight"), 4.0f);
        QCOMPARE(valueOf(merged, "layers.0.mlp.up.weight"), 0.0f);
    }

    void nanIsAWarningByDefault()
    {
        MergeSources s = sources(1);
        auto c = std::make_shared<MemoryCheckpoint>("m1");
        for (const TensorInfo& info : s.models[0]->tensors())
            c->add(info.name, info.name == "lm_head.weight" ? vec({INFINITY, NAN, 1, 1}).reshape({2, 2})
                                                            : toTorch(s.models[0]->read(info.name)));
        s.models[0] = c;
        std::vector<std::string> logs;
        CallbackProgress progress({}, [&](const std::string& l) { logs.push_back(l); });
        mergeInMemory(recipe("task_arithmetic", 1), s, {}, &progress);
        bool found = false;
        for (const auto& l : logs)
            found = found || l.find("m1: lm_head.weight: 2 NaN/Inf values") != std::string::npos;
        QVERIFY(found);
    }

    void cancelStopsTheInMemoryMerge()
    {
        CancelToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, mergeInMemory(recipe("ties", 2), sources(2), {}, nullptr, &cancel));
    }

    void dryRunDescribes()
    {
        const MergePlan plan(recipe("ties", 2), sources(2));
        const QString text = QString::fromStdString(plan.describe());
        QVERIFY(text.contains("tensors: 11 (1 copied"));
        QVERIFY(text.contains("estimated peak memory"));
        QVERIFY(plan.outputBytes() > 0);
    }
};

QTEST_GUILESS_MAIN(TestMergePlan)
#include "tst_merge_plan.moc"
