// HeatmapWidget: cell geometry, colours painted at 1x and 2x device pixel ratio, tooltips, clicks.
#include "heatmap_widget.h"

#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using mergelab::widgets::HeatmapWidget;

namespace {

// Renders the widget at a device pixel ratio and returns the colour at a logical point.
QColor paintedAt(HeatmapWidget& w, double dpr, QPointF logical)
{
    QImage image(w.size() * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::transparent);
    w.render(&image);
    return image.pixelColor((logical * dpr).toPoint());
}

bool close(const QColor& a, const QColor& b, int tolerance = 2)
{
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

} // namespace

class TestHeatmapWidget : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void colourMap()
    {
        HeatmapWidget w;
        w.setRange(-1, 1);
        QCOMPARE(w.colorFor(0.0), QColor(0xf7, 0xf7, 0xf7));  // white at zero
        QCOMPARE(w.colorFor(1.0), QColor(0xb2, 0x18, 0x2b));  // red at +1
        QCOMPARE(w.colorFor(-1.0), QColor(0x21, 0x66, 0xac)); // blue at -1
        QCOMPARE(w.colorFor(5.0), w.colorFor(1.0));           // clamped
        QCOMPARE(w.colorFor(std::nan("")), QColor(0xc8, 0xc8, 0xc8));
        w.setRange(0, 10);
        QCOMPARE(w.colorFor(0.0), QColor(0xf7, 0xf7, 0xf7));
        QCOMPARE(w.colorFor(10.0), QColor(0xb2, 0x18, 0x2b));
    }

    void paintsCells_data()
    {
        QTest::addColumn<double>("dpr");
        QTest::newRow("1x") << 1.0;
        QTest::newRow("2x") << 2.0;
        QTest::newRow("1.5x") << 1.5;
    }

    void paintsCells()
    {
        QFETCH(double, dpr);
        HeatmapWidget w;
        w.resize(500, 360);
        const std::vector<std::vector<double>> m = {{1.0, 0.25, -0.5}, {0.25, 1.0, std::nan("")}, {-0.5, 0.0, 1.0}};
        w.setMatrix(m, {"mnist", "svhn", "gtsrb"}, {"mnist", "svhn", "gtsrb"});
        w.setTitle(QStringLiteral("Cosine similarity"));
        QCOMPARE(w.rowCount(), 3);
        QCOMPARE(w.columnCount(), 3);
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                const QRectF cell = w.cellRect(r, c);
                QVERIFY(cell.width() > 10 && cell.height() > 10);
                QCOMPARE(w.cellAt(cell.center().toPoint()), QPoint(c, r));
                // Sample near a corner: the centre holds the value's text.
                const QPointF probe = cell.topLeft() + QPointF(3, 3);
                const QColor got = paintedAt(w, dpr, probe);
                QVERIFY2(close(got, w.colorFor(m[r][c])), qPrintable(QStringLiteral("cell %1,%2: %3 vs %4")
                                                                         .arg(r)
                                                                         .arg(c)
                                                                         .arg(got.name(), w.colorFor(m[r][c]).name())));
            }
        }
        QCOMPARE(w.cellAt(QPoint(1, 1)), QPoint(-1, -1));
    }

    void tooltipsAndClicks()
    {
        HeatmapWidget w;
        w.resize(400, 300);
        w.setMatrix({{1.0, 0.125}, {0.125, 1.0}}, {"a", "b"}, {"a", "b"});
        QCOMPARE(w.toolTipFor(0, 1), QStringLiteral("a × b: 0.125"));
        w.setMatrix({{std::nan("")}}, {"x"}, {"y"});
        QCOMPARE(w.toolTipFor(0, 0), QStringLiteral("x × y: undefined"));
        w.setMatrix({{1.0, 0.125}, {0.125, 1.0}}, {"a", "b"}, {"a", "b"});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy clicked(&w, &HeatmapWidget::cellClicked);
        QTest::mouseClick(&w, Qt::LeftButton, {}, w.cellRect(1, 0).center().toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 1);
        QCOMPARE(clicked.at(0).at(1).toInt(), 0);
    }

    void degenerateInput()
    {
        HeatmapWidget w;
        w.resize(50, 40); // smaller than the labels need
        w.setMatrix({}, {}, {});
        QVERIFY(!w.grab().isNull());
        w.setMatrix({{1.0}, {1.0, 2.0, 3.0}}, {"only one label"}, {}); // ragged rows, missing labels
        QCOMPARE(w.columnCount(), 3);
        QVERIFY(std::isnan(w.value(0, 2)));
        QVERIFY(!w.grab().isNull());
        w.setRange(1, 1); // empty range is widened, never a division by zero
        QVERIFY(!w.grab().isNull());
    }
};

QTEST_MAIN(TestHeatmapWidget)
#include "tst_heatmap_widget.moc"
