// mergelab-cli convert: any readable checkpoint -> safetensors (file or sharded folder) or HDF5.
#include "cli/byte_size.h"
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/checkpoint_writer.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

namespace mergelab::cli {

namespace {

struct ConvertArgs {
    std::string input;
    std::string output;
    std::string dtype;
    std::string shardSize = "5GB";
    std::string format;
    bool quiet = false;
    bool force = false;
};

int runConvert(const ConvertArgs& args)
{
    const auto source = Checkpoint::open(args.input);
    std::optional<DType> dtype;
    if (!args.dtype.empty())
        dtype = parseUserDType(args.dtype);
    WriteOptions options;
    options.format = args.format;
    options.shardSize = *parseByteSize(args.shardSize);
    options.protectedPaths = {args.input};
    options.force = args.force;
    TerminalProgress progress(args.quiet);
    const std::string written =
        convertCheckpoint(*source, args.output, options, dtype ? &*dtype : nullptr, progress, interruptToken());
    progress.finish();
    std::printf("wrote %s (%zu tensors, %llu bytes in)\n", written.c_str(), source->tensors().size(),
                static_cast<unsigned long long>(source->totalBytes()));
    return kExitOk;
}

} // namespace

static const bool registered = registerVerb("convert", [](CLI::App& app) {
    auto args = std::make_shared<ConvertArgs>();
    auto* sub = app.add_subcommand(
        "convert", "Convert a checkpoint to safetensors (one file, or a folder of shards with "
                   "model.safetensors.index.json) or HDF5. Writes to a temporary name and renames when complete; "
                   "never overwrites the input.");
    sub->add_option("input", args->input, "Checkpoint file or Hugging Face folder in any readable format")->required();
    sub->add_option("output", args->output,
                    "OUT.safetensors: one file. OUT.h5 / OUT.hdf5: HDF5. Anything else: a folder receiving "
                    "model.safetensors or model-0000i-of-0000N.safetensors shards + index")
        ->required();
    sub->add_option("--dtype", args->dtype,
                    "Convert floating tensors to F32, F16, BF16 or F64 (also float32, fp16, bfloat16...); "
                    "integer and bool tensors keep their type")
        ->check([](const std::string& v) -> std::string {
            const auto t = parseUserDType(v);
            if (!t || !isFloating(*t))
                return "unknown floating dtype \"" + v + "\" (expected F32, F16, BF16 or F64)";
            return {};
        });
    sub->add_option("--shard-size", args->shardSize,
                    "Largest shard of a folder output, e.g. 500MB, 2GB, 1.5GiB (K/M/G/T decimal, KiB/MiB/GiB/TiB "
                    "binary; 0 = never shard)")
        ->capture_default_str()
        ->check([](const std::string& v) -> std::string { return checkByteSize(v); });
    sub->add_option("--format", args->format, "Force the output format instead of choosing it from OUT's name")
        ->check(CLI::IsMember({"safetensors", "hdf5"}));
    sub->add_flag("--force", args->force, "Replace an existing output that MergeLab did not write");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    sub->footer("Examples:\n  mergelab-cli convert pytorch_model.bin model.safetensors\n"
                "  mergelab-cli convert ./llama ./llama-bf16 --dtype BF16 --shard-size 2GB\n"
                "  mergelab-cli convert model.safetensors model.h5");
    return std::function<int()>([args] { return runConvert(*args); });
});

} // namespace mergelab::cli
