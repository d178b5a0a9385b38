#pragma once

#include "gui_job_runner.h"

#include "io/model_set.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace mergelab {
class DataMergeJob;
}

namespace mergelab::gui {

// What the Learn page asks for (core names: fisher, regmean, adamerging, adamerging-layerwise, wemoe).
struct LearnSettings {
    QString method = QStringLiteral("adamerging");
    int samples = 256;          // Fisher / RegMean inputs per task (train split); others: all test inputs
    int steps = 100;            // AdaMerging / WEMoE
    double learningRate = 1e-3; // AdaMerging 1e-3, WEMoE 1e-4 in the papers
    int batch = 16;             // inputs per task and step
    int seed = 0;
    double alpha = 0.9;         // RegMean off-diagonal scale
    double lambda = 0.3;        // AdaMerging initial λ, WEMoE task-arithmetic λ
    int validateEvery = 10;     // steps between validation-accuracy points (0: never)
    int validationSamples = 200; // val inputs per task for those points
};

// One training step as the page draws it (converted from the core's StepReport on the job thread).
struct LearnStep {
    int step = 0;
    int steps = 0;
    double loss = 0;
    std::vector<double> validation;          // per task, in [0, 1]; empty between validation steps
    std::vector<std::vector<double>> routing; // WEMoE: per input task, [layers x T] row-major
    int routingLayers = 0;
};

// A finished learned merge: the core job (holds the merged tensors or the WEMoE model).
struct LearnOutcome {
    QString method;
    QStringList taskNames;
    std::shared_ptr<DataMergeJob> job;
    bool isWeMoe() const { return method == QStringLiteral("wemoe"); }
};

// The job body: loads the project's weights and data, runs the method; `onStep` is called on the
// job's thread after every training step. Result: std::shared_ptr<LearnOutcome>.
GuiJobRunner::Work learnWork(const ModelSet& set, const LearnSettings& settings,
                             std::function<void(const LearnStep&)> onStep);

// Writes an outcome: a .safetensors file, or a WEMoE folder (wemoe.json + model.safetensors).
GuiJobRunner::Work exportLearnedWork(std::shared_ptr<const LearnOutcome> outcome, const QString& path);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(std::shared_ptr<mergelab::gui::LearnOutcome>)
