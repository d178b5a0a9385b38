// Sharpness on constructed quadratics, checked against the closed form
// L_b(x + e) - L_b(x) = rho |g_b| + rho^2/2 g_b' diag(lambda) g_b / |g_b|^2, g_b = lambda * (x - c_b).
#include "common/error.h"
#include "mergeability/sharpness.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cmath>

using namespace mergelab;

namespace {

// Batch b's loss: 0.5 sum_i lambda_i (x_i - c_b,i)^2.
BatchLoss quadraticLoss(const at::Tensor& x, const at::Tensor& lambda, const std::vector<at::Tensor>& centres)
{
    return [=](int64_t b) { return 0.5 * (lambda * (x - centres[std::size_t(b)]).pow(2)).sum(); };
}

double closedForm(const std::vector<double>& lambda, const std::vector<std::vector<double>>& centres, double rho)
{
    double total = 0;
    for (const auto& c : centres) {
        double g2 = 0, curv = 0;
        for (std::size_t i = 0; i < lambda.size(); ++i) {
            const double g = -lambda[i] * c[i]; // at x = 0
            g2 += g * g;
            curv += lambda[i] * g * g;
        }
        total += g2 > 0 ? rho * std::sqrt(g2) + 0.5 * rho * rho * curv / g2 : 0.0;
    }
    return total / double(centres.size());
}

} // namespace

class TestSharpness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quadratic_data()
    {
        QTest::addColumn<double>("l0");
        QTest::addColumn<double>("l1");
        QTest::addColumn<double>("rho");
        // Batches disagree only along direction 0: flat there means no loss rise at all.
        QTest::newRow("flat direction") << 0.0 << 3.0 << 0.1;
        QTest::newRow("curvature 1") << 1.0 << 3.0 << 0.1;
        QTest::newRow("curvature 4") << 4.0 << 3.0 << 0.1;
        QTest::newRow("curvature 16") << 16.0 << 3.0 << 0.1;
        QTest::newRow("curvature 4, rho 0.5") << 4.0 << 3.0 << 0.5;
        QTest::newRow("rho 0") << 4.0 << 3.0 << 0.0;
    }

    void quadratic()
    {
        QFETCH(double, l0);
        QFETCH(double, l1);
        QFETCH(double, rho);
        // x = 0 is the minimum of the mean loss (centres symmetric about 0, along direction 0 only).
        const std::vector<std::vector<double>> centres = {{1.0, 0.0}, {-1.0, 0.0}, {0.5, 0.0}, {-0.5, 0.0}};
        std::vector<at::Tensor> c;
        for (const auto& v : centres)
            c.push_back(at::tensor(v, at::kDouble));
        at::Tensor x = at::zeros({2}, at::kDouble).set_requires_grad(true);
        const at::Tensor lambda = at::tensor({l0, l1}, at::kDouble);
        CancelToken cancel;
        const SharpnessResult r = sharpness({x}, quadraticLoss(x, lambda, c), 4, rho, cancel);
        const double want = closedForm({l0, l1}, centres, rho);
        QCOMPARE(r.batches, int64_t(4));
        QVERIFY2(std::abs(r.sharpness - want) < 1e-12, qPrintable(QString("%1 vs %2").arg(r.sharpness).arg(want)));
        if (l0 == 0 || rho == 0)
            QCOMPARE(r.sharpness, 0.0);
        QVERIFY(at::equal(x, at::zeros({2}, at::kDouble))); // restored exactly
    }

    void growsWithCurvature()
    {
        const std::vector<at::Tensor> c = {at::tensor({1.0, 1.0}, at::kDouble), at::tensor({-1.0, -1.0}, at::kDouble)};
        double previous = -1;
        for (double k : {0.0, 0.5, 1.0, 2.0, 8.0}) {
            at::Tensor x = at::zeros({2}, at::kDouble).set_requires_grad(true);
            CancelToken cancel;
            const double s =
                sharpness({x}, quadraticLoss(x, at::tensor({k, k}, at::kDouble), c), 2, 0.05, cancel).sharpness;
            QVERIFY2(s > previous, qPrintable(QString("k %1: %2 <= %3").arg(k).arg(s).arg(previous)));
            previous = s;
        }
    }

    void unusedParametersAndRestoreOnCancel()
    {
        at::Tensor x = at::ones({3}).set_requires_grad(true);
        at::Tensor unused = at::full({2}, 7.0).set_requires_grad(true);
        CancelToken cancel;
        int calls = 0;
        const BatchLoss loss = [&](int64_t) {
            if (++calls == 2)
                cancel.cancel(); // cancelled while the parameters sit at the ascent point
            return (x * x).sum();
        };
        QVERIFY_THROWS_EXCEPTION(CancelledError, sharpness({x, unused}, loss, 3, 0.3, cancel));
        QVERIFY(at::equal(x, at::ones({3})));
        QVERIFY(at::equal(unused, at::full({2}, 7.0)));
    }

    void negativeRhoIsAnInputError()
    {
        at::Tensor x = at::ones({1}).set_requires_grad(true);
        CancelToken cancel;
        QVERIFY_THROWS_EXCEPTION(InputError, sharpness(
                                                 {x}, [&](int64_t) { return x.sum(); }, 1, -0.1, cancel));
    }
};

QTEST_GUILESS_MAIN(TestSharpness)
#include "tst_sharpness.moc"
