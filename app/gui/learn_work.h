#pragma once

#include "gui_job_runner.h"

#include "io/model_set.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mergelab {
class DataMergeJob;
struct DataMergeSpec;
} // namespace mergelab

namespace mergelab::gui {

// What the Learn page asks for (core names: fisher, regmean, adamerging, adamerging-layerwise, wemoe).
// Unset parameters take the method's defaults from the core's spec (dataMergeParams).
struct LearnSettings {
    QString method = QStringLiteral("adamerging");
    std::optional<int> samples; // inputs per task (Fisher / RegMean: from the train split; others: 0 = all)
    std::optional<int> steps;   // AdaMerging / WEMoE
    std::optional<double> learningRate;
    std::optional<int> batch; // inputs per task and step
    std::optional<int> seed;
    std::optional<double> alpha;          // RegMean off-diagonal scale
    std::optional<double> lambda;         // AdaMerging initial λ, WEMoE task-arithmetic λ
    int validateEvery = 10;               // the chart's steps between validation-accuracy points (0: never)
    std::optional<int> validationSamples; // val inputs per task for those points
};

// The core spec the settings ask for (method unknown: InputError). Sets only what the settings set.
DataMergeSpec learnSpec(const LearnSettings& settings);

// One parameter's editor on the form, from the core's table for `method`: whether the method uses
// it, its default and range (minExclusive: the minimum itself is not allowed).
struct LearnParam {
    bool used = false;
    double defaultValue = 0;
    double minValue = 0;
    double maxValue = 0;
    bool minExclusive = false;
    QString help;
};
// `name` is a core parameter name (samples, steps, lr, batch, seed, alpha, lambda) or
// "validation_samples" (the spec's monitoring).
LearnParam learnParam(const QString& method, const char* name);

// One training step as the page draws it (converted from the core's StepReport on the job thread).
struct LearnStep {
    int step = 0;
    int steps = 0;
    double loss = 0;
    std::vector<double> validation;           // per task, in [0, 1]; empty between validation steps
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
