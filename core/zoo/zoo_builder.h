#pragma once

#include "jobs/job.h"
#include "models/clip_vit.h"
#include "zoo/trainer.h"
#include "zoo/zoo_tasks.h"

#include <string>
#include <vector>

namespace mergelab {

// Sizes of a zoo build: model width, data per task, training lengths.
struct ZooPreset {
    std::string name;
    ClipVisionConfig config;
    SplitSizes pretrainData;
    SplitSizes taskData;
    TrainSettings pretrain;
    TrainSettings finetune;
    int64_t headSamples = 1000; // train samples per task used to fit the prototype head
    int pretrainClasses = 0;    // symbol classes of the pretraining task (0 = all, see makePretrainTask)
};

// Folder of the built demo model set inside the user's data folder (…/mergelab/<this>). It names the
// demo preset's revision, so a changed preset is built afresh instead of reusing an older set.
// scripts/mergelab.sh spells the same name.
inline constexpr const char* kDemoFolderName = "demo-r2";

// "tiny" (tests, < 1 min) or "demo" (the README's model set). Throws InputError otherwise.
ZooPreset zooPreset(const std::string& name);

// Accuracies of one checkpoint of the built set on every task.
struct ZooModelScores {
    std::string model;                       // "base" or the task it was fine-tuned on
    std::map<std::string, double> val, test; // task -> accuracy
};

// What a build produced (also written as DIR/model_card.json and DIR/MODEL_CARD.md).
struct ZooReport {
    std::string projectPath;
    std::string preset;
    uint64_t seed = 0;
    double seconds = 0;
    double pretrainValAccuracy = 0; // base on its own pretraining task
    int64_t pretrainClasses = 0;    // symbol classes of that task
    std::vector<ZooModelScores> scores;
};

// Builds the demo model set into `outDir` (must not hold a project yet): datasets, base
// pretraining, one head and one fine-tune per task, checkpoints as safetensors, the project
// file, a model card. Works in "<outDir>.partial" and renames at the end, so a cancelled or failed
// build leaves nothing behind. Deterministic for a seed.
class ZooBuildJob : public Job {
public:
    ZooBuildJob(std::string outDir, ZooPreset preset, uint64_t seed);
    std::string name() const override { return "Build demo model set (" + m_preset.name + ")"; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const ZooReport& report() const { return m_report; }

private:
    std::string m_outDir;
    ZooPreset m_preset;
    uint64_t m_seed;
    ZooReport m_report;
};

} // namespace mergelab
