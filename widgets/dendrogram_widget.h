#pragma once

#include <QColor>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace mergelab::widgets {

// One merge of a hierarchical clustering, as a scipy linkage row: clusters a and b (ids < n are
// leaves, id n + i is the cluster made by merge i) joined at `height`.
struct DendrogramMerge {
    int a = 0;
    int b = 0;
    double height = 0;
};

// Paints the merge tree of n leaves (e.g. the experts of one MoE layer; heights = 1 - similarity)
// with leaves at the bottom, a height axis on the left, and, for a group count K, the K clusters
// that the first n - K merges make in distinct colours with a dashed cut line. Painted in logical
// coordinates on every paint, so it is crisp at any device pixel ratio.
class DendrogramWidget : public QWidget {
    Q_OBJECT
public:
    explicit DendrogramWidget(QWidget* parent = nullptr);

    // n leaves, n - 1 merges in order, labels (n; empty: "0".."n-1"). An inconsistent tree clears the view.
    void setTree(int leaves, const std::vector<DendrogramMerge>& merges, const QStringList& labels = {});
    // Colour the clusters of a cut into k groups (0 or >= n: no colouring).
    void setGroupCount(int k);
    void setTitle(const QString& title);

    int leafCount() const { return m_leaves; }
    int groupCount() const { return m_groupCount; }
    // Leaves from left to right (the order a depth-first walk of the tree from its root gives).
    std::vector<int> leafOrder() const { return m_order; }
    // Group (0..k-1, numbered by each group's smallest leaf) of every leaf under the current cut.
    std::vector<int> groups() const { return m_groups; }
    // Where a node is drawn in widget coordinates: leaves at the bottom of the plot, merge i (node
    // n + i) at the height of its merge, halfway between its children.
    QPointF nodePosition(int node) const;
    // Labels of the height axis's three ticks, bottom to top (0, half, top), in three significant
    // digits so that close experts (heights ~0.001) still read as distinct values.
    QStringList heightTickLabels() const;
    // The colour of group g (a fixed categorical palette); grey for branches above the cut.
    static QColor groupColor(int group);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QRectF plotRect() const;
    double maxHeight() const;
    void recompute();

    int m_leaves = 0;
    std::vector<DendrogramMerge> m_merges;
    QStringList m_labels;
    QString m_title;
    int m_groupCount = 0;
    std::vector<int> m_order;     // leaf order left to right
    std::vector<double> m_slot;   // node -> horizontal slot (leaves 0..n-1, merges: mean of children)
    std::vector<int> m_groups;    // leaf -> group under the cut
    std::vector<int> m_nodeGroup; // node -> group when the whole node lies below the cut, else -1
};

} // namespace mergelab::widgets
