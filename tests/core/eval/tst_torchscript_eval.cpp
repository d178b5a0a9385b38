// The TorchScript architecture path: a module written by python (tests/fixtures/torchscript/
// make_torchscript.py), its parameters replaced by a checkpoint's, scores what python computed.
#include "common/error.h"
#include "eval/evaluator.h"
#include "models/torchscript_backbone.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <fstream>

using namespace mergelab;

namespace {
const std::string kDir = std::string(MERGELAB_FIXTURES_DIR) + "/torchscript";

nlohmann::json expected()
{
    std::ifstream in(kDir + "/expected.json");
    return nlohmann::json::parse(in);
}
} // namespace

class TestTorchScriptEval : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mergedParametersGivePythonsAccuracy()
    {
        const ModelSet set = ModelSet::load(kDir + "/p.mergelab.json");
        QCOMPARE(set.architecture.type, std::string("torchscript"));
        Evaluator evaluator(set, "test");
        evaluator.batchSize = 7; // uneven batches over both workers
        NullProgress quiet;
        CancelToken cancel;
        // The module's own weights first (python: a different accuracy), then the checkpoint's.
        const EvalResult own = evaluateBackbone(evaluator.backbone(), evaluator.tasks(), 7, quiet, cancel);
        const EvalResult merged = evaluator.evaluateCheckpoint(kDir + "/merged.pt", quiet, cancel);
        const nlohmann::json e = expected();
        QCOMPARE(merged.tasks.size(), std::size_t(1));
        QCOMPARE(merged.tasks[0].samples, e["samples"].get<int64_t>());
        QVERIFY(std::abs(merged.tasks[0].accuracy - e["test_accuracy_merged"].get<double>()) < 1e-6);
        QVERIFY(std::abs(own.tasks[0].accuracy - e["test_accuracy_own_weights"].get<double>()) < 1e-6);
        QCOMPARE(evaluator.backbone().embeddingSize(), int64_t(4));
    }

    void parametersUseTheModulesNames()
    {
        TorchScriptBackbone backbone(kDir + "/model.pt");
        const auto params = backbone.parameters();
        for (const char* name :
             {"patch.weight", "norm.weight", "norm.bias", "mlp.0.weight", "mlp.2.bias", "proj.weight"})
            QVERIFY2(params.count(name), name);
        QCOMPARE(params.size(), std::size_t(8));
    }

    void errorsNameTheFile()
    {
        try {
            TorchScriptBackbone backbone(kDir + "/heads.pt"); // a state dict, not a TorchScript module
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).find(kDir + "/heads.pt: ") == 0, e.what());
        }
        TorchScriptBackbone backbone(kDir + "/model.pt");
        try {
            std::map<std::string, at::Tensor> wrong = backbone.parameters();
            wrong["proj.weight"] = at::zeros({5, 8});
            backbone.setParameters(wrong, true, "w.pt");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("w.pt: proj.weight: shape") == 0, e.what());
        }
        c10::InferenceMode inference;
        QVERIFY_THROWS_EXCEPTION(InputError, backbone.embed(at::zeros({2, 3, 4, 4}))); // 3 channels, conv takes 1
    }
};

QTEST_GUILESS_MAIN(TestTorchScriptEval)
#include "tst_torchscript_eval.moc"
