// AdaMerging and WEMoE on a tiny random ViT: entropy goes down, coefficients move, a WEMoE with
// constant routers is task arithmetic, save -> load -> evaluate is lossless, jobs cancel.
#include "common/error.h"
#include "datamerge/data_merge_job.h"
#include "tiny_inputs.h"

#include <c10/core/InferenceMode.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace mergelab;

class TestLearnedMerges : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void adaMergingLowersEntropy_data()
    {
        QTest::addColumn<bool>("layerWise");
        QTest::newRow("task-wise") << false;
        QTest::newRow("layer-wise") << true;
    }
    void adaMergingLowersEntropy()
    {
        QFETCH(bool, layerWise);
        DataMergeInputs in = tinyInputs(3, 8, 2, 0.5);
        AdaMergingOptions o;
        o.layerWise = layerWise;
        o.train.steps = 12;
        o.train.learningRate = 0.05;
        o.train.batchSize = 8; // whole task: the loss is deterministic, so it must go down
        int reports = 0;
        o.train.onStep = [&](const StepReport& r) { QCOMPARE(r.step, int64_t(++reports)); };
        NullProgress progress;
        CancelToken cancel;
        AdaMergingResult r = runAdaMerging(in, o, progress, cancel);
        QCOMPARE(reports, 12);
        QVERIFY2(r.losses.back() < r.losses.front() - 1e-3,
                 (std::to_string(r.losses.front()) + " -> " + std::to_string(r.losses.back())).c_str());
        QCOMPARE(r.lambdas.dim(), layerWise ? 2 : 1);
        QVERIFY((r.lambdas - 0.3).abs().max().item<float>() > 0.05);
        // The returned model is θ0 + Σ λ τ with the learned λ (checked on one tensor, task-wise λ).
        if (!layerWise) {
            const std::string name = "vision_model.encoder.layers.1.self_attn.v_proj.weight";
            at::Tensor expected = in.base.at(name).clone();
            for (int i = 0; i < 3; ++i)
                expected += r.lambdas[i].item<float>() * (in.finetuned[i].at(name) - in.base.at(name));
            QVERIFY(at::allclose(r.merged.at(name), expected, 1e-5, 1e-6));
        }
        // Its entropy on the same inputs is below task arithmetic's (λ = 0.3).
        c10::InferenceMode inference;
        auto entropyOf = [&](const TensorMap& params) {
            double sum = 0;
            for (const EvalTask& t : in.tasks)
                sum += meanEntropy(t.head.logits(vitForward(in.config, params, t.inputs))).item<double>();
            return sum / 3;
        };
        QVERIFY(entropyOf(r.merged) < entropyOf(taskArithmetic(in, 0.3)));
    }

    void wemoeWithConstantRoutersIsTaskArithmetic()
    {
        DataMergeInputs in = tinyInputs(3, 5);
        WeMoeConfig config;
        auto model = WeMoeModel::upcycle(in, config, 4);
        model->fixRouters(0.3);
        c10::InferenceMode inference;
        at::Tensor x = in.tasks[1].inputs;
        std::vector<at::Tensor> routing;
        at::Tensor moe = model->forward(x, &routing);
        at::Tensor ta = vitForward(in.config, taskArithmetic(in, 0.3), x);
        QVERIFY2(at::allclose(moe, ta, 1e-5, 1e-6), c10::str((moe - ta).abs().max()).c_str());
        QCOMPARE(int(routing.size()), 2);
        QVERIFY(at::allclose(routing[0], at::full({5, 3}, 0.3f)));
        // Freshly upcycled (weights ~N(0, 0.01), bias λ): starts close to task arithmetic.
        auto fresh = WeMoeModel::upcycle(in, config, 4);
        QVERIFY((fresh->forward(x) - ta).abs().max().item<float>() < 0.05);
    }

    void wemoeTrainSaveLoadEvaluate()
    {
        DataMergeInputs in = tinyInputs(2, 8, 3, 0.5);
        WeMoeOptions o;
        o.train.steps = 8;
        o.train.learningRate = 1e-2;
        o.train.batchSize = 8;
        NullProgress progress;
        CancelToken cancel;
        auto model = WeMoeModel::upcycle(in, o.model, 1);
        std::vector<double> losses = trainWeMoe(*model, in.tasks, o.train, progress, cancel);
        QCOMPARE(int(losses.size()), 8);
        QVERIFY2(losses.back() < losses.front(),
                 (std::to_string(losses.front()) + " -> " + std::to_string(losses.back())).c_str());

        QTemporaryDir dir;
        const std::string folder = dir.filePath("wemoe").toStdString();
        model->save(folder);
        auto loaded = WeMoeModel::load(folder);
        QCOMPARE(loaded->config().taskNames, (std::vector<std::string>{"task0", "task1"}));
        WeMoeBackbone before(model), after(loaded);
        EvalResult a = evaluateBackbone(before, in.tasks, 3, progress, cancel);
        EvalResult b = evaluateBackbone(after, in.tasks, 3, progress, cancel);
        for (std::size_t i = 0; i < a.tasks.size(); ++i)
            QCOMPARE(a.tasks[i].correct, b.tasks[i].correct);
        c10::InferenceMode inference;
        QVERIFY(at::equal(model->forward(in.tasks[0].inputs), loaded->forward(in.tasks[0].inputs)));
        at::Tensor routing = meanRouting(*loaded, in.tasks[0].inputs, 4, cancel);
        QCOMPARE(routing.sizes().vec(), (std::vector<int64_t>{2, 2}));
    }

    void wemoeLoadErrorsNameTheFile()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QFile f(dir.filePath("wemoe.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"something-else\"}");
        f.close();
        try {
            WeMoeModel::load(folder);
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY(std::string(e.what()).find("wemoe.json") != std::string::npos);
        }
    }

    void jobsWriteOutputAndCancel_data()
    {
        QTest::addColumn<QString>("method");
        for (const char* m : {"fisher", "regmean", "adamerging", "adamerging-layerwise", "wemoe"})
            QTest::newRow(m) << QString(m);
    }
    void jobsWriteOutputAndCancel()
    {
        QFETCH(QString, method);
        auto in = std::make_shared<DataMergeInputs>(tinyInputs(2, 4));
        QTemporaryDir dir;
        DataMergeRequest request;
        request.method = *parseDataMergeMethod(method.toStdString());
        request.output = dir.filePath(method == "wemoe" ? "out" : "out.safetensors").toStdString();
        request.fisher.samplesPerTask = 2;
        request.ada.train.steps = 2;
        request.wemoe.train.steps = 2;
        DataMergeJob job(in, request);
        std::vector<std::string> lines;
        CallbackProgress progress({}, [&](const std::string& line) { lines.push_back(line); });
        CancelToken cancel;
        JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        QVERIFY(QFileInfo::exists(QString::fromStdString(request.output)));
        if (method.startsWith("adamerging") || method == "wemoe")
            QVERIFY(!lines.empty() && lines.back().find("step 2/2 loss") != std::string::npos);

        CancelToken cancelled;
        cancelled.cancel();
        request.output = dir.filePath("cancelled.safetensors").toStdString();
        DataMergeJob again(in, request);
        QCOMPARE(runJob(again, progress, cancelled).status, Status::Cancelled);
        QVERIFY(!QFileInfo::exists(QString::fromStdString(request.output)));
    }
};

QTEST_GUILESS_MAIN(TestLearnedMerges)
#include "tst_learned_merges.moc"
