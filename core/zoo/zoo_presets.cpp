// The zoo's presets: sized so "demo" builds in minutes on 2 cores and evaluates 6 x 256 images
// in well under 200 ms.
#include "zoo/zoo_builder.h"

#include "common/error.h"

namespace mergelab {

ZooPreset zooPreset(const std::string& name)
{
    ZooPreset p;
    p.name = name;
    ClipVisionConfig& c = p.config;
    c.numChannels = 1;
    c.imageSize = kZooImageSize;
    c.hiddenAct = "quick_gelu";
    if (name == "tiny") {
        c.hiddenSize = 32;
        c.intermediateSize = 64;
        c.numHiddenLayers = 2;
        c.numAttentionHeads = 2;
        c.patchSize = 7;
        c.projectionDim = 32;
        p.pretrainData = {4000, 300, 0};
        p.taskData = {1000, 200, 200};
        p.pretrain = {600, 64, 3e-3, 0.05, 40, 20.0};
        p.finetune = {500, 32, 2e-3, 0.0, 20, 20.0}; // 250 steps at 1e-3 left letters at the base's accuracy
        p.headSamples = 400;
        p.pretrainClasses = 72; // 4000 samples are too few for every symbol class
        return p;
    }
    if (name == "demo") {
        // Width 128 with 14-pixel patches (2x2 tokens + class token): twice the width of the first
        // miniature at about the same cost per image. The wider model is what made task vectors
        // nearly orthogonal and merges beat the average (docs/demo-model-set.md, configurations 4 and 5).
        c.hiddenSize = 128;
        c.intermediateSize = 256;
        c.numHiddenLayers = 4;
        c.numAttentionHeads = 4;
        c.patchSize = 14;
        c.projectionDim = 128;
        p.pretrainData = {60000, 2000, 0};
        p.taskData = {6000, 1000, 2000};
        p.pretrain = {4000, 128, 1e-3, 0.05, 200, 20.0};
        p.finetune = {1000, 64, 5e-5, 0.0, 40, 20.0};
        p.headSamples = 2000;
        return p;
    }
    throw InputError("unknown zoo preset \"" + name + "\" (tiny, demo)");
}

} // namespace mergelab
