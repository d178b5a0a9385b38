#include "project_export.h"

#include "eval/evaluator.h"
#include "merge/merge_job.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>

#include <memory>

namespace mergelab::gui {

namespace {

// The name without a checkpoint extension the other formats would have given it.
QString stripCheckpointExtension(QString path)
{
    for (const char* ext : {".safetensors", ".h5", ".hdf5"})
        if (path.endsWith(QLatin1String(ext), Qt::CaseInsensitive)) {
            path.chop(static_cast<int>(qstrlen(ext)));
            break;
        }
    while (path.size() > 1 && (path.endsWith(QLatin1Char('/')) || path.endsWith(QLatin1Char('\\'))))
        path.chop(1);
    return path;
}

} // namespace

QString exportPathFor(const QString& destination, ExportSettings::Format format)
{
    const QString trimmed = destination.trimmed();
    if (trimmed.isEmpty())
        return {};
    const QString stem = stripCheckpointExtension(trimmed);
    switch (format) {
    case ExportSettings::Format::SafetensorsFile:
        return stem + QStringLiteral(".safetensors");
    case ExportSettings::Format::Hdf5:
        return stem + QStringLiteral(".h5");
    case ExportSettings::Format::SafetensorsSharded:
        return stem;
    }
    return stem;
}

Recipe exportRecipe(Recipe recipe, const ExportSettings& settings)
{
    recipe.outDtype = settings.dtype;
    if (settings.format == ExportSettings::Format::SafetensorsSharded)
        recipe.shardSize = settings.shardSize;
    return recipe;
}

QString recipePathFor(const QString& writtenPath)
{
    const QFileInfo info(writtenPath);
    if (info.isDir())
        return QDir(writtenPath).filePath(QStringLiteral("mergelab_recipe.json"));
    return writtenPath + QStringLiteral(".mergelab_recipe.json");
}

GuiJobRunner::Work exportWork(Recipe recipe, const QString& output)
{
    return [recipe = std::move(recipe), output](Progress& progress, const CancelToken& cancel) -> QVariant {
        MergeJob job(recipe, output.toStdString());
        job.run(progress, cancel);
        ExportOutcome outcome;
        outcome.writtenPath = QString::fromStdString(job.writtenPath());
        outcome.recipePath = recipePathFor(outcome.writtenPath);
        for (const std::string& w : job.warnings())
            outcome.warnings << QString::fromStdString(w);
        return QVariant::fromValue(outcome);
    };
}

std::optional<QString> evaluationUnavailable(const ModelSet& set)
{
    if (set.architecture.type.empty())
        return QObject::tr("The project names no architecture (\"architecture\" in the project file), so its "
                           "checkpoints cannot be run.");
    for (const TaskEntry& t : set.tasks)
        if (!t.dataset.empty() && !t.head.empty())
            return std::nullopt;
    return QObject::tr("The project has no task with both a dataset and a classification head.");
}

GuiJobRunner::Work evaluateCheckpointWork(ModelSet set, const QString& checkpoint, const QString& split)
{
    return [set = std::move(set), checkpoint, split](Progress& progress, const CancelToken& cancel) -> QVariant {
        progress.update(0, 0, "loading " + split.toStdString() + " data");
        auto evaluator = std::make_shared<Evaluator>(set, split.toStdString());
        throwIfCancelled(cancel);
        const EvalResult result = evaluator->evaluateCheckpoint(checkpoint.toStdString(), progress, cancel);
        ExportEvaluation out;
        out.checkpoint = checkpoint;
        out.split = split;
        for (const TaskAccuracy& t : result.tasks) {
            out.tasks << QString::fromStdString(t.name);
            out.accuracy << t.accuracy;
            out.samples << t.samples;
        }
        out.average = result.average();
        return QVariant::fromValue(out);
    };
}

} // namespace mergelab::gui
