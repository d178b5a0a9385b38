// Router fine-tuning on the tiny MoE ViT fixture: the load-balancing loss against hand-computed values,
// the task loss (measured independently, on all samples, after training) goes down, a strong balance
// weight keeps every expert's share within bounds, only routers change, and cancelling stops it.
#include "common/error.h"
#include "eval/evaluator.h"
#include "jobs/job.h"
#include "moe/moe_vit.h"
#include "moe/router_finetune.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <QtTest/QtTest>

using namespace mergelab;

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}

// Two tasks on random 3x8x8 images; labels are a fixed function of the image (sign of its mean over
// one colour channel) so routing can help, heads random.
std::vector<EvalTask> tinyTasks()
{
    at::manual_seed(3);
    std::vector<EvalTask> tasks;
    for (int t = 0; t < 2; ++t) {
        EvalTask task;
        task.name = "task" + std::to_string(t);
        task.inputs = at::randn({48, 3, 8, 8}) + (t == 0 ? 0.5 : -0.5);
        task.labels = (task.inputs.select(1, t).mean({1, 2}) > (t == 0 ? 0.5 : -0.5)).to(at::kLong);
        task.head.weight = at::randn({2, 4});
        task.head.normalize = true;
        tasks.push_back(task);
    }
    return tasks;
}

// Mean cross-entropy over every sample of every task (no sampling, no balance term).
double fullTaskLoss(MoeVitBackbone& model, const std::vector<EvalTask>& tasks)
{
    at::NoGradGuard noGrad;
    double total = 0;
    for (const EvalTask& t : tasks)
        total += at::nll_loss(at::log_softmax(t.head.logits(model.embed(t.inputs)), 1), t.labels).item<double>();
    return total / static_cast<double>(tasks.size());
}

std::vector<double> usageOf(MoeVitBackbone& model, const std::vector<EvalTask>& tasks)
{
    at::NoGradGuard noGrad;
    MoeRouting routing;
    for (const EvalTask& t : tasks)
        model.embed(t.inputs, &routing);
    at::Tensor chosen = at::cat(routing.selected.at(0)).reshape({-1});
    at::Tensor counts = at::bincount(chosen, {}, 4).to(at::kDouble) / static_cast<double>(chosen.numel());
    return std::vector<double>(counts.data_ptr<double>(), counts.data_ptr<double>() + 4);
}
} // namespace

class TestRouterFinetune : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void balanceLossByHand()
    {
        // Uniform routing: 1.
        QVERIFY(std::abs(loadBalancingLoss(at::full({4, 4}, 0.25), at::tensor({0, 1, 2, 3}, at::kLong).unsqueeze(1))
                             .item<double>() -
                         1.0) < 1e-9);
        // f = [0.5, 0.5, 0], P = [0.4, 0.5, 0.1]: 3 x (0.2 + 0.25) = 1.35.
        const at::Tensor probs = at::tensor({0.7, 0.2, 0.1, 0.1, 0.8, 0.1}, at::kDouble).reshape({2, 3});
        const at::Tensor top1 = at::tensor({0, 1}, at::kLong).reshape({2, 1});
        QVERIFY(std::abs(loadBalancingLoss(probs, top1).item<double>() - 1.35) < 1e-9);
        // Everything on expert 0 with probability 1: E.
        const at::Tensor collapsed = at::tensor({1.0, 0.0, 0.0, 1.0, 0.0, 0.0}, at::kDouble).reshape({2, 3});
        QVERIFY(std::abs(loadBalancingLoss(collapsed, at::zeros({2, 1}, at::kLong)).item<double>() - 3.0) < 1e-9);
    }

    void lowersTaskLossAndOnlyTouchesRouters()
    {
        auto model = loadMoeVit(fixture("moe_vit"));
        const auto tasks = tinyTasks();
        const auto before = model->parameters();
        std::map<std::string, at::Tensor> frozen;
        for (const auto& [name, t] : before)
            frozen[name] = t.clone();
        const double lossBefore = fullTaskLoss(*model, tasks);
        RouterFinetuneOptions options;
        options.steps = 60;
        options.learningRate = 0.05;
        options.batchPerTask = 24;
        NullProgress progress;
        CancelToken cancel;
        const RouterFinetuneResult r = finetuneRouters(*model, tasks, options, progress, cancel);
        QCOMPARE(int(r.history.size()), 60);
        const double lossAfter = fullTaskLoss(*model, tasks);
        QVERIFY2(lossAfter < lossBefore - 0.01, qPrintable(QStringLiteral("%1 -> %2").arg(lossBefore).arg(lossAfter)));
        for (const auto& [name, t] : model->parameters()) {
            const bool router = name.find(".gate.weight") != std::string::npos;
            QCOMPARE(at::equal(t, frozen.at(name)), !router);
            QVERIFY(!t.requires_grad()); // left frozen for inference
        }
        QCOMPARE(int(r.routers.size()), 1);
        QVERIFY(at::equal(r.routers.begin()->second, model->blocks().at(0).router));
    }

    void strongBalanceWeightKeepsUsageWithinBounds()
    {
        auto model = loadMoeVit(fixture("moe_vit"));
        const auto tasks = tinyTasks();
        RouterFinetuneOptions options;
        options.steps = 80;
        options.learningRate = 0.05;
        options.balanceWeight = 1.0;
        NullProgress progress;
        CancelToken cancel;
        const RouterFinetuneResult r = finetuneRouters(*model, tasks, options, progress, cancel);
        QVERIFY2(r.history.back().balanceLoss < 1.25, qPrintable(QString::number(r.history.back().balanceLoss)));
        for (double u : usageOf(*model, tasks)) // 4 experts, top-2: uniform is 0.25 of the slots each
            QVERIFY2(u > 0.1 && u < 0.45, qPrintable(QString::number(u)));
    }

    void cancelStops()
    {
        auto model = loadMoeVit(fixture("moe_vit"));
        NullProgress progress;
        CancelToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, finetuneRouters(*model, tinyTasks(), {}, progress, cancel));
        QVERIFY(!model->blocks().at(0).router.requires_grad());
    }

    void badInputRefused()
    {
        auto model = loadMoeVit(fixture("moe_vit"));
        NullProgress progress;
        CancelToken cancel;
        QVERIFY_THROWS_EXCEPTION(InputError, finetuneRouters(*model, {}, {}, progress, cancel));
        RouterFinetuneOptions bad;
        bad.learningRate = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, finetuneRouters(*model, tinyTasks(), bad, progress, cancel));
    }
};

QTEST_GUILESS_MAIN(TestRouterFinetune)
#include "tst_router_finetune.moc"
