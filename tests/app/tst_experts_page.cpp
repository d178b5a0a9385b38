// The Experts page on a tiny BTX MoE built here (3 noisy fine-tunes of a one-layer dense ViT): the
// heatmap shows the 3 x 3 cosine of the experts' concatenated weights computed by hand in this test,
// the dendrogram gets the tree, the K slider colours groups and reports a saving, and "Merge to K"
// runs as a job and writes a 2-expert checkpoint, tensor for tensor the one `mergelab-cli experts
// --merge-to 2` writes (both run the core's ExpertMergeSpec). On a Mixtral folder in a language-model
// project the heatmap shows the cosine of the experts' outputs on the project's val text, as
// tests/fixtures/lm/make_moe_lm_reference.py computes it in python3-torch, and "Merge to K" reports
// the perplexity before and after.
#include "../cli/cli_run.h"

#include "gui/experts_page.h"
#include "gui/gui_job_runner.h"

#include "dendrogram_widget.h"
#include "heatmap_widget.h"

#include "io/checkpoint.h"
#include "io/checkpoint_writer.h"
#include "io/model_set.h"
#include "io/torch_tensor.h"
#include "moe/btx.h"
#include "moe/moe_layout.h"

#include <ATen/ATen.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mergelab;
using mergelab::gui::ExpertsPage;
using mergelab::gui::GuiJobRunner;

namespace {

void writeModel(const std::string& path, const std::map<std::string, at::Tensor>& tensors)
{
    std::vector<TensorInfo> plan;
    for (const auto& [name, t] : tensors)
        plan.push_back(fromTorch(name, t).info());
    auto writer = CheckpointWriter::create(path, plan, {});
    for (const auto& [name, t] : tensors)
        writer->write(fromTorch(name, t));
    writer->commit();
}

// base + 3 noisy copies -> BTX MoE (3 experts) in dir; returns its path.
std::string tinyBtx(const QTemporaryDir& dir)
{
    at::manual_seed(5);
    const std::string p = "vision_model.encoder.layers.0.";
    std::map<std::string, at::Tensor> base = {{p + "mlp.fc1.weight", at::randn({6, 8})},
                                              {p + "mlp.fc1.bias", at::randn({6})},
                                              {p + "mlp.fc2.weight", at::randn({8, 6})},
                                              {p + "mlp.fc2.bias", at::randn({8})},
                                              {p + "layer_norm2.weight", at::randn({8})}};
    const std::string basePath = dir.filePath("base.safetensors").toStdString();
    writeModel(basePath, base);
    std::vector<std::string> experts;
    const double noise[] = {0.1, 0.15, 1.0}; // experts 0 and 1 stay close, expert 2 drifts away
    for (int e = 0; e < 3; ++e) {
        std::map<std::string, at::Tensor> ft;
        for (const auto& [name, t] : base)
            ft[name] = t + noise[e] * at::randn(t.sizes());
        experts.push_back(dir.filePath(QStringLiteral("ft%1.safetensors").arg(e)).toStdString());
        writeModel(experts.back(), ft);
    }
    NullProgress progress;
    CancelToken cancel;
    return branchTrainMix(basePath, experts, BtxOptions{}, dir.filePath("moe.safetensors").toStdString(), progress,
                          cancel)
        .path;
}

// Cosine of the experts' concatenated flattened weights, by hand.
double expertCosine(const Checkpoint& c, int a, int b)
{
    auto flat = [&](int e) {
        std::vector<at::Tensor> parts;
        for (const char* role : {"fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"})
            parts.push_back(
                toTorch(c.read("vision_model.encoder.layers.0.moe.experts." + std::to_string(e) + "." + role))
                    .to(at::kDouble)
                    .flatten());
        return at::cat(parts);
    };
    const at::Tensor x = flat(a), y = flat(b);
    return (x.dot(y) / (x.norm() * y.norm())).item<double>();
}

} // namespace

class TestExpertsPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsSimilarityTreeAndMerges()
    {
        QTemporaryDir dir;
        const std::string moe = tinyBtx(dir);
        GuiJobRunner jobs;
        ExpertsPage page(&jobs);
        page.resize(900, 500);
        QSignalSpy analysed(&page, &ExpertsPage::analysisFinished);
        page.openModel(QString::fromStdString(moe));
        QVERIFY(analysed.wait(20000));
        QCOMPARE(page.analysis().layout.numExperts, 3);
        QCOMPARE(page.selectedLayer(), 0);

        const auto c = Checkpoint::open(moe);
        const auto* heatmap = page.heatmap();
        QCOMPARE(heatmap->rowCount(), 3);
        QCOMPARE(heatmap->columnCount(), 3);
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                QVERIFY2(std::abs(heatmap->value(i, j) - expertCosine(*c, i, j)) < 1e-9,
                         qPrintable(QStringLiteral("[%1][%2] %3").arg(i).arg(j).arg(heatmap->value(i, j))));
        QCOMPARE(page.dendrogram()->leafCount(), 3);

        page.setGroupCount(2); // the close pair (0, 1) is one group
        QCOMPARE(page.dendrogram()->groups(), (std::vector<int>{0, 0, 1}));
        QVERIFY(page.savingText().contains(QLatin1Char('%')));

        QSignalSpy merged(&page, &ExpertsPage::mergeFinished);
        const QString out = dir.filePath(QStringLiteral("merged"));
        page.mergeTo(out);
        QVERIFY(merged.wait(20000));
        QVERIFY2(page.resultText().contains(QStringLiteral("3 → 2")), qPrintable(page.resultText()));
        QCOMPARE(detectMoeLayout(*Checkpoint::open(out.toStdString())).numExperts, 2);
    }

    // The same input and K from the page and from the CLI: the same groups, router rule and tensors;
    // the close pair (0, 1) becomes the mean of its two experts.
    void pageMergeEqualsCliMerge()
    {
        QTemporaryDir dir;
        const std::string moe = tinyBtx(dir);
        GuiJobRunner jobs;
        ExpertsPage page(&jobs);
        QSignalSpy analysed(&page, &ExpertsPage::analysisFinished);
        page.openModel(QString::fromStdString(moe));
        QVERIFY(analysed.wait(20000));
        page.setGroupCount(2);
        QSignalSpy merged(&page, &ExpertsPage::mergeFinished);
        const QString fromPage = dir.filePath(QStringLiteral("page"));
        page.mergeTo(fromPage);
        QVERIFY(merged.wait(20000));
        const QString fromCli = dir.filePath(QStringLiteral("cli"));
        const CliRun cli = runCli({"experts", QString::fromStdString(moe), "--merge-to", "2", "-o", fromCli, "-q"});
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));

        const auto a = Checkpoint::open(fromPage.toStdString());
        const auto b = Checkpoint::open(fromCli.toStdString());
        QCOMPARE(a->tensors().size(), b->tensors().size());
        for (const TensorInfo& t : a->tensors())
            QVERIFY2(at::equal(toTorch(a->read(t.name)), toTorch(b->read(t.name))), t.name.c_str());
        const auto input = Checkpoint::open(moe);
        const std::string p = "vision_model.encoder.layers.0.moe.experts.";
        for (const char* role : {"fc1.weight", "fc2.bias"}) {
            const at::Tensor mean = (toTorch(input->read(p + "0." + role)).to(at::kDouble) +
                                     toTorch(input->read(p + "1." + role)).to(at::kDouble)) /
                                    2;
            QVERIFY2(at::allclose(toTorch(a->read(p + "0." + role)).to(at::kDouble), mean, 1e-6, 1e-6), role);
        }
    }

    void mixtralInAnLmProjectShowsOutputSimilarity()
    {
        QTemporaryDir dir;
        const std::string lm = std::string(MERGELAB_FIXTURES_DIR) + "/lm/";
        const QString folder = dir.filePath(QStringLiteral("mixtral"));
        QVERIFY(QDir().mkpath(folder));
        for (const char* file : {"config.json", "pytorch_model.bin"})
            QVERIFY(QFile::copy(QString::fromStdString(lm + "mixtral_top2/" + file), folder + "/" + file));
        QVERIFY(QFile::copy(QString::fromStdString(std::string(MERGELAB_FIXTURES_DIR) + "/text/tokenizer.model"),
                            folder + "/tokenizer.model"));
        for (const char* split : {"val", "test"})
            QVERIFY(QFile::copy(QString::fromStdString(lm + "cli_text.txt"),
                                dir.filePath(QString("held.%1.txt").arg(split))));
        const QString projectPath = dir.filePath(QStringLiteral("lm.mergelab.json"));
        {
            QFile f(projectPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"format\": \"mergelab-project\", \"version\": 1, \"name\": \"lm\", "
                    "\"base\": {\"name\": \"mixtral\", \"path\": \"mixtral\"}, \"models\": [], "
                    "\"tasks\": [{\"name\": \"held\", \"text\": \"held.{split}.txt\"}]}");
        }
        gui::ProjectSummary project;
        project.path = projectPath;
        project.set = ModelSet::load(projectPath.toStdString());
        gui::ProjectMember member;
        member.name = QStringLiteral("mixtral");
        member.path = folder;
        project.members.push_back(member);

        GuiJobRunner jobs;
        ExpertsPage page(&jobs);
        QSignalSpy analysed(&page, &ExpertsPage::analysisFinished);
        page.setProject(project);
        QVERIFY(analysed.wait(60000));
        QVERIFY(page.analysis().byOutputs);
        QCOMPARE(page.analysis().layout.numExperts, 4);
        // Layer 0's heatmap: the reference's cosines for windows of the model's context (128 tokens).
        page.selectLayer(0);
        const at::Tensor want =
            toTorch(Checkpoint::open(lm + "btx/expert_outputs.pt")->read("ctx128.layer0.outputs")).to(at::kDouble);
        const auto* heatmap = page.heatmap();
        QCOMPARE(heatmap->rowCount(), 4);
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j)
                QVERIFY2(std::abs(heatmap->value(i, j) - want[i][j].item<double>()) < 1e-5,
                         qPrintable(QStringLiteral("[%1][%2] %3 vs %4")
                                        .arg(i)
                                        .arg(j)
                                        .arg(heatmap->value(i, j))
                                        .arg(want[i][j].item<double>())));

        page.setGroupCount(2);
        QSignalSpy merged(&page, &ExpertsPage::mergeFinished);
        page.mergeTo(dir.filePath(QStringLiteral("merged")));
        QVERIFY(merged.wait(60000));
        QVERIFY2(page.resultText().contains(QStringLiteral("4 → 2")), qPrintable(page.resultText()));
        QVERIFY2(page.resultText().contains(QStringLiteral("Perplexity")), qPrintable(page.resultText()));
    }

    void denseModelIsExplained()
    {
        QTemporaryDir dir;
        writeModel(dir.filePath("dense.safetensors").toStdString(), {{"w", at::ones({2, 2})}});
        GuiJobRunner jobs;
        ExpertsPage page(&jobs);
        QSignalSpy analysed(&page, &ExpertsPage::analysisFinished);
        page.openModel(dir.filePath(QStringLiteral("dense.safetensors")));
        QVERIFY(analysed.wait(20000));
        QVERIFY2(page.statusText().contains(QStringLiteral("not a Mixture-of-Experts")), qPrintable(page.statusText()));
    }

    void projectWithoutMoeIsNotAnError()
    {
        // Opening an ordinary (dense) project must not put an error on the window's banner.
        QTemporaryDir dir;
        writeModel(dir.filePath("dense.safetensors").toStdString(), {{"w", at::ones({2, 2})}});
        GuiJobRunner jobs;
        ExpertsPage page(&jobs);
        QSignalSpy analysed(&page, &ExpertsPage::analysisFinished);
        QSignalSpy ended(&jobs, &GuiJobRunner::ended);
        gui::ProjectSummary project;
        gui::ProjectMember member;
        member.name = QStringLiteral("dense");
        member.path = dir.filePath(QStringLiteral("dense.safetensors"));
        project.members.push_back(member);
        page.setProject(project);
        QVERIFY(analysed.wait(20000));
        QCOMPARE(ended.size(), 1);
        QCOMPARE(ended.front().at(1).value<Status>(), Status::Ok);
        QCOMPARE(ended.front().at(3).toBool(), false); // delivered to the page, not dropped
        QVERIFY2(page.statusText().contains(QStringLiteral("No Mixture-of-Experts")), qPrintable(page.statusText()));
    }
};

QTEST_MAIN(TestExpertsPage)
#include "tst_experts_page.moc"
