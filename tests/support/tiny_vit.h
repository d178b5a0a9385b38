// tests/support: helpers shared by test folders (on every test's include path). Here: the CLIP ViT
// configuration of the tiny random models the model and datamerge tests build.
#pragma once

#include "models/clip_vit.h"

// 2 blocks of width 16, 8x8 RGB images in 4x4 patches, 8-dimensional embeddings.
inline mergelab::ClipVisionConfig tinyVitConfig()
{
    mergelab::ClipVisionConfig c;
    c.hiddenSize = 16;
    c.intermediateSize = 32;
    c.numHiddenLayers = 2;
    c.numAttentionHeads = 2;
    c.imageSize = 8;
    c.patchSize = 4;
    c.numChannels = 3;
    c.projectionDim = 8;
    return c;
}
