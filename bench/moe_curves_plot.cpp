// Draws bench/moe_curves.sh's curves.csv (accuracy vs experts kept) into a PNG with QPainter.
// Built by that script with pkg-config Qt6Gui (not a CMake target: it is a one-off figure maker).
//   moe_curves_plot curves.csv out.png [title]
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: moe_curves_plot curves.csv out.png [title]\n");
        return 2;
    }
    QFile file(QString::fromLocal8Bit(argv[1]));
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "error: %s: cannot read\n", argv[1]);
        return 1;
    }
    QTextStream in(&file);
    const QStringList header = in.readLine().split(QLatin1Char(','));
    std::map<QString, std::vector<QPointF>> series;
    while (!in.atEnd()) {
        const QStringList cells = in.readLine().split(QLatin1Char(','));
        if (cells.size() != header.size())
            continue;
        for (int c = 1; c < cells.size(); ++c)
            series[header[c]].push_back({cells[0].toDouble(), cells[c].toDouble()});
    }
    for (auto& [name, points] : series)
        std::sort(points.begin(), points.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });

    const QSize size(900, 560);
    QImage image(size * 2, QImage::Format_ARGB32);
    image.setDevicePixelRatio(2);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF plot(80, 50, 600, 440);
    double lo = 1, hi = 0, kMax = 1;
    for (const auto& [name, points] : series)
        for (const QPointF& pt : points) {
            lo = std::min(lo, pt.y());
            hi = std::max(hi, pt.y());
            kMax = std::max(kMax, pt.x());
        }
    // Grid step: 0.01 for a narrow range (the curves differ by a point or two), else 0.05.
    const double tick = hi - lo <= 0.08 ? 0.01 : 0.05;
    lo = std::floor(lo / tick - 0.5) * tick;
    hi = std::ceil(hi / tick + 0.5) * tick;
    auto map = [&](QPointF v) {
        return QPointF(plot.left() + (v.x() - 1) / std::max(1.0, kMax - 1) * plot.width(),
                       plot.bottom() - (v.y() - lo) / (hi - lo) * plot.height());
    };
    QFont font = p.font();
    font.setPixelSize(13);
    p.setFont(font);
    p.setPen(QPen(QColor(0xdd, 0xdd, 0xdd), 1));
    for (double y = lo; y <= hi + 1e-9; y += tick)
        p.drawLine(map({1, y}), map({kMax, y}));
    p.setPen(Qt::black);
    p.drawRect(plot);
    for (double y = lo; y <= hi + 1e-9; y += tick)
        p.drawText(QRectF(0, map({1, y}).y() - 8, plot.left() - 8, 16), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(y, 'f', 2));
    for (int k = 1; k <= int(kMax); ++k)
        p.drawText(QRectF(map({double(k), lo}).x() - 20, plot.bottom() + 4, 40, 16), Qt::AlignCenter,
                   QString::number(k));
    p.drawText(QRectF(plot.left(), plot.bottom() + 24, plot.width(), 18), Qt::AlignCenter,
               QStringLiteral("experts kept per MoE layer (K)"));
    p.save();
    p.translate(18, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -9, plot.height(), 18), Qt::AlignCenter,
               QStringLiteral("average test accuracy (6 tasks)"));
    p.restore();
    QFont bold = font;
    bold.setBold(true);
    bold.setPixelSize(15);
    p.setFont(bold);
    p.drawText(QRectF(0, 10, size.width(), 24), Qt::AlignCenter,
               argc > 3 ? QString::fromLocal8Bit(argv[3]) : QStringLiteral("accuracy vs experts kept"));
    p.setFont(font);

    // Random grouping: min-max band of the seeds.
    if (series.count(QStringLiteral("random_min")) && series.count(QStringLiteral("random_max"))) {
        QPainterPath band;
        const auto& mins = series[QStringLiteral("random_min")];
        const auto& maxs = series[QStringLiteral("random_max")];
        band.moveTo(map(mins.front()));
        for (const QPointF& pt : mins)
            band.lineTo(map(pt));
        for (auto it = maxs.rbegin(); it != maxs.rend(); ++it)
            band.lineTo(map(*it));
        band.closeSubpath();
        p.fillPath(band, QColor(0x7f, 0x7f, 0x7f, 50));
    }
    struct Line {
        const char* key;
        const char* label;
        QColor color;
        Qt::PenStyle style;
    };
    const Line lines[] = {
        {"weights", "merge, grouped by weight similarity", QColor(0x1f, 0x77, 0xb4), Qt::SolidLine},
        {"outputs", "merge, grouped by output similarity", QColor(0x2c, 0xa0, 0x2c), Qt::SolidLine},
        {"drop", "drop least-used experts", QColor(0xd6, 0x27, 0x28), Qt::SolidLine},
        {"random", "merge, random groups (mean; band: min-max)", QColor(0x60, 0x60, 0x60), Qt::DashLine},
        {"full", "full MoE", QColor(0, 0, 0), Qt::DotLine}};
    double legendY = plot.top() + 4;
    for (const Line& l : lines) {
        auto it = series.find(QString::fromLatin1(l.key));
        if (it == series.end())
            continue;
        p.setPen(QPen(l.color, 2.2, l.style));
        QPolygonF poly;
        for (const QPointF& pt : it->second)
            poly << map(pt);
        p.drawPolyline(poly);
        if (l.style != Qt::DotLine)
            for (const QPointF& pt : poly) {
                p.setBrush(l.color);
                p.drawEllipse(pt, 3, 3);
            }
        p.setBrush(Qt::NoBrush);
        p.drawLine(QPointF(plot.right() + 14, legendY + 8), QPointF(plot.right() + 40, legendY + 8));
        p.setPen(Qt::black);
        p.drawText(QRectF(plot.right() + 46, legendY, size.width() - plot.right() - 50, 36), Qt::TextWordWrap,
                   QString::fromLatin1(l.label));
        legendY += 44;
    }
    p.end();
    if (!image.save(QString::fromLocal8Bit(argv[2]))) {
        std::fprintf(stderr, "error: %s: cannot write\n", argv[2]);
        return 1;
    }
    return 0;
}
