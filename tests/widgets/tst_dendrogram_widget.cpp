// DendrogramWidget on a hand-made merge tree: leaf order, node heights and positions, the groups
// of a cut, and the painted colours of the groups' branches (at device pixel ratio 2).
#include "dendrogram_widget.h"

#include <QImage>
#include <QPainter>
#include <QtTest/QtTest>

using mergelab::widgets::DendrogramMerge;
using mergelab::widgets::DendrogramWidget;

namespace {
// Leaves 0..4. Node 5 = {0, 3} at 0.1, node 6 = {1, 4} at 0.2, node 7 = {5, 2} at 0.5, root 8 = {6, 7} at 0.8.
std::vector<DendrogramMerge> plantedTree()
{
    return {{0, 3, 0.1}, {1, 4, 0.2}, {5, 2, 0.5}, {6, 7, 0.8}};
}
} // namespace

class TestDendrogramWidget : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void leafOrderAndHeights()
    {
        DendrogramWidget w;
        w.resize(400, 300);
        w.setTree(5, plantedTree(), {"a", "b", "c", "d", "e"});
        QCOMPARE(w.leafCount(), 5);
        // Depth-first from the root, first child first: 6 -> (1, 4), 7 -> (5 -> (0, 3), 2).
        QCOMPARE(w.leafOrder(), (std::vector<int>{1, 4, 0, 3, 2}));
        // Leaves share the baseline; merges rise with their height (smaller y is higher).
        for (int leaf = 1; leaf < 5; ++leaf)
            QCOMPARE(w.nodePosition(leaf).y(), w.nodePosition(0).y());
        QVERIFY(w.nodePosition(5).y() < w.nodePosition(0).y());
        QVERIFY(w.nodePosition(6).y() < w.nodePosition(5).y());
        QVERIFY(w.nodePosition(7).y() < w.nodePosition(6).y());
        QVERIFY(w.nodePosition(8).y() < w.nodePosition(7).y());
        // Heights are proportional: (y0 - y5) : (y0 - y8) = 0.1 : 0.8.
        const double base = w.nodePosition(0).y();
        QVERIFY(std::abs((base - w.nodePosition(5).y()) / (base - w.nodePosition(8).y()) - 0.125) < 1e-9);
        // A merge sits halfway between its children; leaves are evenly spaced in leaf order.
        QCOMPARE(w.nodePosition(5).x(), 0.5 * (w.nodePosition(0).x() + w.nodePosition(3).x()));
        QVERIFY(w.nodePosition(1).x() < w.nodePosition(4).x());
        QVERIFY(w.nodePosition(4).x() < w.nodePosition(0).x());
        QVERIFY(w.nodePosition(3).x() < w.nodePosition(2).x());
    }

    void groupsOfACut_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<std::vector<int>>("groups");
        QTest::newRow("k=1") << 1 << std::vector<int>{0, 0, 0, 0, 0};
        QTest::newRow("k=2") << 2 << std::vector<int>{0, 1, 0, 0, 1};
        QTest::newRow("k=3") << 3 << std::vector<int>{0, 1, 2, 0, 1};
        QTest::newRow("k=5") << 5 << std::vector<int>{0, 1, 2, 3, 4};
    }
    void groupsOfACut()
    {
        QFETCH(int, k);
        QFETCH(std::vector<int>, groups);
        DendrogramWidget w;
        w.setTree(5, plantedTree());
        w.setGroupCount(k);
        QCOMPARE(w.groups(), groups);
    }

    void paintsGroupColoursCrisply()
    {
        DendrogramWidget w;
        w.resize(400, 300);
        w.setTree(5, plantedTree());
        w.setGroupCount(3); // {0, 3}, {1, 4}, {2}
        QImage image(w.size() * 2, QImage::Format_ARGB32);
        image.setDevicePixelRatio(2);
        image.fill(Qt::white);
        w.render(&image);
        // Middle of each leaf's vertical branch up to its first merge.
        auto pixelOnBranch = [&](int leaf, int parent) {
            const QPointF a = w.nodePosition(leaf), b = w.nodePosition(parent);
            return image.pixelColor(QPoint(int(a.x() * 2), int((a.y() + b.y()))));
        };
        QCOMPARE(pixelOnBranch(0, 5), DendrogramWidget::groupColor(0));
        QCOMPARE(pixelOnBranch(4, 6), DendrogramWidget::groupColor(1));
        QCOMPARE(pixelOnBranch(2, 7), DendrogramWidget::groupColor(2));
        // Above the cut: grey. Node 7's branch to the root joins groups 0 and 2.
        QCOMPARE(pixelOnBranch(7, 8), DendrogramWidget::groupColor(-1));
    }

    // Experts of one base are ~0.999 similar: the axis must not print "0.00" at every tick.
    void heightAxisReadsSmallDistances()
    {
        DendrogramWidget w;
        w.setTree(3, {{0, 1, 0.0004}, {2, 3, 0.0010}});
        // Top = 1.05 x the highest merge.
        QCOMPARE(w.heightTickLabels(), (QStringList{"0", "0.000525", "0.00105"}));
        w.setTree(2, {{0, 1, 0.8}});
        QCOMPARE(w.heightTickLabels(), (QStringList{"0", "0.42", "0.84"}));
    }

    void inconsistentTreeClears()
    {
        DendrogramWidget w;
        w.setTree(3, {{0, 1, 0.1}, {0, 2, 0.2}}); // leaf 0 used twice
        QCOMPARE(w.leafCount(), 0);
        w.setTree(3, {{0, 1, 0.1}}); // too few merges
        QCOMPARE(w.leafCount(), 0);
        w.setTree(2, {{0, 1, 0.3}});
        QCOMPARE(w.leafCount(), 2);
    }
};

QTEST_MAIN(TestDendrogramWidget)
#include "tst_dendrogram_widget.moc"
