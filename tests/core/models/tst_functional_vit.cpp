// The functional CLIP ViT (vitForward on a tensor map) against the LibTorch module it mirrors.
#include "common/error.h"
#include "models/clip_vit.h"
#include "models/functional_vit.h"
#include "tiny_vit.h"

#include <torch/torch.h>

#include <QtTest>

using namespace mergelab;

class TestFunctionalVit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void functionalForwardEqualsModule()
    {
        at::manual_seed(3);
        ClipVitBackbone vit(tinyVitConfig());
        at::Tensor x = at::randn({5, 3, 8, 8});
        torch::NoGradGuard noGrad;
        TensorMap params = vit.parameters();
        int linearInputs = 0;
        VitHooks hooks;
        hooks.linearInput = [&](const std::string&, const at::Tensor&) { ++linearInputs; };
        at::Tensor functional = vitForward(vit.module()->config, params, x, &hooks);
        at::Tensor module = vit.embed(x);
        QVERIFY2(at::allclose(functional, module, 1e-5, 1e-6), c10::str((functional - module).abs().max()).c_str());
        QCOMPARE(linearInputs, 2 * 6 + 1); // q, k, v, out, fc1, fc2 per block + visual_projection
        QCOMPARE(vitParameterNames(tinyVitConfig()).size(), params.size());
        for (const std::string& name : vitParameterNames(tinyVitConfig()))
            QVERIFY2(params.count(name), name.c_str());
    }

    void missingTensorIsNamed()
    {
        TensorMap params = ClipVitBackbone(tinyVitConfig()).parameters();
        params.erase("vision_model.encoder.layers.1.mlp.fc2.bias");
        try {
            vitForward(tinyVitConfig(), params, at::zeros({1, 3, 8, 8}));
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("layers.1.mlp.fc2.bias") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestFunctionalVit)
#include "tst_functional_vit.moc"
