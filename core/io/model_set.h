// The MergeLab project (ModelSet): a base checkpoint, fine-tuned checkpoints, an optional
// architecture and optional evaluation data per task. Stored as *.mergelab.json.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mergelab {

// One fine-tuned checkpoint of the set.
struct ModelEntry {
    std::string name;  // display name, unique in the set
    std::string path;  // absolute in memory; relative to the project file on disk
    std::string color; // "#rrggbb"
    std::string task;  // name of the TaskEntry it was fine-tuned on ("" when none)
};

// The base (pretrained) checkpoint.
struct BaseEntry {
    std::string name;
    std::string path; // absolute in memory
};

// How to run the backbone: a native network from a config, or a user TorchScript module.
struct ArchitectureSpec {
    std::string type;   // "" (none), "clip_vit" or "torchscript"
    std::string config; // clip_vit: absolute path of config.json
    std::string path;   // torchscript: absolute path of the module archive
};

// Evaluation data and classification head of one task.
struct TaskEntry {
    std::string name;
    std::string dataset;    // absolute path of the HDF5 dataset (docs/formats.md, "Datasets")
    std::string head;       // absolute path of the checkpoint holding the head
    std::string headTensor; // weight [classes, features] inside `head`
    std::string headBias;   // optional bias [classes] ("" when none)
    bool normalize = false; // L2-normalise the backbone's embedding before the head (CLIP style)
    // Language-model task: absolute path of held-out text scored by perplexity; "{split}" in it stands
    // for the split evaluated ("data/code.{split}.txt" -> data/code.val.txt, data/code.test.txt).
    std::string text;
    // Language-model task: absolute path of a multiple-choice JSONL file (one {"prompt", "choices",
    // "answer"} per line) scored by accuracy; "{split}" as in `text`.
    std::string choices;

    // `text` / `choices` for one split.
    std::string textFor(const std::string& split) const;
    std::string choicesFor(const std::string& split) const;
};

// The project file. Loading resolves every path to an absolute one; saving writes them relative
// to the file written. Validation errors are FormatError naming the file and the JSON key.
class ModelSet {
public:
    std::string name;
    BaseEntry base;
    std::vector<ModelEntry> models;
    ArchitectureSpec architecture;
    std::vector<TaskEntry> tasks;

    // Reads and validates a project file. Throws IoError / FormatError.
    static ModelSet load(const std::string& path);
    // Parses project JSON text; relative paths resolve against `folder`. `path` is used in errors.
    static ModelSet parse(const std::string& text, const std::string& folder, const std::string& path);
    // Writes the project (paths relative to the file's folder), atomically (temp + rename).
    void save(const std::string& path) const;
    // The JSON text save() would write for a file in `folder`.
    std::string toJson(const std::string& folder) const;

    // The file this set was loaded from or last saved to ("" for a new set).
    const std::string& projectPath() const { return m_projectPath; }
    // Folder of the project file (for resolving new relative paths; "" for a new set).
    std::string projectFolder() const;

    // Lookups; nullptr when absent.
    const TaskEntry* findTask(const std::string& taskName) const;
    const ModelEntry* findModel(const std::string& modelName) const;
    // Paths of the fine-tuned checkpoints in order.
    std::vector<std::string> modelPaths() const;
    // The language-model tasks' texts of one split, in task order (calibration text for MoE analysis).
    std::vector<std::string> textsFor(const std::string& split) const;

private:
    mutable std::string m_projectPath;
};

} // namespace mergelab
