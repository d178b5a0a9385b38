// TensorTreeModel over real checkpoint files (written byte by byte here) and over awkward names.
#include "safetensors_fixture.h"

#include "tensor_tree_model.h"

#include "io/checkpoint.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

using mergelab::widgets::TensorTree;
using mergelab::widgets::TensorTreeModel;

namespace {

// Hand-computed expectations below refer to this layout.
std::vector<FixtureTensor> blockFixture()
{
    std::vector<FixtureTensor> t;
    t.push_back({"embed.weight", "F32", {10, 4}, 4});
    for (int layer : {0, 1, 2, 10}) {
        const QString p = QStringLiteral("layers.%1.").arg(layer);
        t.push_back({p + "attn.q.weight", "F16", {4, 4}, 2});
        t.push_back({p + "attn.q.bias", "F16", {4}, 2});
        t.push_back({p + "mlp.fc.weight", "F32", {8, 4}, 4});
    }
    t.push_back({"head.weight", "BF16", {3, 4}, 2});
    t.push_back({"head.bias", "BF16", {3}, 2});
    return t;
}

QModelIndex childNamed(const QAbstractItemModel& model, const QModelIndex& parent, const QString& name)
{
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        if (i.data().toString() == name)
            return i;
    }
    return {};
}

QString cell(const QModelIndex& index, int column)
{
    return index.siblingAtColumn(column).data().toString();
}

} // namespace

class TestTensorTreeModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("blocks.safetensors"));
        QVERIFY(writeSafetensors(m_path, blockFixture()));
    }

    void groupsRealFile()
    {
        auto checkpoint = mergelab::Checkpoint::open(m_path.toStdString());
        TensorTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(TensorTree::build(checkpoint->tensors()));

        QCOMPARE(model.tensorCount(), 15);
        // 40 + 4 * (16 + 4 + 32) + 12 + 3
        QCOMPARE(model.totalParameters(), int64_t(263));
        // 160 + 4 * (32 + 8 + 128) + 24 + 6
        QCOMPARE(model.totalBytes(), uint64_t(862));
        QCOMPARE(model.rowCount(), 3);

        const QModelIndex layers = childNamed(model, {}, QStringLiteral("layers"));
        QVERIFY(layers.isValid());
        QStringList blocks;
        for (int r = 0; r < model.rowCount(layers); ++r)
            blocks << model.index(r, 0, layers).data().toString();
        QCOMPARE(blocks, (QStringList{"0", "1", "2", "10"})); // numeric, not "10" before "2"
        QCOMPARE(cell(layers, TensorTreeModel::ShapeColumn), QStringLiteral("12 tensors"));
        QCOMPARE(layers.siblingAtColumn(TensorTreeModel::ParametersColumn).data(TensorTreeModel::SortRole).toLongLong(),
                 208);

        const QModelIndex block = childNamed(model, layers, QStringLiteral("10"));
        QCOMPARE(cell(block, TensorTreeModel::DTypeColumn), QStringLiteral("mixed"));
        QCOMPARE(cell(block, TensorTreeModel::ParametersColumn), QStringLiteral("52"));
        QCOMPARE(block.siblingAtColumn(TensorTreeModel::SizeColumn).data(TensorTreeModel::SortRole).toULongLong(),
                 168u);
        // Single-child group chains are joined: "attn" > "q" shows as "attn.q".
        const QModelIndex attn = childNamed(model, block, QStringLiteral("attn.q"));
        QVERIFY(attn.isValid());
        QCOMPARE(attn.data(TensorTreeModel::FullNameRole).toString(), QStringLiteral("layers.10.attn.q"));
        const QModelIndex weight = childNamed(model, attn, QStringLiteral("weight"));
        QCOMPARE(cell(weight, TensorTreeModel::DTypeColumn), QStringLiteral("F16"));
        QCOMPARE(cell(weight, TensorTreeModel::ShapeColumn), QStringLiteral("[4, 4]"));
        QCOMPARE(cell(weight, TensorTreeModel::SizeColumn), QStringLiteral("32 B"));
        QVERIFY(model.tensorAt(weight));
        QCOMPARE(model.tensorAt(weight)->name, std::string("layers.10.attn.q.weight"));
        QVERIFY(!model.tensorAt(attn));
        QVERIFY(model.flags(weight) & Qt::ItemNeverHasChildren);

        const QModelIndex head = childNamed(model, {}, QStringLiteral("head"));
        QCOMPARE(cell(head, TensorTreeModel::DTypeColumn), QStringLiteral("BF16"));
        QCOMPARE(cell(head, TensorTreeModel::SizeColumn), QStringLiteral("30 B"));

        // Replacing and clearing the tree keeps the model consistent (the tester watches resets).
        model.setTree(TensorTree::build({}));
        QCOMPARE(model.rowCount(), 0);
        model.setTree(nullptr);
        QCOMPARE(model.totalParameters(), int64_t(0));
    }

    void awkwardNames_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<int>("topLevelRows");
        QTest::newRow("leaf and group share a name") << QStringList{"a.b", "a.b.c"} << 1;
        QTest::newRow("empty segments") << QStringList{"a..b", ".x", "y."} << 3;
        QTest::newRow("no dots") << QStringList{"w", "v", "u"} << 3;
        QTest::newRow("numeric roots") << QStringList{"10", "2", "x", "1"} << 4;
        QTest::newRow("deep") << QStringList{QStringList(200, QStringLiteral("n")).join(QLatin1Char('.'))} << 1;
        QTest::newRow("empty name") << QStringList{QString()} << 1;
    }

    void awkwardNames()
    {
        QFETCH(QStringList, names);
        QFETCH(int, topLevelRows);
        std::vector<mergelab::TensorInfo> tensors;
        for (const QString& name : names) {
            mergelab::TensorInfo info;
            info.name = name.toStdString();
            info.shape = {2};
            info.byteSize = 8;
            tensors.push_back(info);
        }
        TensorTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTree(TensorTree::build(tensors));
        QCOMPARE(model.rowCount(), topLevelRows);
        QCOMPARE(model.tensorCount(), names.size());
        // Every tensor is reachable as a leaf whose full name is the tensor's name.
        QStringList leaves;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < model.rowCount(parent); ++r) {
                const QModelIndex i = model.index(r, 0, parent);
                if (const auto* t = model.tensorAt(i))
                    leaves << QString::fromStdString(t->name);
                walk(i);
            }
        };
        walk({});
        leaves.sort();
        names.sort();
        QCOMPARE(leaves, names);
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestTensorTreeModel)
#include "tst_tensor_tree_model.moc"
