#include "dendrogram_widget.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <functional>
#include <numeric>

namespace mergelab::widgets {

namespace {

constexpr double kLeftMargin = 52; // height axis and its labels
constexpr double kRightMargin = 12;
constexpr double kTopMargin = 26;    // title
constexpr double kBottomMargin = 40; // leaf labels

} // namespace

DendrogramWidget::DendrogramWidget(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Dendrogram"));
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

void DendrogramWidget::setTree(int leaves, const std::vector<DendrogramMerge>& merges, const QStringList& labels)
{
    // A tree must merge every leaf exactly once, each merge using existing, unused clusters.
    bool valid = leaves >= 1 && static_cast<int>(merges.size()) == leaves - 1;
    std::vector<bool> used(static_cast<std::size_t>(std::max(0, 2 * leaves - 1)), false);
    for (std::size_t i = 0; valid && i < merges.size(); ++i) {
        const int limit = leaves + static_cast<int>(i);
        for (int c : {merges[i].a, merges[i].b}) {
            if (c < 0 || c >= limit || used[static_cast<std::size_t>(c)])
                valid = false;
            else
                used[static_cast<std::size_t>(c)] = true;
        }
        if (merges[i].a == merges[i].b)
            valid = false;
    }
    m_leaves = valid ? leaves : 0;
    m_merges = valid ? merges : std::vector<DendrogramMerge>{};
    m_labels = labels;
    while (m_labels.size() < m_leaves)
        m_labels << QString::number(m_labels.size());
    recompute();
    updateGeometry();
    update();
}

void DendrogramWidget::setGroupCount(int k)
{
    m_groupCount = k;
    recompute();
    update();
}

void DendrogramWidget::setTitle(const QString& title)
{
    m_title = title;
    update();
}

void DendrogramWidget::recompute()
{
    const int n = m_leaves;
    m_order.clear();
    m_slot.assign(static_cast<std::size_t>(std::max(0, 2 * n - 1)), 0.0);
    m_groups.assign(static_cast<std::size_t>(n), 0);
    m_nodeGroup.assign(m_slot.size(), -1);
    if (n == 0)
        return;
    // Leaf order: depth-first from the root, first child a then b.
    std::function<void(int)> walk = [&](int node) {
        if (node < n) {
            m_order.push_back(node);
            return;
        }
        const DendrogramMerge& m = m_merges[static_cast<std::size_t>(node - n)];
        walk(m.a);
        walk(m.b);
    };
    walk(2 * n - 2);
    for (std::size_t i = 0; i < m_order.size(); ++i)
        m_slot[static_cast<std::size_t>(m_order[i])] = static_cast<double>(i);
    for (std::size_t i = 0; i < m_merges.size(); ++i)
        m_slot[static_cast<std::size_t>(n) + i] =
            0.5 * (m_slot[static_cast<std::size_t>(m_merges[i].a)] + m_slot[static_cast<std::size_t>(m_merges[i].b)]);

    // The cut: the first n - k merges; each resulting cluster is a group, numbered by its smallest leaf.
    const int k = m_groupCount >= 1 && m_groupCount < n ? m_groupCount : n;
    std::vector<int> clusterOf(static_cast<std::size_t>(n));
    std::iota(clusterOf.begin(), clusterOf.end(), 0);
    for (int i = 0; i < n - k; ++i) { // relabel the members of both children to the new cluster
        const DendrogramMerge& m = m_merges[static_cast<std::size_t>(i)];
        for (int& c : clusterOf)
            if (c == m.a || c == m.b)
                c = n + i;
    }
    std::vector<int> firstLeaf;
    for (int leaf = 0; leaf < n; ++leaf)
        if (std::find(firstLeaf.begin(), firstLeaf.end(), clusterOf[static_cast<std::size_t>(leaf)]) == firstLeaf.end())
            firstLeaf.push_back(clusterOf[static_cast<std::size_t>(leaf)]);
    for (int leaf = 0; leaf < n; ++leaf) {
        const int cluster = clusterOf[static_cast<std::size_t>(leaf)];
        m_groups[static_cast<std::size_t>(leaf)] =
            static_cast<int>(std::find(firstLeaf.begin(), firstLeaf.end(), cluster) - firstLeaf.begin());
    }
    const bool coloured = m_groupCount >= 1 && m_groupCount <= n;
    if (!coloured)
        return;
    for (int leaf = 0; leaf < n; ++leaf)
        m_nodeGroup[static_cast<std::size_t>(leaf)] = m_groups[static_cast<std::size_t>(leaf)];
    for (int i = 0; i < n - k; ++i) {
        const DendrogramMerge& m = m_merges[static_cast<std::size_t>(i)];
        m_nodeGroup[static_cast<std::size_t>(n + i)] = m_nodeGroup[static_cast<std::size_t>(m.a)];
    }
}

QColor DendrogramWidget::groupColor(int group)
{
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
    if (group < 0)
        return QColor(0x80, 0x80, 0x80);
    return palette[group % 9];
}

QRectF DendrogramWidget::plotRect() const
{
    // Room for the widest tick label beside the rotated axis title (kLeftMargin fits "0.00").
    double labels = 0;
    const QFontMetricsF metrics(font());
    for (const QString& tick : heightTickLabels())
        labels = std::max(labels, metrics.horizontalAdvance(tick));
    const double left = std::max(kLeftMargin, 12.0 + 28.0 + labels);
    return QRectF(left, kTopMargin, std::max(10.0, width() - left - kRightMargin),
                  std::max(10.0, height() - kTopMargin - kBottomMargin));
}

QStringList DendrogramWidget::heightTickLabels() const
{
    const double top = maxHeight();
    return {QStringLiteral("0"), QString::number(top / 2.0, 'g', 3), QString::number(top, 'g', 3)};
}

double DendrogramWidget::maxHeight() const
{
    double h = 0;
    for (const DendrogramMerge& m : m_merges)
        h = std::max(h, m.height);
    return h > 0 ? h * 1.05 : 1.0;
}

QPointF DendrogramWidget::nodePosition(int node) const
{
    if (node < 0 || node >= static_cast<int>(m_slot.size()))
        return {};
    const QRectF plot = plotRect();
    const double step = plot.width() / std::max(1, m_leaves);
    const double x = plot.left() + (m_slot[static_cast<std::size_t>(node)] + 0.5) * step;
    const double h = node < m_leaves ? 0.0 : m_merges[static_cast<std::size_t>(node - m_leaves)].height;
    return {x, plot.bottom() - h / maxHeight() * plot.height()};
}

void DendrogramWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF plot = plotRect();
    const QColor text = palette().color(QPalette::WindowText);
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(text);
        p.drawText(QRectF(0, 0, width(), kTopMargin - 4), Qt::AlignCenter, m_title);
        p.setFont(font());
    }
    if (m_leaves == 0) {
        p.setPen(text);
        p.drawText(rect(), Qt::AlignCenter, tr("No merge tree"));
        return;
    }
    // Height axis: three ticks and a title.
    p.setPen(QPen(text, 1));
    p.drawLine(QPointF(plot.left() - 6, plot.top()), QPointF(plot.left() - 6, plot.bottom()));
    const double top = maxHeight();
    const QStringList ticks = heightTickLabels();
    for (int t = 0; t < ticks.size(); ++t) {
        const double y = plot.bottom() - plot.height() * t / double(ticks.size() - 1);
        p.drawLine(QPointF(plot.left() - 10, y), QPointF(plot.left() - 6, y));
        p.drawText(QRectF(0, y - 8, plot.left() - 12, 16), Qt::AlignRight | Qt::AlignVCenter, ticks[t]);
    }
    p.save();
    p.translate(10, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -8, plot.height(), 16), Qt::AlignCenter, tr("1 − similarity"));
    p.restore();

    // Branches: coloured by group below the cut, grey above it.
    for (std::size_t i = 0; i < m_merges.size(); ++i) {
        const int node = m_leaves + static_cast<int>(i);
        const QPointF at = nodePosition(node);
        const QColor own = groupColor(m_nodeGroup[static_cast<std::size_t>(node)]);
        for (int child : {m_merges[i].a, m_merges[i].b}) {
            const QPointF c = nodePosition(child);
            p.setPen(QPen(groupColor(m_nodeGroup[static_cast<std::size_t>(child)]), 2));
            p.drawLine(c, QPointF(c.x(), at.y()));
        }
        p.setPen(QPen(own, 2));
        p.drawLine(QPointF(nodePosition(m_merges[i].a).x(), at.y()), QPointF(nodePosition(m_merges[i].b).x(), at.y()));
    }
    // The cut between the last merge applied and the first one not applied.
    const int k = m_groupCount;
    if (k >= 2 && k < m_leaves) {
        const double below = m_merges[static_cast<std::size_t>(m_leaves - k - 1)].height;
        const double above = m_merges[static_cast<std::size_t>(m_leaves - k)].height;
        const double y = plot.bottom() - 0.5 * (below + above) / top * plot.height();
        p.setPen(QPen(text, 1, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    // Leaf labels in their group's colour.
    const double step = plot.width() / m_leaves;
    for (int leaf = 0; leaf < m_leaves; ++leaf) {
        const QPointF at = nodePosition(leaf);
        const bool coloured = m_groupCount >= 1 && m_groupCount <= m_leaves;
        p.setPen(coloured ? groupColor(m_groups[static_cast<std::size_t>(leaf)]) : text);
        p.drawText(QRectF(at.x() - step / 2, plot.bottom() + 4, step, kBottomMargin - 8),
                   Qt::AlignHCenter | Qt::AlignTop, m_labels.value(leaf));
    }
}

QSize DendrogramWidget::sizeHint() const
{
    return {360, 280};
}

QSize DendrogramWidget::minimumSizeHint() const
{
    return {160, 120};
}

} // namespace mergelab::widgets
