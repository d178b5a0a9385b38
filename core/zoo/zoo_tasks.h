#pragma once

#include "io/dataset.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mergelab {

class Progress;
class CancelToken;

// Side length of every demo image (1 channel).
constexpr int kZooImageSize = 28;

// Samples per split of each generated task.
struct SplitSizes {
    int64_t train = 0, val = 0, test = 0;
};

// One generated classification task: uint8 images [N, 1, 28, 28] per split.
struct ZooTaskData {
    std::string name;
    std::string description;
    std::vector<std::string> classNames;
    std::map<std::string, LabeledImages> splits; // "train", "val", "test"
};

// Names of the downstream tasks, in order: fashion, digits, letters, shapes, counting, rotation.
std::vector<std::string> zooTaskNames();

// Generates one downstream task (deterministic for a seed). Glyph tasks draw test samples
// from fonts never used for train/val. Throws IoError when fonts or Fashion-MNIST are missing.
ZooTaskData makeZooTask(const std::string& name, const SplitSizes& sizes, uint64_t seed);

// The base model's own broad pretraining task: up to 190 symbol classes (Greek, Cyrillic,
// Armenian, Georgian, Hebrew, signs, arrows, math) that appear in no downstream task; the first
// `maxClasses` of them when > 0 (the first 72 are Greek, Cyrillic and signs).
ZooTaskData makePretrainTask(const SplitSizes& sizes, uint64_t seed, int maxClasses = 0);

} // namespace mergelab
