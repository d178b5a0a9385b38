#pragma once

#include "gui_job_runner.h"

#include "common/dtype.h"
#include "io/model_set.h"
#include "merge/recipe.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace mergelab::gui {

// What the Export dialog asks for: where and how the merged checkpoint is written.
struct ExportSettings {
    enum class Format { SafetensorsFile, SafetensorsSharded, Hdf5 };
    Format format = Format::SafetensorsFile;
    std::optional<DType> dtype;                 // nullopt: each tensor keeps the base's dtype
    uint64_t shardSize = 2000ull * 1000 * 1000; // bytes, sharded folders only
    QString destination;                        // file (.safetensors/.h5) or folder
};

// `destination` with the extension the format needs: "x.safetensors", "x.h5", or a folder "x"
// (MergeJob picks the writer from the name).
QString exportPathFor(const QString& destination, ExportSettings::Format format);

// The recipe with the dialog's output dtype and shard size.
Recipe exportRecipe(Recipe recipe, const ExportSettings& settings);

// The result of an export job: what was written and the merge's warnings.
struct ExportOutcome {
    QString writtenPath;
    QString recipePath; // mergelab_recipe.json beside the checkpoint
    QStringList warnings;
};

// Per-task accuracy of an exported checkpoint.
struct ExportEvaluation {
    QString checkpoint;
    QString split;
    QStringList tasks;
    QVector<double> accuracy; // [0, 1] per task
    QVector<qint64> samples;
    double average = 0;
};

// Where MergeJob writes the recipe for an output written at `writtenPath`.
QString recipePathFor(const QString& writtenPath);

// The job body of an export: a streaming MergeJob to `output` (cancel leaves nothing behind).
GuiJobRunner::Work exportWork(Recipe recipe, const QString& output);

// Whether `set` can evaluate a checkpoint (an architecture and at least one task with data and head);
// otherwise the reason, for a tooltip.
std::optional<QString> evaluationUnavailable(const ModelSet& set);

// The job body that evaluates `checkpoint` on `split` of every task of `set` (result: ExportEvaluation).
GuiJobRunner::Work evaluateCheckpointWork(ModelSet set, const QString& checkpoint, const QString& split);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(mergelab::gui::ExportOutcome)
Q_DECLARE_METATYPE(mergelab::gui::ExportEvaluation)
