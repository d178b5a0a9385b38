// Weight disentanglement on a constructed two-head model f_t(x) = W_t S x: zero when the task
// vectors touch disjoint heads, and equal to a direct count when they overlap on S.
#include "common/error.h"
#include "mergeability/coefficient_surface.h"
#include "mergeability/disentanglement.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace mergelab;

namespace {

struct Toy {
    TensorMap base;
    std::vector<at::Tensor> inputs; // per task [N, 4]
    at::Tensor predict(const TensorMap& p, std::size_t t) const
    {
        const at::Tensor w = p.at(t == 0 ? "head_a" : "head_b");
        return at::matmul(at::matmul(inputs[t], p.at("shared").t()), w.t()).argmax(1);
    }
};

Toy makeToy()
{
    at::manual_seed(3);
    Toy toy;
    toy.base = {{"shared", at::randn({4, 4})}, {"head_a", at::randn({3, 4})}, {"head_b", at::randn({3, 4})}};
    toy.inputs = {at::randn({200, 4}), at::randn({200, 4})};
    return toy;
}

} // namespace

class TestDisentanglement : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void disjointHeadsHaveZeroError()
    {
        const Toy toy = makeToy();
        const std::vector<TensorMap> tv = {{{"head_a", 3.0 * at::randn({3, 4})}},
                                           {{"head_b", 3.0 * at::randn({3, 4})}}};
        NullProgress quiet;
        CancelToken cancel;
        const auto r = weightDisentanglement(
            toy.base, tv, {"a", "b"}, {1.0, 1.0}, [&](const TensorMap& p, std::size_t t) { return toy.predict(p, t); },
            quiet, cancel);
        QCOMPARE(r.pairs[0][1], 0.0);
        QCOMPARE(r.pairs[1][0], 0.0);
        QCOMPARE(r.all, (std::vector<double>{0.0, 0.0}));
        QCOMPARE(r.allMean, 0.0);
    }

    void overlappingVectorsMatchADirectCount()
    {
        const Toy toy = makeToy();
        const at::Tensor sa = at::randn({4, 4}), sb = at::randn({4, 4}), ha = at::randn({3, 4});
        const std::vector<TensorMap> tv = {{{"shared", sa}, {"head_a", ha}}, {{"shared", sb}}};
        const double alpha = 0.7;
        NullProgress quiet;
        CancelToken cancel;
        const auto r = weightDisentanglement(
            toy.base, tv, {"a", "b"}, {alpha, alpha},
            [&](const TensorMap& p, std::size_t t) { return toy.predict(p, t); }, quiet, cancel);
        // Direct: task a alone uses S + a*sa, W_a + a*ha; together S + a*(sa + sb). Task b alone: S + a*sb.
        const at::Tensor& s = toy.base.at("shared");
        auto pred = [](const at::Tensor& x, const at::Tensor& S, const at::Tensor& W) {
            return at::matmul(at::matmul(x, S.t()), W.t()).argmax(1);
        };
        const at::Tensor wa = toy.base.at("head_a") + alpha * ha, wb = toy.base.at("head_b");
        const double ea = pred(toy.inputs[0], s + alpha * sa, wa)
                              .ne(pred(toy.inputs[0], s + alpha * sa + alpha * sb, wa))
                              .to(at::kDouble)
                              .mean()
                              .item<double>();
        const double eb = pred(toy.inputs[1], s + alpha * sb, wb)
                              .ne(pred(toy.inputs[1], s + alpha * sa + alpha * sb, wb))
                              .to(at::kDouble)
                              .mean()
                              .item<double>();
        QVERIFY(ea > 0 && eb > 0);
        QVERIFY(std::abs(r.pairs[0][1] - 0.5 * (ea + eb)) < 1e-12);
        QVERIFY(std::abs(r.all[0] - ea) < 1e-12); // two tasks: "all" is the pair
        QVERIFY(std::abs(r.all[1] - eb) < 1e-12);
        QCOMPARE(r.pairs[0][0], 0.0);
    }

    void cancelStops()
    {
        const Toy toy = makeToy();
        const std::vector<TensorMap> tv = {{{"head_a", at::randn({3, 4})}}, {{"head_b", at::randn({3, 4})}}};
        NullProgress quiet;
        CancelToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(
            CancelledError, weightDisentanglement(
                                toy.base, tv, {"a", "b"}, {1.0, 1.0},
                                [&](const TensorMap& p, std::size_t t) { return toy.predict(p, t); }, quiet, cancel));
    }

    void surfaceOverTwoCoefficients()
    {
        // score = (value of the single parameter, its square): the grid must hold a + 2b at each point.
        const TensorMap base = {{"w", at::zeros({1}, at::kDouble)}};
        const std::vector<TensorMap> tv = {{{"w", at::ones({1}, at::kDouble)}},
                                           {{"w", at::full({1}, 2.0, at::kDouble)}}};
        NullProgress quiet;
        CancelToken cancel;
        const auto s = coefficientSurface(
            base, tv, {"a", "b"}, 0, 1, parseGrid("0:1:0.5"), parseGrid("0:2:1"),
            [](const TensorMap& p, std::size_t) {
                const double v = p.at("w").item<double>();
                return std::pair<double, double>(v, v * v);
            },
            quiet, cancel);
        QCOMPARE(s.alphasA, (std::vector<double>{0, 0.5, 1}));
        QCOMPARE(s.alphasB, (std::vector<double>{0, 1, 2}));
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 3; ++j) {
                const double v = s.alphasA[i] + 2 * s.alphasB[j];
                QCOMPARE(s.loss[i][j], v);
                QCOMPARE(s.accuracy[i][j], v * v);
            }
        const auto line = coefficientSurface(
            base, tv, {"a", "b"}, 1, -1, {0, 1}, {},
            [](const TensorMap& p, std::size_t) { return std::pair<double, double>(p.at("w").item<double>(), 0.0); },
            quiet, cancel);
        QCOMPARE(line.taskB, std::string());
        QCOMPARE(line.loss, (std::vector<std::vector<double>>{{0.0}, {2.0}}));
    }

    void badGrids_data()
    {
        QTest::addColumn<QString>("grid");
        QTest::newRow("word") << "x";
        QTest::newRow("two parts") << "0:1";
        QTest::newRow("zero step") << "0:1:0";
        QTest::newRow("backwards") << "1:0:0.5";
        QTest::newRow("too many") << "0:1:0.001";
    }
    void badGrids()
    {
        QFETCH(QString, grid);
        QVERIFY_THROWS_EXCEPTION(InputError, parseGrid(grid.toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestDisentanglement)
#include "tst_disentanglement.moc"
