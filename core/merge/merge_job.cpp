// MergeJob: the streaming merge to disk (bounded memory, both cores, verified export).
#include "merge/merge_job.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/checkpoint_writer.h"
#include "io/model_folder.h"
#include "io/torch_tensor.h"
#include "jobs/task_pool.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <mutex>

namespace mergelab {

namespace fs = std::filesystem;

namespace {

std::string canonical(const std::string& path)
{
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? fs::absolute(path).lexically_normal().string() : p.string();
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw IoError(path.string(), {}, "cannot write: " + systemErrorText(errno));
}

// The recipe and the base's config/tokenizer files, written into a folder output's staging folder so
// that they are published with the weights in one rename. Such files already in the output folder are
// kept (the writer carries them over).
void writeSideFiles(const fs::path& staging, const fs::path& output, const std::string& recipeText,
                    const MergeSources& sources)
{
    writeText(staging / "mergelab_recipe.json", recipeText);
    if (!sources.base)
        return;
    copyModelSideFiles(sources.base->folder(), staging.string(), {}, output.string());
}

} // namespace

void refuseOutputOverInput(const std::string& output, const MergeSources& sources)
{
    const std::string out = canonical(output);
    std::vector<const Checkpoint*> inputs;
    if (sources.base)
        inputs.push_back(sources.base.get());
    for (const auto& m : sources.models)
        inputs.push_back(m.get());
    for (const Checkpoint* c : inputs) {
        const std::string in = canonical(c->path());
        const bool folderInput = fs::is_directory(c->path());
        if (out == in || (folderInput && out.rfind(in + "/", 0) == 0) ||
            (fs::is_directory(out) && in.rfind(out + "/", 0) == 0))
            throw InputError(output, {}, "the output would overwrite the input " + c->path());
    }
}

MergeJob::MergeJob(Recipe recipe, std::string outputPath, MergeOptions options)
    : m_recipe(std::move(recipe)), m_output(std::move(outputPath)), m_options(std::move(options))
{}

MergeJob::MergeJob(Recipe recipe, MergeSources sources, std::string outputPath, MergeOptions options)
    : m_recipe(std::move(recipe)), m_sources(std::move(sources)), m_haveSources(true), m_output(std::move(outputPath)),
      m_options(std::move(options))
{}

void MergeJob::run(Progress& progress, const CancelToken& cancel)
{
    progress.update(0, 1, "opening inputs");
    if (!m_haveSources) {
        m_sources = openSources(m_recipe);
        m_haveSources = true;
    }
    refuseOutputOverInput(m_output, m_sources);
    const MergePlan plan(m_recipe, m_sources, m_options);
    for (const std::string& w : plan.warnings()) {
        m_warnings.push_back(w);
        progress.log("warning: " + w);
    }
    throwIfCancelled(cancel);

    const std::string recipeText = recipeToJsonText(m_recipe);
    WriteOptions wo;
    wo.shardSize = m_recipe.shardSize;
    wo.metadata["format"] = "pt"; // what transformers expects in safetensors metadata
    wo.metadata["mergelab_recipe"] = recipeText;
    wo.force = m_options.force;
    if (m_sources.base)
        wo.protectedPaths.push_back(m_sources.base->path());
    for (const auto& m : m_sources.models)
        wo.protectedPaths.push_back(m->path());
    std::vector<TensorInfo> infos;
    for (const PlannedTensor& t : plan.tensors())
        infos.push_back(t.output);
    std::unique_ptr<CheckpointWriter> writer = CheckpointWriter::create(m_output, infos, wo);

    // Workers take tensors in plan order; a tensor starts when it fits the memory budget beside
    // those in flight (or when none is in flight, so a huge tensor still runs, alone).
    const auto& tensors = plan.tensors();
    NonFiniteCounter nonFinite;
    std::mutex progressMutex;
    std::size_t done = 0;
    const auto total = static_cast<double>(tensors.size());
    ParallelOptions pool;
    pool.workers = std::max(1, m_options.threads);
    pool.cost = [&](std::size_t index) { return tensors[index].workBytes; };
    pool.budget = m_options.maxMemory;
    // On failure the writer's destructor removes the temporary output.
    parallelFor(
        tensors.size(),
        [&](std::size_t index, int) {
            const PlannedTensor& t = tensors[index];
            at::Tensor merged = plan.mergeTensor(t, nonFinite);
            TensorData bytes = fromTorch(t.output.name, merged, t.output.dtype);
            merged = at::Tensor();
            writer->write(bytes);
            std::lock_guard<std::mutex> lock(progressMutex);
            progress.update(static_cast<double>(++done), total, t.output.name);
        },
        cancel, pool);
    throwIfCancelled(cancel);

    for (const std::string& w : nonFinite.warnings()) {
        m_warnings.push_back(w);
        progress.log("warning: " + w);
    }
    progress.update(total, total, "verifying and renaming into place");
    const std::string staging = writer->stagingFolder();
    if (!staging.empty())
        writeSideFiles(staging, m_output, recipeText, m_sources);
    m_written = writer->commit();
    // A file output's recipe is a sibling file: the weights carry it in their metadata too.
    if (staging.empty())
        writeFileAtomically(m_written + ".mergelab_recipe.json", recipeText);
    progress.update(total, total, "merged");
}

} // namespace mergelab
