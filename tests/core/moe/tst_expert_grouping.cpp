// The baselines of merge-to-K: random groups (a seeded partition) and dropping the least-used experts
// (exactly the K most used are kept, renumbered 0..K-1, with their own tensors and router rows).
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "moe/expert_grouping.h"
#include "moe/expert_merge.h"
#include "moe/moe_layout.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <set>

using namespace mergelab;

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}
at::Tensor tensor(const Checkpoint& c, const std::string& name)
{
    return toTorch(c.read(name)).to(at::kFloat).clone();
}
} // namespace

class TestExpertGrouping : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void randomGroupsArePartitions_data()
    {
        QTest::addColumn<int>("experts");
        QTest::addColumn<int>("k");
        QTest::newRow("8 into 3") << 8 << 3;
        QTest::newRow("8 into 1") << 8 << 1;
        QTest::newRow("8 into 8") << 8 << 8;
        QTest::newRow("6 into 4") << 6 << 4;
    }
    void randomGroupsArePartitions()
    {
        QFETCH(int, experts);
        QFETCH(int, k);
        for (uint64_t seed = 0; seed < 20; ++seed) {
            const auto groups = randomExpertGroups(experts, k, seed);
            QCOMPARE(int(groups.size()), k);
            std::set<int> seen;
            int previousFirst = -1;
            for (const auto& g : groups) {
                QVERIFY(!g.empty());
                QVERIFY(std::is_sorted(g.begin(), g.end()));
                QVERIFY(g.front() > previousFirst); // ordered by smallest member
                previousFirst = g.front();
                for (int e : g)
                    QVERIFY(seen.insert(e).second);
            }
            QCOMPARE(int(seen.size()), experts);
        }
    }

    void randomGroupsAreDeterministicPerSeed()
    {
        QCOMPARE(randomExpertGroups(8, 3, 42), randomExpertGroups(8, 3, 42));
        // Different seeds give different partitions (not all 10 equal).
        std::set<std::vector<std::vector<int>>> distinct;
        for (uint64_t seed = 0; seed < 10; ++seed)
            distinct.insert(randomExpertGroups(8, 3, seed));
        QVERIFY(distinct.size() > 3);
    }

    void mostUsedKeepsTopK()
    {
        const std::vector<double> usage = {0.10, 0.30, 0.05, 0.25, 0.05, 0.25};
        QCOMPARE(mostUsedExperts(usage, 1), (std::vector<std::vector<int>>{{1}}));
        QCOMPARE(mostUsedExperts(usage, 3), (std::vector<std::vector<int>>{{1}, {3}, {5}}));
        // Ties (0.05, 0.05): the lower id stays.
        QCOMPARE(mostUsedExperts(usage, 5), (std::vector<std::vector<int>>{{0}, {1}, {2}, {3}, {5}}));
    }

    void outOfRangeIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, randomExpertGroups(4, 0, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, randomExpertGroups(4, 5, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, mostUsedExperts({0.5, 0.5}, 3));
    }

    void droppingKeepsExactlyTheMostUsedRenumbered()
    {
        QTemporaryDir dir;
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        ExpertMergeOptions options;
        options.targetExperts = 2;
        options.dropUngrouped = true;
        options.groups[0] = mostUsedExperts({0.1, 0.4, 0.2, 0.3}, 2); // keeps 1 and 3
        options.groups[1] = mostUsedExperts({0.5, 0.1, 0.1, 0.3}, 2); // keeps 0 and 3
        QCOMPARE(options.groups[0], (std::vector<std::vector<int>>{{1}, {3}}));
        NullProgress progress;
        CancelToken cancel;
        const auto result =
            mergeExperts(*ckpt, layout, options, dir.filePath("dropped").toStdString(), progress, cancel);
        const auto out = Checkpoint::open(result.path);
        const MoeLayout after = detectMoeLayout(*out);
        QCOMPARE(after.numExperts, 2);
        const std::map<int, std::vector<int>> kept = {{0, {1, 3}}, {1, {0, 3}}};
        for (const MoeLayer& l : after.layers) {
            const MoeLayer* before = layout.findLayer(l.layer);
            QVERIFY(before);
            const auto& ids = kept.at(l.layer);
            for (int e = 0; e < 2; ++e)
                for (std::size_t r = 0; r < l.roles.size(); ++r)
                    QVERIFY(at::equal(
                        tensor(*out, l.experts[static_cast<std::size_t>(e)].tensors[r]),
                        tensor(
                            *ckpt,
                            before->experts[static_cast<std::size_t>(ids[static_cast<std::size_t>(e)])].tensors[r])));
            const at::Tensor router = tensor(*ckpt, before->router);
            QVERIFY(at::equal(tensor(*out, l.router), at::stack({router[ids[0]], router[ids[1]]})));
        }
        // Without dropUngrouped the same groups are refused: experts would silently vanish.
        options.dropUngrouped = false;
        QVERIFY_THROWS_EXCEPTION(
            InputError, mergeExperts(*ckpt, layout, options, dir.filePath("refused").toStdString(), progress, cancel));
    }
};

QTEST_GUILESS_MAIN(TestExpertGrouping)
#include "tst_expert_grouping.moc"
