// The base's pretraining task stays broad and disjoint from the downstream tasks: its class
// names are checked against hand-written lists of the downstream classes, every class draws ink,
// and the tiny preset's class limit keeps the first classes.
#include "zoo/zoo_tasks.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <set>
#include <string>

using namespace mergelab;

class TestZooTasks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pretrainingIsBroadAndDisjoint()
    {
        const ZooTaskData pre = makePretrainTask({408, 0, 0}, 0);
        QCOMPARE(int(pre.classNames.size()), 204);
        const std::set<std::string> unique(pre.classNames.begin(), pre.classNames.end());
        QCOMPARE(unique.size(), pre.classNames.size());
        // Downstream classes written by hand: digits, Latin capitals, Latin-looking lookalikes.
        for (const char* c : {"0",
                              "1",
                              "2",
                              "3",
                              "4",
                              "5",
                              "6",
                              "7",
                              "8",
                              "9",
                              "A",
                              "B",
                              "C",
                              "D",
                              "E",
                              "F",
                              "G",
                              "H",
                              "I",
                              "J",
                              "K",
                              "L",
                              "M",
                              "N",
                              "O",
                              "P",
                              "Q",
                              "R",
                              "S",
                              "T",
                              "U",
                              "V",
                              "W",
                              "X",
                              "Y",
                              "Z",
                              "\xD5\x95" /* Armenian Oh */,
                              "\xD5\x8D" /* Armenian Seh */})
            QVERIFY2(!unique.count(c), c);
        // Two samples per class, balanced: every class must have drawn a glyph (no missing-font blanks).
        const LabeledImages& train = pre.splits.at("train");
        QCOMPARE(train.size(), int64_t(408));
        // Noise (sigma 0.04 = 10 levels) never lies 60 levels above the background; glyph strokes do.
        const at::Tensor pixels = train.images.to(at::kFloat).flatten(1);
        const at::Tensor background = std::get<0>(pixels.median(1, true));
        const at::Tensor inkPixels = pixels.gt(background + 60).sum(1);
        QVERIFY2(inkPixels.ge(3).all().item<bool>(), "a pretraining class drew no glyph (font without it?)");
    }

    void tinyKeepsTheFirstClasses()
    {
        const ZooTaskData all = makePretrainTask({4, 0, 0}, 0), tiny = makePretrainTask({4, 0, 0}, 0, 72);
        QCOMPARE(int(tiny.classNames.size()), 72);
        for (int i = 0; i < 72; ++i)
            QCOMPARE(tiny.classNames[i], all.classNames[i]);
        QCOMPARE(QString::fromStdString(tiny.classNames.front()), QString::fromUtf8("\xCE\x93")); // Gamma
    }
};

QTEST_GUILESS_MAIN(TestZooTasks)
#include "tst_zoo_tasks.moc"
