// CheckpointWriter::create (format dispatch) and convertCheckpoint (read -> convert -> write).
#include "io/checkpoint_writer.h"
#include "io/checkpoint.h"
#include "io/hdf5_writer.h"
#include "io/safetensors_writer.h"
#include "io/torch_tensor.h"

#include "common/error.h"
#include "common/version.h"
#include "jobs/job.h"

#include <ATen/ATen.h>

namespace mergelab {

namespace {

bool hasSuffix(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool looksLikeHdf5(const std::string& path)
{
    return hasSuffix(path, ".h5") || hasSuffix(path, ".hdf5");
}

} // namespace

std::unique_ptr<CheckpointWriter> CheckpointWriter::create(const std::string& path, std::vector<TensorInfo> plan,
                                                           const WriteOptions& options)
{
    if (path.empty())
        throw InputError("output path is empty");
    std::string format = options.format;
    if (format.empty())
        format = looksLikeHdf5(path) ? "hdf5" : "safetensors";
    // Every checkpoint MergeLab writes says so: a later write may replace it without --force.
    WriteOptions stamped = options;
    bool says = false;
    for (const auto& entry : stamped.metadata)
        says = says || entry.first.rfind("mergelab", 0) == 0;
    if (!says)
        stamped.metadata["mergelab_version"] = kMergeLabVersion;
    if (format == "hdf5")
        return createHdf5Writer(path, std::move(plan), stamped);
    if (format == "safetensors")
        return createSafetensorsWriter(path, std::move(plan), stamped, hasSuffix(path, ".safetensors"));
    throw InputError(path, {}, "unknown output format \"" + format + "\" (expected safetensors or hdf5)");
}

std::string convertCheckpoint(const Checkpoint& source, const std::string& path, const WriteOptions& options,
                              const DType* dtype, Progress& progress, const CancelToken& cancel)
{
    // Only floating tensors change dtype: integer ids and masks keep theirs.
    auto targetOf = [&](const TensorInfo& t) { return dtype && isFloating(t.dtype) ? *dtype : t.dtype; };
    std::vector<TensorInfo> plan;
    plan.reserve(source.tensors().size());
    for (const TensorInfo& t : source.tensors()) {
        TensorInfo out = t;
        out.dtype = targetOf(t);
        out.byteSize = static_cast<uint64_t>(t.numel()) * dtypeSize(out.dtype);
        plan.push_back(std::move(out));
    }
    WriteOptions opts = options;
    opts.protectedPaths.push_back(source.path());
    for (const auto& [key, value] : source.metadata())
        opts.metadata.emplace(key, value); // caller's metadata wins
    if (source.format() == "safetensors-sharded")
        opts.metadata.erase("total_size"); // recomputed by the writer's index
    auto writer = CheckpointWriter::create(path, plan, opts);
    const double total = static_cast<double>(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        throwIfCancelled(cancel);
        const TensorInfo& target = plan[i];
        progress.update(static_cast<double>(i), total, target.name);
        TensorData data = source.read(target.name);
        if (data.info().dtype != target.dtype) {
            try {
                data = fromTorch(target.name, toTorch(data), target.dtype);
            } catch (const c10::Error& e) {
                std::string what = e.what_without_backtrace();
                throw InputError(source.path(), target.name,
                                 "cannot convert to " + std::string(dtypeName(target.dtype)) + ": " + what);
            }
        }
        writer->write(data);
    }
    throwIfCancelled(cancel);
    const std::string written = writer->commit();
    progress.update(total, total, "done");
    return written;
}

std::size_t plannedIndex(const std::string& path, const std::vector<TensorInfo>& plan,
                         const std::unordered_map<std::string, std::size_t>& byName, const TensorInfo& info)
{
    const auto it = byName.find(info.name);
    if (it == byName.end())
        throw InputError(path, info.name, "tensor is not in the write plan");
    const TensorInfo& planned = plan[it->second];
    if (info.dtype != planned.dtype || info.shape != planned.shape || info.byteSize != planned.byteSize)
        throw InputError(path, info.name,
                         std::string("tensor is ") + dtypeName(info.dtype) + " " + info.shapeString() +
                             " but the plan says " + dtypeName(planned.dtype) + " " + planned.shapeString());
    return it->second;
}

} // namespace mergelab
