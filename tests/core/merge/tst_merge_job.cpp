// MergeJob: streaming to disk equals the in-memory merge, JSON and YAML recipes give identical
// bytes, sharding/index/metadata/side files, HDF5 output, refusal to overwrite inputs, cancel.
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "merge/merge_job.h"

#include <ATen/ATen.h>
#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {
const std::string kDir = MERGELAB_FIXTURES_DIR "/merge";

Recipe tiesRecipe()
{
    std::ifstream in(kDir + "/cases.json");
    return recipeFromJson(nlohmann::json::parse(in).at("ties"), kDir);
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::size_t entries(const std::string& dir)
{
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        (void)e;
        ++n;
    }
    return n;
}
} // namespace

class TestMergeJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void streamedEqualsInMemory()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("out.safetensors").toStdString();
        MergeJob job(tiesRecipe(), out, {});
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        const auto written = Checkpoint::open(out);
        const auto expected = mergeInMemory(tiesRecipe());
        QCOMPARE(written->tensors().size(), expected.size());
        for (const auto& [name, tensor] : expected)
            QVERIFY2(at::equal(toTorch(written->read(name)), tensor), name.c_str());
        // The recipe travels with the weights.
        QVERIFY(written->metadata().at("mergelab_recipe") == recipeToJsonText(tiesRecipe()));
        QVERIFY(fs::exists(out + ".mergelab_recipe.json"));
    }

    void jsonAndYamlGiveIdenticalBytes()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeText(d + "/r.json",
                  "{\"method\": \"dare_ties\", \"base\": \"" + kDir +
                      "/base.safetensors\", \"seed\": 3, \"models\": ["
                      "{\"path\": \"" +
                      kDir +
                      "/m1.safetensors\", \"parameters\": {\"weight\": 0.7, \"density\": [0.2, 0.9]}},"
                      "{\"path\": \"" +
                      kDir +
                      "/m2.safetensors\", \"parameters\": {\"weight\": 0.3}}],"
                      "\"parameters\": {\"density\": [{\"filter\": \"mlp\", \"value\": 0.5}, {\"value\": 0.8}],"
                      " \"normalize\": true}, \"out_dtype\": \"BF16\"}");
        writeText(
            d + "/r.yaml",
            "merge_method: dare_ties\nbase_model: " + kDir +
                "/base.safetensors\n"
                "models:\n  - model: " +
                kDir +
                "/base.safetensors\n"
                "  - model: " +
                kDir +
                "/m1.safetensors\n    parameters:\n      weight: 0.7\n      density: [0.2, 0.9]\n"
                "  - model: " +
                kDir +
                "/m2.safetensors\n    parameters: {weight: 0.3}\n"
                "parameters:\n  density:\n    - filter: mlp\n      value: 0.5\n    - value: 0.8\n  normalize: true\n"
                "dtype: bfloat16\n");
        Recipe fromYaml = loadRecipe(d + "/r.yaml");
        fromYaml.seed = 3; // mergekit YAML has no seed key; the CLI's --seed sets it
        NullProgress progress;
        CancelToken cancel;
        MergeJob a(loadRecipe(d + "/r.json"), d + "/a.safetensors");
        MergeJob b(fromYaml, d + "/b.safetensors");
        QVERIFY(runJob(a, progress, cancel).status == Status::Ok);
        const JobResult rb = runJob(b, progress, cancel);
        QVERIFY2(rb.status == Status::Ok, rb.message.c_str());
        const std::string bytesA = readAll(d + "/a.safetensors");
        QVERIFY(bytesA.size() > 100);
        QVERIFY(bytesA == readAll(d + "/b.safetensors"));
    }

    void shardedFolderWithIndexAndSideFiles()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        // A base folder with config and tokenizer files beside its weights.
        fs::create_directories(d + "/base");
        fs::copy_file(kDir + "/base.safetensors", d + "/base/model.safetensors");
        writeText(d + "/base/config.json", "{\"model_type\": \"llama\"}");
        writeText(d + "/base/tokenizer.json", "{}");
        Recipe r = tiesRecipe();
        r.base = d + "/base";
        r.shardSize = 600; // bytes: several shards
        MergeJob job(r, d + "/out", {});
        NullProgress progress;
        CancelToken cancel;
        const JobResult res = runJob(job, progress, cancel);
        QVERIFY2(res.status == Status::Ok, res.message.c_str());
        QVERIFY(fs::exists(d + "/out/model.safetensors.index.json"));
        std::size_t shards = 0;
        for (const auto& e : fs::directory_iterator(d + "/out"))
            shards += e.path().filename().string().rfind("model-0000", 0) == 0 ? 1 : 0;
        QVERIFY(shards >= 2);
        QCOMPARE(readAll(d + "/out/config.json"), std::string("{\"model_type\": \"llama\"}"));
        QVERIFY(fs::exists(d + "/out/tokenizer.json"));
        QVERIFY(fs::exists(d + "/out/mergelab_recipe.json"));
        const auto merged = Checkpoint::open(d + "/out");
        QCOMPARE(merged->tensors().size(), std::size_t(9));
    }

    void hdf5Output()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("merged.h5").toStdString();
        MergeJob job(tiesRecipe(), out, {});
        NullProgress progress;
        CancelToken cancel;
        const JobResult res = runJob(job, progress, cancel);
        QVERIFY2(res.status == Status::Ok, res.message.c_str());
        const auto written = Checkpoint::open(out);
        const auto expected = mergeInMemory(tiesRecipe());
        for (const auto& [name, tensor] : expected)
            QVERIFY2(at::equal(toTorch(written->read(name)), tensor), name.c_str());
    }

    void refusesToOverwriteAnInput()
    {
        Recipe r = tiesRecipe();
        MergeJob job(r, r.models[1].path, {});
        NullProgress progress;
        CancelToken cancel;
        const JobResult res = runJob(job, progress, cancel);
        QVERIFY(res.status == Status::Failed);
        QVERIFY2(res.message.find("would overwrite the input") != std::string::npos, res.message.c_str());
    }

    void cancelMidMergeLeavesNothing()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        CancelToken cancel;
        int updates = 0;
        // Cancel after the first tensor is written, from the progress callback.
        CallbackProgress progress([&](double done, double, const std::string&) {
            if (done >= 1 && ++updates == 1)
                cancel.cancel();
        });
        MergeOptions o;
        o.threads = 1;
        MergeJob job(tiesRecipe(), d + "/out", o);
        const JobResult res = runJob(job, progress, cancel);
        QVERIFY(res.status == Status::Cancelled);
        QVERIFY(!fs::exists(d + "/out") || entries(d + "/out") == 0);
        QCOMPARE(entries(d), std::size_t(fs::exists(d + "/out") ? 1 : 0));
    }

    void failureMidMergeLeavesNothing()
    {
        // A NaN in the last tensor with --strict: found while streaming, after other tensors were written.
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        const auto m1 = Checkpoint::open(kDir + "/m1.safetensors");
        Recipe r = tiesRecipe();
        MergeSources s = openSources(r);
        struct Poisoned : Checkpoint {
            std::shared_ptr<const Checkpoint> inner;
            std::vector<uint8_t> bytes;
            const std::string& path() const override { return inner->path(); }
            std::string format() const override { return inner->format(); }
            const std::vector<TensorInfo>& tensors() const override { return inner->tensors(); }
            const std::map<std::string, std::string>& metadata() const override { return inner->metadata(); }
            TensorData read(const std::string& name) const override
            {
                TensorData data = inner->read(name);
                if (name != "lm_head.weight")
                    return data;
                std::vector<uint8_t> copy(data.data(), data.data() + data.size());
                const float nan = NAN;
                std::memcpy(copy.data(), &nan, sizeof nan);
                return TensorData::fromBuffer(data.info(), std::move(copy));
            }
        };
        auto poisoned = std::make_shared<Poisoned>();
        poisoned->inner = s.models[0];
        s.models[0] = poisoned;
        MergeOptions o;
        o.strict = true;
        MergeJob job(r, s, d + "/out.safetensors", o);
        NullProgress progress;
        CancelToken cancel;
        const JobResult res = runJob(job, progress, cancel);
        QVERIFY(res.status == Status::Failed);
        QVERIFY2(res.message.find("lm_head.weight: 1 NaN/Inf values") != std::string::npos, res.message.c_str());
        QCOMPARE(entries(d), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestMergeJob)
#include "tst_merge_job.moc"
