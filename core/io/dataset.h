// The HDF5 classification dataset format (docs/formats.md, "Datasets (HDF5)"): evaluation and
// learned-merge data.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace mergelab {

// One split of a classification dataset: images [N, C, H, W] (uint8 or float32), labels int64 [N].
struct LabeledImages {
    at::Tensor images;
    at::Tensor labels;
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

// What a dataset file says about itself (root attributes and split sizes).
struct DatasetInfo {
    std::string task;
    std::vector<std::string> classNames;
    std::vector<double> mean; // per channel (or one value); applied after uint8 / 255
    std::vector<double> std;
    std::map<std::string, int64_t> splitSizes; // "train" -> N, ...
    std::vector<int64_t> imageShape;           // C, H, W
    bool floatImages = false;
};

// Writes a dataset file (docs/formats.md, "Datasets (HDF5)"). Throws IoError naming the path.
void writeDataset(const std::string& path, const std::string& task, const std::vector<std::string>& classNames,
                  const std::map<std::string, LabeledImages>& splits, const std::vector<double>& mean,
                  const std::vector<double>& std);

// Reads the attributes and split sizes; validates the layout. Throws FormatError naming the
// file and the dataset or attribute at fault.
DatasetInfo readDatasetInfo(const std::string& path);

// Reads the first `limit` samples of a split (limit < 0: all), as stored.
LabeledImages readSplit(const std::string& path, const std::string& split, int64_t limit = -1);

// Network input: float32, uint8 scaled to [0, 1], then (x - mean) / std per channel.
at::Tensor normalizeImages(const at::Tensor& images, const DatasetInfo& info);

} // namespace mergelab
