#pragma once

#include "io/tensor_data.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace mergelab {

// Where and how a checkpoint is written.
struct WriteOptions {
    // "safetensors" (a file, or a folder of shards + index when shardSize is exceeded) or "hdf5".
    // Empty: chosen from the path (".h5"/".hdf5" -> hdf5, ".safetensors" -> one file, otherwise
    // a folder holding model.safetensors or shards).
    std::string format;
    uint64_t shardSize = 5ull * 1000 * 1000 * 1000; // bytes per shard; 0 = never shard
    std::map<std::string, std::string> metadata;    // safetensors __metadata__ / HDF5 attributes
    // Paths that must never be overwritten (the inputs). Writing to one of them throws InputError.
    std::vector<std::string> protectedPaths;
    // Replace an existing output that MergeLab did not write (isReplaceableOutput); otherwise InputError.
    bool force = false;
};

// Writes a checkpoint whose tensor list is known up front (the plan), tensors arriving in any
// order from any thread. Everything goes to an owned temporary beside the target (io/atomic_output.h);
// commit() verifies that every planned tensor was written and publishes it atomically and durably. Destroying a writer
// that was not committed removes the temporary output (cancel leaves nothing behind).
class CheckpointWriter {
public:
    virtual ~CheckpointWriter() = default;

    static std::unique_ptr<CheckpointWriter> create(const std::string& path, std::vector<TensorInfo> plan,
                                                    const WriteOptions& options);

    // Writes one planned tensor; bytes.info() must match the plan (name, dtype, shape). Thread-safe.
    virtual void write(const TensorData& bytes) = 0;
    // Finishes, verifies and renames into place. Returns the final path (file or folder).
    virtual std::string commit() = 0;
    // Removes the temporary output now. Idempotent; also done by the destructor if not committed.
    virtual void abort() = 0;
    // A folder output's temporary folder until commit() (side files such as config.json go there, so
    // they are published with the weights); empty for a file output.
    virtual std::string stagingFolder() const { return {}; }
};

// For writers: the plan index of `info` (looked up in `byName`), after checking that its dtype, shape and
// size are the planned ones. Throws InputError naming `path` and the tensor otherwise.
std::size_t plannedIndex(const std::string& path, const std::vector<TensorInfo>& plan,
                         const std::unordered_map<std::string, std::size_t>& byName, const TensorInfo& info);

// Writes a whole checkpoint (all tensors of `source`, converted to `dtype` when given) to `path`.
// Used by `mergelab-cli convert`.
class Checkpoint;
class Progress;
class CancelToken;
std::string convertCheckpoint(const Checkpoint& source, const std::string& path, const WriteOptions& options,
                              const DType* dtype, Progress& progress, const CancelToken& cancel);

} // namespace mergelab
