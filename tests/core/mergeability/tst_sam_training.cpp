// The trainer's sharpness-aware step: with rho = 0 it is plain training step for step; with rho > 0
// its first step follows the gradient taken at theta + rho g/|g|, computed here independently.
#include "zoo/trainer.h"

#include "jobs/job.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/loss.h>

#include <QtTest>

#include <cmath>

using namespace mergelab;

namespace {

ClipVisionConfig tinyConfig()
{
    ClipVisionConfig c;
    c.hiddenSize = 16;
    c.intermediateSize = 32;
    c.numHiddenLayers = 1;
    c.numAttentionHeads = 2;
    c.imageSize = 8;
    c.patchSize = 4;
    c.numChannels = 1;
    c.projectionDim = 8;
    return c;
}

ClipVisionModel makeModel(uint64_t seed)
{
    at::manual_seed(seed);
    return ClipVisionModel(tinyConfig());
}

std::vector<at::Tensor> snapshot(ClipVisionModel& m)
{
    std::vector<at::Tensor> out;
    for (const at::Tensor& p : m->parameters())
        out.push_back(p.detach().clone());
    return out;
}

at::Tensor unitRows(const at::Tensor& w)
{
    return 20.0 * w / w.norm(2, -1, true);
}

TrainSettings settings(int64_t steps, bool sam, double rho)
{
    TrainSettings s;
    s.steps = steps;
    s.batchSize = 8;
    s.learningRate = 1e-2;
    s.weightDecay = 0.0;
    s.warmupSteps = 2;
    s.sam = sam;
    s.samRho = rho;
    return s;
}

} // namespace

class TestSamTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::set_num_threads(1); } // bit-for-bit comparisons

    void samWithRhoZeroEqualsPlainStepForStep()
    {
        at::manual_seed(11);
        const at::Tensor inputs = at::randn({32, 1, 8, 8});
        const at::Tensor labels = at::randint(0, 3, {32}, at::kLong);
        const at::Tensor fixedHead = unitRows(at::randn({3, 8}));
        CancelToken cancel;
        ClipVisionModel plain = makeModel(5), sam0 = makeModel(5), sam = makeModel(5);
        std::vector<double> plainLoss, sam0Loss;
        for (int64_t steps = 1; steps <= 3; ++steps) {
            // Step by step: after 1, 2, 3 steps (fresh optimiser per call, same batches) the weights agree.
            ClipVisionModel a = makeModel(5), b = makeModel(5);
            at::Tensor ha = fixedHead.clone(), hb = fixedHead.clone();
            trainClassifier(a, ha, false, inputs, labels, settings(steps, false, 0), 7, {}, cancel);
            trainClassifier(b, hb, false, inputs, labels, settings(steps, true, 0.0), 7, {}, cancel);
            const auto pa = snapshot(a), pb = snapshot(b);
            for (std::size_t i = 0; i < pa.size(); ++i)
                QVERIFY2(at::equal(pa[i], pb[i]),
                         qPrintable(QString("after %1 steps, parameter %2 differs").arg(steps).arg(i)));
        }
        at::Tensor h1 = fixedHead.clone(), h2 = fixedHead.clone(), h3 = fixedHead.clone();
        trainClassifier(
            plain, h1, false, inputs, labels, settings(50, false, 0), 7,
            [&](int64_t, double l) { plainLoss.push_back(l); }, cancel);
        trainClassifier(
            sam0, h2, false, inputs, labels, settings(50, true, 0.0), 7,
            [&](int64_t, double l) { sam0Loss.push_back(l); }, cancel);
        trainClassifier(sam, h3, false, inputs, labels, settings(50, true, 0.05), 7, {}, cancel);
        QCOMPARE(plainLoss, sam0Loss);
        const auto pp = snapshot(plain), p0 = snapshot(sam0), ps = snapshot(sam);
        bool samDiffers = false;
        for (std::size_t i = 0; i < pp.size(); ++i) {
            QVERIFY(at::equal(pp[i], p0[i]));
            samDiffers = samDiffers || !at::equal(pp[i], ps[i]);
        }
        QVERIFY(samDiffers);
        QVERIFY(at::equal(h1, fixedHead)); // the frozen head stays frozen
    }

    void firstSamStepUsesTheGradientAtTheAscentPoint()
    {
        // One training sample: every batch is that sample repeated, so its loss is the sample's.
        at::manual_seed(12);
        const at::Tensor x = at::randn({1, 1, 8, 8});
        const at::Tensor y = at::tensor({2}, at::kLong);
        const at::Tensor head = unitRows(at::randn({3, 8}));
        const double rho = 0.5;
        const TrainSettings s = settings(1, true, rho);

        // Reference: g at theta, e = rho g/|g|, g' at theta + e; AdamW's first step moves each
        // coordinate by -lr0 * g'/(|g'| + eps) (bias-corrected m/sqrt(v)); clipping rescales g' uniformly.
        ClipVisionModel ref = makeModel(9);
        const auto before = snapshot(ref);
        auto lossOf = [&](ClipVisionModel& m) {
            at::Tensor e = m->forward(x);
            return torch::nn::functional::cross_entropy(at::matmul(e / e.norm(2, -1, true), head.t()), y);
        };
        std::vector<at::Tensor> params = ref->parameters();
        lossOf(ref).backward();
        double sq = 0;
        for (auto& p : params)
            sq += p.grad().pow(2).sum().item<double>();
        {
            at::NoGradGuard g;
            for (auto& p : params)
                p.add_(p.grad() * (rho / std::sqrt(sq)));
        }
        for (auto& p : params)
            p.mutable_grad() = at::Tensor();
        lossOf(ref).backward();
        double sq2 = 0;
        for (auto& p : params)
            sq2 += p.grad().pow(2).sum().item<double>();
        const double clip = std::min(1.0, 1.0 / (std::sqrt(sq2) + 1e-6));
        const double lr0 = s.learningRate / double(s.warmupSteps);

        ClipVisionModel trained = makeModel(9);
        at::Tensor h = head.clone();
        CancelToken cancel;
        trainClassifier(trained, h, false, x, y, s, 3, {}, cancel);
        const auto after = snapshot(trained);
        double worst = 0;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const at::Tensor g = params[i].grad() * clip;
            const at::Tensor want = before[i] - lr0 * g / (g.abs() + 1e-8);
            // Where the gradient is round-off noise (e.g. k_proj.bias, which softmax ignores), Adam's
            // sign-like first step is noise too: only check that it stays within one step.
            const at::Tensor solid = g.abs() > 1e-5;
            const at::Tensor deviation = (after[i] - want).abs();
            worst = std::max(worst, at::where(solid, deviation, at::zeros_like(deviation)).max().item<double>());
            const double moved = (after[i] - before[i]).abs().max().item<double>();
            QVERIFY2(moved <= lr0 * (1 + 1e-3),
                     qPrintable(QString("parameter %1 moved %2 > lr0 %3").arg(i).arg(moved).arg(lr0)));
        }
        QVERIFY2(worst < 1e-6, qPrintable(QString("max deviation %1").arg(worst)));
    }
};

QTEST_GUILESS_MAIN(TestSamTraining)
#include "tst_sam_training.moc"
