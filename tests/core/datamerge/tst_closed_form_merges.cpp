// Fisher merging and RegMean against hand-computed or independently computed references (module
// autograd, joint least squares). The functional ViT's own tests: tests/core/models/tst_functional_vit.
#include "common/error.h"
#include "datamerge/fisher_merge.h"
#include "models/functional_vit.h"
#include "datamerge/regmean_merge.h"
#include "tiny_inputs.h"

#include <torch/torch.h>

#include <QtTest>

using namespace mergelab;

class TestClosedFormMerges : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fisherEqualFishersIsAverage()
    {
        DataMergeInputs in = tinyInputs(3, 2);
        std::vector<TensorMap> fishers(3);
        for (const std::string& name : vitParameterNames(in.config)) {
            at::Tensor f = at::rand(in.base.at(name).sizes()) + 0.1;
            for (auto& fm : fishers)
                fm[name] = f;
        }
        TensorMap merged = fisherMerge(in, fishers, 1e-8);
        for (const auto& [name, t] : merged) {
            at::Tensor mean = (in.finetuned[0].at(name) + in.finetuned[1].at(name) + in.finetuned[2].at(name)) / 3;
            QVERIFY2(at::allclose(t, mean, 1e-5, 1e-6), name.c_str());
        }
    }

    void fisherWeightsByHand()
    {
        // Two models, Fisher 3 and 1 everywhere: θ = (3 θ1 + θ2) / 4.
        DataMergeInputs in = tinyInputs(2, 2);
        std::vector<TensorMap> fishers(2);
        for (const std::string& name : vitParameterNames(in.config)) {
            fishers[0][name] = at::full(in.base.at(name).sizes(), 3.0f);
            fishers[1][name] = at::full(in.base.at(name).sizes(), 1.0f);
        }
        TensorMap merged = fisherMerge(in, fishers, 0.0);
        const std::string w = "vision_model.encoder.layers.0.mlp.fc1.weight";
        QVERIFY(at::allclose(merged.at(w), (3 * in.finetuned[0].at(w) + in.finetuned[1].at(w)) / 4, 1e-5, 1e-6));
        const std::string other = "text_model.extra.weight"; // not in the backbone: plain mean
        QVERIFY(at::allclose(merged.at(other), (in.finetuned[0].at(other) + in.finetuned[1].at(other)) / 2));
    }

    void fisherMatchesModuleAutograd()
    {
        // Reference: squared gradients of log p(argmax | x) through the LibTorch module.
        DataMergeInputs in = tinyInputs(1, 3);
        const EvalTask& task = in.tasks[0];
        ClipVitBackbone vit(in.config);
        vit.setParameters(in.finetuned[0], true, "tiny");
        TensorMap expected;
        auto named = vit.module()->named_parameters();
        std::vector<at::Tensor> params;
        for (const auto& p : named)
            params.push_back(p.value());
        for (int64_t s = 0; s < 3; ++s) {
            at::Tensor logp = at::log_softmax(task.head.logits(vit.embed(task.inputs.slice(0, s, s + 1))), -1);
            auto grads = torch::autograd::grad({logp[0][logp[0].argmax().item<int64_t>()]}, params);
            for (std::size_t i = 0; i < grads.size(); ++i) {
                const std::string& key = named[i].key();
                at::Tensor g2 = grads[i].square();
                expected[key] = expected.count(key) ? expected[key] + g2 : g2;
            }
        }
        FisherOptions o;
        o.label = "argmax";
        NullProgress progress;
        CancelToken cancel;
        TensorMap fisher = diagonalFisher(in.config, in.finetuned[0], task, o, progress, cancel);
        for (const auto& [name, f] : fisher)
            QVERIFY2(at::allclose(f, expected.at(name) / 3, 1e-3, 1e-9),
                     (name + " " + c10::str((f - expected.at(name) / 3).abs().max(), " ", f.abs().max())).c_str());
    }

    void regmeanIdentityGramsIsAverage()
    {
        at::manual_seed(5);
        std::vector<at::Tensor> weights = {at::randn({6, 4}), at::randn({6, 4}), at::randn({6, 4})};
        std::vector<at::Tensor> grams(3, at::eye(4));
        at::Tensor merged = regmeanLinear(grams, weights);
        QVERIFY(at::allclose(merged, (weights[0] + weights[1] + weights[2]) / 3, 1e-5, 1e-6));
    }

    void regmeanRecoversPlantedSolution_data()
    {
        QTest::addColumn<double>("noise");
        QTest::newRow("exact") << 0.0;
        QTest::newRow("noisy") << 0.3;
    }
    void regmeanRecoversPlantedSolution()
    {
        // Task i: y = W x (+ noise), fitted alone -> Wi. RegMean of the Wi must equal the least-squares
        // fit on all tasks' data together (torch lstsq on the stacked data), and W itself when exact.
        QFETCH(double, noise);
        at::manual_seed(7);
        at::Tensor planted = at::randn({5, 8}, at::kDouble);
        std::vector<at::Tensor> xs, ys, grams, weights;
        for (int task = 0; task < 3; ++task) {
            // Each task sees a different input distribution (scaled features), as tasks do.
            at::Tensor x = at::randn({40, 8}, at::kDouble) * at::rand({8}, at::kDouble).add(0.2 * task + 0.1);
            at::Tensor y = at::matmul(x, planted.t()) + noise * at::randn({40, 5}, at::kDouble);
            at::Tensor wi = std::get<0>(at::linalg_lstsq(x, y)).t();
            xs.push_back(x);
            ys.push_back(y);
            grams.push_back(at::matmul(x.t(), x));
            weights.push_back(wi);
        }
        at::Tensor merged = regmeanLinear(grams, weights);
        at::Tensor joint = std::get<0>(at::linalg_lstsq(at::cat(xs), at::cat(ys))).t();
        QVERIFY2(at::allclose(merged, joint, 1e-6, 1e-8), c10::str((merged - joint).abs().max()).c_str());
        if (noise == 0.0)
            QVERIFY(at::allclose(merged, planted, 1e-6, 1e-8));
        // Off-diagonal shrinkage: alpha = 0 keeps only the diagonal.
        at::Tensor g = at::tensor({4.0, 1.0, 2.0, 9.0}, at::kDouble).view({2, 2});
        QVERIFY(at::allclose(shrinkGram(g, 0.0), at::tensor({4.0, 0.0, 0.0, 9.0}, at::kDouble).view({2, 2})));
        QVERIFY(at::allclose(shrinkGram(g, 0.9), at::tensor({4.0, 0.9, 1.8, 9.0}, at::kDouble).view({2, 2})));
    }

    void regmeanOnTheVit()
    {
        // Identical fine-tunes: whatever the Grams, RegMean returns that model.
        DataMergeInputs in = tinyInputs(2, 6);
        in.finetuned[1] = in.finetuned[0];
        RegMeanOptions o;
        o.batchSize = 4;
        NullProgress progress;
        CancelToken cancel;
        TensorMap merged = runRegMean(in, o, progress, cancel);
        QCOMPARE(merged.size(), in.base.size());
        for (const auto& [name, t] : merged)
            QVERIFY2(at::allclose(t, in.finetuned[0].at(name), 1e-3, 1e-4), name.c_str());
        // Grams are means of x xᵀ over tokens: symmetric, positive diagonal, one per linear layer.
        TensorMap grams = collectGrams(in.config, in.finetuned[0], in.tasks[0].inputs, o, cancel);
        QCOMPARE(int(grams.size()), 2 * 6 + 1);
        const at::Tensor& g = grams.at("vision_model.encoder.layers.0.mlp.fc2");
        QCOMPARE(g.size(0), in.config.intermediateSize);
        QVERIFY(at::allclose(g, g.t()));
        QVERIFY(at::diagonal(g).min().item<float>() >= 0);
    }

    void cancelledFisherStops()
    {
        DataMergeInputs in = tinyInputs(2, 4);
        CancelToken cancel;
        cancel.cancel();
        NullProgress progress;
        QVERIFY_THROWS_EXCEPTION(CancelledError, runFisherMerge(in, FisherOptions(), progress, cancel));
    }
};

QTEST_GUILESS_MAIN(TestClosedFormMerges)
#include "tst_closed_form_merges.moc"
