// mergelab-cli experts, run as a user would: layout, JSON report, merge-to-K output, error lines.
// Fixtures: tests/fixtures/moe/make_moe_fixtures.py (planted copies in the Mixtral fixture).
#include "cli_run.h"
#include "io/dataset.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using nlohmann::json;

namespace {

using Run = CliRun;

Run cli(const QStringList& args)
{
    return runCli(args);
}

const QString kFixtures = QStringLiteral(MERGELAB_FIXTURES_DIR "/moe/");

// Six random 8x8 RGB calibration images in the HDF5 dataset format.
QString writeCalibration(const QTemporaryDir& dir)
{
    at::manual_seed(5);
    mergelab::LabeledImages split{at::randint(0, 256, {6, 3, 8, 8}).to(at::kByte), at::zeros({6}, at::kLong)};
    const QString path = dir.filePath("calib.h5");
    mergelab::writeDataset(path.toStdString(), "calib", {"a"}, {{"test", split}}, {0.5}, {0.25});
    return path;
}

} // namespace

class TstCliMoe : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void layoutText()
    {
        const Run r = cli({"experts", kFixtures + "qwen2_moe", "--layout"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("MoE: qwen2_moe, 1 layers x 4 experts, top-2"), qPrintable(r.out));
        QVERIFY(r.out.contains("shared  model.layers.0.mlp.shared_expert_gate.weight"));
    }

    void jsonReport()
    {
        const Run r = cli({"experts", kFixtures + "mixtral", "--json", "-", "--threshold", "0.99", "-q"});
        QCOMPARE(r.exitCode, 0);
        const json j = json::parse(r.out.toStdString().substr(r.out.toStdString().find('{')));
        QCOMPARE(j["family"].get<std::string>(), std::string("mixtral"));
        QCOMPARE(j["layers"].size(), std::size_t(2));
        const json& l0 = j["layers"][0];
        QCOMPARE(l0["weight_similarity"].size(), std::size_t(4));
        QVERIFY(l0["weight_similarity"][0][2].get<double>() > 0.999999);
        QCOMPARE(l0["linkage"].size(), std::size_t(3));
        QCOMPARE(l0["groups"], json::parse("[[0,2],[1,3]]"));
        QCOMPARE(j["layers"][1]["groups"], json::parse("[[0,1],[2],[3]]"));
    }

    void mergeToTwo()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("merged");
        const QString report = dir.filePath("report.json");
        const Run r = cli({"experts", kFixtures + "mixtral", "--merge-to", "2", "-o", out, "--json", report, "-q"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("parameters 2024 -> 1416 (30.0% fewer)"), qPrintable(r.out));
        std::ifstream in(report.toStdString());
        const json j = json::parse(in);
        QCOMPARE(j["merge"]["experts_after"].get<int>(), 2);
        QCOMPARE(j["merge"]["parameters_after"].get<int64_t>(), int64_t(1416));
        QCOMPARE(j["merge"]["layers"][0]["groups"], json::parse("[[0,2],[1,3]]"));

        std::ifstream configIn((out + "/config.json").toStdString());
        const json config = json::parse(configIn);
        QCOMPARE(config["num_local_experts"].get<int>(), 2);
        QCOMPARE(config["num_experts_per_tok"].get<int>(), 2);
        QCOMPARE(config["model_type"].get<std::string>(), std::string("mixtral"));

        const Run again = cli({"experts", out, "--layout"});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.startsWith("MoE: mixtral, 2 layers x 2 experts, top-2"), qPrintable(again.out));
        const Run inspect = cli({"inspect", out, "--json"});
        QCOMPARE(inspect.exitCode, 0);
        const json tensors = json::parse(inspect.out.toStdString())["tensors"];
        QCOMPARE(tensors.size(), std::size_t(41 - 2 * 2 * 3)); // 41 tensors, 2 layers lose 2 experts x 3
    }

    void dataCentricMerge()
    {
        QTemporaryDir dir;
        const QString data = writeCalibration(dir);
        const QString out = dir.filePath("vit2");
        const Run r = cli({"experts", kFixtures + "moe_vit", "--by", "outputs", "--data", data, "--merge-to", "2",
                           "--average", "usage", "--router", "lse", "-o", out, "--json", "-", "-q"});
        QCOMPARE(r.exitCode, 0);
        const json j = json::parse(r.out.toStdString().substr(r.out.toStdString().find('{')));
        const json& l0 = j["layers"][0];
        QCOMPARE(l0["output_similarity"].size(), std::size_t(4));
        double usage = 0;
        for (const json& u : l0["usage"])
            usage += u.get<double>();
        QVERIFY(std::abs(usage - 1.0) < 1e-9);
        QCOMPARE(j["merge"]["router_rule"].get<std::string>(), std::string("lse"));
        QCOMPARE(j["merge"]["experts_after"].get<int>(), 2);
        const Run again = cli({"experts", out, "--layout"});
        QVERIFY2(again.out.startsWith("MoE: moe_vit, 1 layers x 2 experts, top-2"), qPrintable(again.out));
    }

    void inspectReportsExperts()
    {
        const Run text = cli({"inspect", kFixtures + "mixtral"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("MoE: mixtral, 2 layers x 4 experts, top-2"), qPrintable(text.out));
        const Run j = cli({"inspect", kFixtures + "qwen2_moe", "--json"});
        QCOMPARE(j.exitCode, 0);
        const json moe = json::parse(j.out.toStdString())["moe"];
        QCOMPARE(moe["family"].get<std::string>(), std::string("qwen2_moe"));
        QCOMPARE(moe["num_experts"].get<int>(), 4);
        QCOMPARE(moe["top_k"].get<int>(), 2);
        QCOMPARE(moe["layers"][0]["experts"].get<int>(), 4);
        const Run dense = cli({"inspect", kFixtures + "dense_llama"});
        QCOMPARE(dense.exitCode, 0);
        QVERIFY(!dense.out.contains("MoE:"));
        // An inconsistent MoE is still inspected; the problem is named.
        const Run broken = cli({"inspect", kFixtures + "mismatched"});
        QCOMPARE(broken.exitCode, 0);
        QVERIFY2(broken.out.contains("mismatched expert shapes"), qPrintable(broken.out));
    }

    void dropLeastUsedAndRandomBaselines()
    {
        QTemporaryDir dir;
        const QString data = writeCalibration(dir);
        const Run drop = cli({"experts", kFixtures + "moe_vit", "--data", data, "--merge-to", "2", "--drop-least-used",
                              "-o", dir.filePath("drop"), "--json", "-", "-q"});
        QCOMPARE(drop.exitCode, 0);
        const json j = json::parse(drop.out.toStdString().substr(drop.out.toStdString().find('{')));
        // The kept experts are the two with the highest measured usage, alone in their groups.
        std::vector<std::pair<double, int>> usage;
        for (int e = 0; e < 4; ++e)
            usage.push_back({-j["layers"][0]["usage"][e].get<double>(), e});
        std::stable_sort(usage.begin(), usage.end());
        const std::vector<int> kept = {std::min(usage[0].second, usage[1].second),
                                       std::max(usage[0].second, usage[1].second)};
        QCOMPARE(j["merge"]["layers"][0]["groups"], json({{kept[0]}, {kept[1]}}));
        const Run random = cli({"experts", kFixtures + "mixtral", "--merge-to", "2", "--by", "random", "--seed", "4",
                                "-o", dir.filePath("random"), "--json", "-", "-q"});
        QCOMPARE(random.exitCode, 0);
        const Run again = cli({"experts", kFixtures + "mixtral", "--merge-to", "2", "--by", "random", "--seed", "4",
                               "-o", dir.filePath("random2"), "--json", "-", "-q"});
        const json a = json::parse(random.out.toStdString().substr(random.out.toStdString().find('{')));
        const json b = json::parse(again.out.toStdString().substr(again.out.toStdString().find('{')));
        QCOMPARE(a["merge"]["layers"][0]["groups"], b["merge"]["layers"][0]["groups"]);
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("dense") << QStringList{"experts", kFixtures + "dense_llama"}
                               << "dense_llama/model.safetensors: not a Mixture-of-Experts checkpoint";
        QTest::newRow("mismatched") << QStringList{"experts", kFixtures + "mismatched"}
                                    << "experts.2.w1.weight: mismatched expert shapes: [7, 8], expert 0 has [6, 8]";
        QTest::newRow("K too large") << QStringList{"experts", kFixtures + "mixtral", "--merge-to", "5", "-o", "OUT"}
                                     << "--merge-to 5 is out of range (the model has 4 experts per layer";
        QTest::newRow("no output") << QStringList{"experts", kFixtures + "mixtral", "--merge-to", "2"}
                                   << "--merge-to needs -o OUT";
        QTest::newRow("data for a model without forward")
            << QStringList{"experts", kFixtures + "deepseek_moe", "--data", "DATA"}
            << "MergeLab has for the MoE ViT, Mixtral and Qwen2-MoE (this is deepseek_moe)";
        QTest::newRow("text for a Mixtral without a tokenizer")
            << QStringList{"experts", kFixtures + "mixtral", "--data", "DATA"} << "mixtral: no tokenizer in the folder";
        QTest::newRow("outputs without data") << QStringList{"experts", kFixtures + "moe_vit", "--by", "outputs"}
                                              << "--by outputs needs calibration images";
        QTest::newRow("drop without data")
            << QStringList{"experts", kFixtures + "moe_vit", "--merge-to", "2", "--drop-least-used", "-o", "OUT"}
            << "--drop-least-used needs --merge-to K and --data";
        QTest::newRow("random without K") << QStringList{"experts", kFixtures + "mixtral", "--by", "random"}
                                          << "--by random is a baseline for --merge-to K";
        QTest::newRow("finetune without data") << QStringList{"btx",
                                                              "--base",
                                                              kFixtures + "dense_llama",
                                                              "--expert",
                                                              kFixtures + "dense_llama",
                                                              "--finetune-router",
                                                              "5",
                                                              "-o",
                                                              "OUT"}
                                               << "--finetune-router needs --data PROJECT";
        QTest::newRow("not an MoE layer")
            << QStringList{"experts", kFixtures + "deepseek_moe", "--layer", "0"} << "layer 0 is not an MoE layer";
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        for (QString& a : args) {
            if (a == "OUT")
                a = dir.filePath("out");
            if (a == "DATA")
                a = writeCalibration(dir);
        }
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(!QDir(dir.filePath("out")).exists());
    }
};

QTEST_GUILESS_MAIN(TstCliMoe)
#include "tst_cli_moe.moc"
