// The native ViT against tests/fixtures/vit/make_reference.py (a hand-written python3-torch
// forward pass of HF's CLIPVisionModelWithProjection on random weights).
#include "common/error.h"
#include "io/hdf5_common.h"
#include "models/clip_vit.h"

#include <H5Cpp.h>
#include <torch/torch.h>

#include <QtTest>

#include <limits>
#include <thread>

using namespace mergelab;

namespace {
const std::string kDir = std::string(MERGELAB_FIXTURES_DIR) + "/vit";

// Every dataset of the reference file as float32 (int64 for position_ids).
std::map<std::string, at::Tensor> readReference()
{
    std::lock_guard<std::recursive_mutex> lock(hdf5Mutex());
    H5::H5File file(kDir + "/reference.h5", H5F_ACC_RDONLY);
    std::map<std::string, at::Tensor> out;
    for (hsize_t i = 0; i < file.getNumObjs(); ++i) {
        const std::string name = file.getObjnameByIdx(i);
        H5::DataSet ds = file.openDataSet(name);
        H5::DataSpace space = ds.getSpace();
        std::vector<hsize_t> dims(space.getSimpleExtentNdims());
        space.getSimpleExtentDims(dims.data());
        std::vector<int64_t> shape(dims.begin(), dims.end());
        if (ds.getTypeClass() == H5T_INTEGER) {
            at::Tensor t = at::empty(shape, at::kLong);
            ds.read(t.data_ptr(), H5::PredType::NATIVE_INT64);
            out[name] = t;
        } else {
            at::Tensor t = at::empty(shape, at::kFloat);
            ds.read(t.data_ptr(), H5::PredType::NATIVE_FLOAT);
            out[name] = t;
        }
    }
    return out;
}
} // namespace

class TestClipVit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterNamesFollowHuggingFace()
    {
        ClipVitBackbone vit(ClipVisionConfig::load(kDir + "/config.json"));
        auto params = vit.parameters();
        auto ref = readReference();
        int matched = 0;
        for (const auto& [name, tensor] : ref) {
            if (name == "input" || name.rfind("expected_", 0) == 0 || name.find("position_ids") != std::string::npos)
                continue;
            QVERIFY2(params.count(name), name.c_str());
            QCOMPARE(params[name].sizes().vec(), tensor.sizes().vec());
            ++matched;
        }
        QCOMPARE(matched, int(params.size()));
        QVERIFY(params.count("vision_model.encoder.layers.1.self_attn.q_proj.bias"));
        QVERIFY(!params.count("visual_projection.bias"));
        QVERIFY(!params.count("vision_model.embeddings.patch_embedding.bias"));
    }

    void forwardMatchesPythonReference()
    {
        ClipVitBackbone vit(ClipVisionConfig::load(kDir + "/config.json"));
        auto ref = readReference();
        vit.setParameters(ref, /*strict=*/true, "reference.h5");
        c10::InferenceMode guard;
        at::Tensor embeds = vit.embed(ref["input"]);
        at::Tensor pooled = vit.module()->vision_model->forward(ref["input"]);
        QVERIFY2(at::allclose(pooled, ref["expected_pooled"], 1e-4, 1e-5),
                 c10::str((pooled - ref["expected_pooled"]).abs().max()).c_str());
        QVERIFY2(at::allclose(embeds, ref["expected_image_embeds"], 1e-4, 1e-5),
                 c10::str((embeds - ref["expected_image_embeds"]).abs().max()).c_str());
    }

    // embed() under InferenceMode / no grad takes the cheaper inference path (last layer on the class
    // token only); with autograd on it runs forward(). Both must give python's embeddings.
    void inferencePathMatchesForward()
    {
        ClipVitBackbone vit(ClipVisionConfig::load(kDir + "/config.json"));
        auto ref = readReference();
        vit.setParameters(ref, /*strict=*/true, "reference.h5");
        const at::Tensor withGrad = vit.embed(ref["input"]);
        QVERIFY(withGrad.requires_grad()); // forward(), the training path
        at::Tensor noGrad;
        {
            at::NoGradGuard guard;
            noGrad = vit.embed(ref["input"]);
        }
        QVERIFY2(at::allclose(withGrad.detach(), ref["expected_image_embeds"], 1e-4, 1e-5),
                 c10::str((withGrad - ref["expected_image_embeds"]).abs().max()).c_str());
        QVERIFY2(at::allclose(noGrad, withGrad.detach(), 1e-5, 1e-6),
                 c10::str((noGrad - withGrad).abs().max()).c_str());
    }

    // The fast inference path keeps fused q/k/v weights; they must follow every parameter change:
    // setParameters (the merge tuner's way) and an in-place edit of a live parameter.
    void fastPathFollowsNewParameters()
    {
        if (!ClipVisionModelImpl::fastInferenceAvailable())
            QSKIP("no cblas_sgemm in this process: the generic inference path runs");
        ClipVitBackbone vit(ClipVisionConfig::load(kDir + "/config.json"));
        auto ref = readReference();
        vit.setParameters(ref, /*strict=*/true, "reference.h5");
        auto inference = [&] {
            c10::InferenceMode guard;
            return vit.embed(ref["input"]);
        };
        const at::Tensor first = inference();
        QVERIFY2(at::allclose(first, ref["expected_image_embeds"], 1e-4, 1e-5),
                 c10::str((first - ref["expected_image_embeds"]).abs().max()).c_str());
        std::map<std::string, at::Tensor> changed = ref;
        for (const char* name : {"vision_model.encoder.layers.0.self_attn.q_proj.weight",
                                 "vision_model.encoder.layers.1.self_attn.k_proj.weight",
                                 "vision_model.encoder.layers.1.self_attn.v_proj.bias"})
            changed[name] = ref[name] * 1.7 + 0.05;
        vit.setParameters(changed, /*strict=*/true, "changed");
        const at::Tensor second = inference();
        QVERIFY(!at::allclose(second, first, 1e-3, 1e-4)); // the change shows
        QVERIFY2(at::allclose(second, vit.module()->forward(ref["input"]).detach(), 1e-4, 1e-5), "after setParameters");
        {
            at::NoGradGuard noGrad;
            vit.parameters().at("vision_model.encoder.layers.0.self_attn.v_proj.bias").add_(0.3);
        }
        const at::Tensor third = inference();
        QVERIFY(!at::allclose(third, second, 1e-3, 1e-4));
        QVERIFY2(at::allclose(third, vit.module()->forward(ref["input"]).detach(), 1e-4, 1e-5),
                 "after an in-place edit");
    }

    // Other shapes than the fixture's (heads, head width, tokens, channels, activation): the
    // inference path equals forward(), also when two threads embed at once on new parameters.
    void inferenceMatchesForwardOnOtherShapes_data()
    {
        QTest::addColumn<QString>("json");
        QTest::newRow("1 channel, 16 patches, 4 heads of 16, gelu")
            << R"({"hidden_size":64,"intermediate_size":96,"num_hidden_layers":3,"num_attention_heads":4,
                   "image_size":12,"patch_size":3,"num_channels":1,"projection_dim":16,"hidden_act":"gelu"})";
        QTest::newRow("2 channels, 4 patches, 3 heads of 8")
            << R"({"hidden_size":24,"intermediate_size":40,"num_hidden_layers":2,"num_attention_heads":3,
                   "image_size":10,"patch_size":5,"num_channels":2,"projection_dim":8})";
        QTest::newRow("1 layer, 1 patch")
            << R"({"hidden_size":16,"intermediate_size":16,"num_hidden_layers":1,"num_attention_heads":2,
                   "image_size":4,"patch_size":4,"num_channels":3,"projection_dim":4})";
    }
    void inferenceMatchesForwardOnOtherShapes()
    {
        QFETCH(QString, json);
        const ClipVisionConfig config = ClipVisionConfig::fromJson(json.toStdString(), "c.json");
        torch::manual_seed(3);
        ClipVitBackbone vit(config);
        std::map<std::string, at::Tensor> params;
        for (const auto& [name, tensor] : vit.parameters())
            params[name] = at::randn(tensor.sizes()) * 0.3;
        vit.setParameters(params, /*strict=*/true, "random");
        const at::Tensor images = at::randn({7, config.numChannels, config.imageSize, config.imageSize});
        const at::Tensor expected = vit.module()->forward(images).detach();
        at::Tensor a, b;
        auto half = [&](at::Tensor& out, int64_t start, int64_t end) {
            c10::InferenceMode guard;
            out = vit.embed(images.slice(0, start, end));
        };
        std::thread other(half, std::ref(b), 3, 7);
        half(a, 0, 3);
        other.join();
        const at::Tensor both = at::cat({a, b}, 0);
        QVERIFY2(at::allclose(both, expected, 1e-4, 1e-5), c10::str((both - expected).abs().max()).c_str());
    }

    void nonFiniteWeightsAreRefused()
    {
        ClipVitBackbone vit(ClipVisionConfig::load(kDir + "/config.json"));
        auto ref = readReference();
        ref["vision_model.post_layernorm.bias"] = ref["vision_model.post_layernorm.bias"].clone();
        ref["vision_model.post_layernorm.bias"][0] = std::numeric_limits<float>::infinity();
        try {
            vit.setParameters(ref, true, "x.safetensors");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()) ==
                         "x.safetensors: vision_model.post_layernorm.bias: contains NaN or infinite values",
                     e.what());
        }
    }

    void rejectsWrongShapesAndMissingTensors()
    {
        ClipVitBackbone vit(ClipVisionConfig::load(kDir + "/config.json"));
        auto ref = readReference();
        ref["visual_projection.weight"] = at::zeros({3, 3});
        try {
            vit.setParameters(ref, true, "x.safetensors");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("x.safetensors: visual_projection.weight: shape") == 0);
        }
        ref.erase("visual_projection.weight");
        QVERIFY_THROWS_EXCEPTION(InputError, vit.setParameters(ref, true, "x"));
        vit.setParameters(ref, false, "x"); // non-strict: partial replacement is fine
        QVERIFY_THROWS_EXCEPTION(InputError, vit.embed(at::zeros({1, 3, 9, 9})));
    }

    void configErrorsNameTheKey_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << R"({"hidden_size": 8})"
                                 << "key 'intermediate_size': missing";
        QTest::newRow("act") << R"({"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,
            "image_size":8,"patch_size":4,"hidden_act":"relu"})"
                             << "hidden_act";
        QTest::newRow("heads")
            << R"({"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":3,
            "image_size":8,"patch_size":4})"
            << "divisible";
        QTest::newRow("nested") << R"({"projection_dim": 5, "vision_config": {"hidden_size":8,"intermediate_size":8,
            "num_hidden_layers":1,"num_attention_heads":2,"image_size":8,"patch_size":4}})"
                                << "";
    }
    void configErrorsNameTheKey()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        if (expected.isEmpty()) {
            QCOMPARE(ClipVisionConfig::fromJson(json.toStdString(), "c.json").projectionDim, int64_t(5));
            return;
        }
        try {
            ClipVisionConfig::fromJson(json.toStdString(), "c.json");
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).find(expected.toStdString()) != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestClipVit)
#include "tst_clip_vit.moc"
