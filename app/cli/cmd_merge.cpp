// mergelab-cli merge: a recipe (MergeLab JSON or mergekit YAML), or the same merge from flags.
#include "cli/byte_size.h"
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "datamerge/recipe_data.h"
#include "merge/merge_job.h"
#include "merge/recipe.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

namespace mergelab::cli {

namespace {

struct MergeArgs {
    std::string recipe;
    std::string output;
    std::string method;
    std::string base;
    std::vector<std::string> models;
    std::vector<double> weights, densities, gammas;
    std::optional<double> lambda, t;
    std::vector<std::string> params; // NAME=VALUE
    std::optional<uint64_t> seed;
    std::string dtype;
    std::string shardSize;
    std::string maxMemory = "2GiB";
    int threads = 2;
    bool allowMissing = false;
    bool strict = false;
    bool force = false;
    bool dryRun = false;
    bool quiet = false;
};

// A flag with one value sets the global parameter; with one value per model, each model's.
void applyListParam(Recipe& r, const std::string& name, const std::vector<double>& values)
{
    if (values.empty())
        return;
    if (values.size() == 1) {
        r.params[name] = ParamSetting(values.front());
        return;
    }
    if (values.size() != r.models.size())
        throw InputError("--" + name + " takes one value, or one per model (" + std::to_string(r.models.size()) +
                         "), got " + std::to_string(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i)
        r.models[i].params[name] = ParamSetting(values[i]);
}

Recipe buildRecipe(const MergeArgs& a)
{
    Recipe r;
    if (!a.recipe.empty()) {
        if (!a.method.empty() || !a.base.empty() || !a.models.empty())
            throw InputError("give either a RECIPE file or --method/--base/--model, not both");
        r = loadRecipe(a.recipe);
    } else {
        if (a.method.empty())
            throw InputError("give a RECIPE file, or --method with --base and --model (see --help)");
        r.method = a.method;
        r.base = a.base.empty() ? std::string() : resolveRecipePath(a.base, {});
        for (const std::string& m : a.models)
            r.models.push_back({resolveRecipePath(m, {}), {}});
    }
    applyListParam(r, "weight", a.weights);
    applyListParam(r, "density", a.densities);
    applyListParam(r, "gamma", a.gammas);
    if (a.lambda)
        r.params["lambda"] = ParamSetting(*a.lambda);
    if (a.t)
        r.params["t"] = ParamSetting(*a.t);
    for (const std::string& p : a.params) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError("--param expects NAME=VALUE, got '" + p + "'");
        const std::string value = p.substr(eq + 1);
        double v = 0;
        if (value == "true" || value == "false") {
            v = value == "true" ? 1 : 0;
        } else {
            try {
                std::size_t used = 0;
                v = std::stod(value, &used);
                if (used != value.size())
                    throw std::invalid_argument(value);
            } catch (const std::exception&) {
                throw InputError("--param " + p.substr(0, eq) + ": not a number: '" + value + "'");
            }
        }
        r.params[p.substr(0, eq)] = ParamSetting(v);
    }
    if (a.seed)
        r.seed = *a.seed;
    if (!a.dtype.empty())
        r.outDtype = parseUserDType(a.dtype);
    if (!a.shardSize.empty())
        r.shardSize = *parseByteSize(a.shardSize);
    return r;
}

// fisher / regmean / adamerging / adamerging-layerwise / wemoe: the recipe's `data` section says
// where the inputs come from (docs/recipes.md); the merge runs in memory as a DataMergeJob.
int runDataMerge(const Recipe& recipe, const MergeArgs& a)
{
    const ModelSet set = dataMergeProject(recipe);
    const DataMergeSpec spec = dataMergeSpec(recipe, a.output);
    const std::string split = spec.resolvedSplit();
    const int64_t samples = spec.samplesPerTask();
    if (a.dryRun) {
        std::printf("%s on %zu fine-tunes of %s, %s split, %s per task\n", recipe.method.c_str(), set.models.size(),
                    set.base.path.c_str(), split.c_str(),
                    samples > 0 ? (std::to_string(samples) + " samples").c_str() : "all samples");
        return kExitOk;
    }
    if (a.output.empty())
        throw InputError("-o OUT is required (or --dry-run)");
    DataMergeJob job(set, spec);
    TerminalProgress progress(a.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    std::printf("wrote %s\n", a.output.c_str());
    return kExitOk;
}

int runMerge(const MergeArgs& a)
{
    const Recipe recipe = buildRecipe(a);
    if (isDataMergeRecipe(recipe))
        return runDataMerge(recipe, a);
    MergeOptions options;
    options.allowMissing = a.allowMissing;
    options.strict = a.strict;
    options.maxMemory = *parseByteSize(a.maxMemory);
    options.threads = a.threads;
    options.force = a.force;
    if (a.dryRun) {
        const MergePlan plan(recipe, openSources(recipe), options);
        std::fputs(plan.describe().c_str(), stdout);
        return kExitOk;
    }
    if (a.output.empty())
        throw InputError("-o OUT is required (or --dry-run)");
    MergeJob job(recipe, a.output, options);
    TerminalProgress progress(a.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    std::printf("wrote %s\n", job.writtenPath().c_str());
    return kExitOk;
}

std::string methodsHelp()
{
    std::ostringstream o;
    o << "Methods and parameters (per-model ones may differ per --model; 'flag' = 0/1):\n";
    for (const MergeMethod* m : allMethods()) {
        o << "  " << m->name() << ": " << m->description() << "\n";
        for (const ParamDef& p : m->params()) {
            o << "      " << p.name << (p.perModel ? " (per model)" : "") << " default ";
            if (p.boolean)
                o << (p.defaultValue != 0 ? "true" : "false") << ", flag";
            else
                o << p.defaultValue << ", range " << (p.minExclusive ? "(" : "[") << p.minValue << ", " << p.maxValue
                  << "]";
            o << ": " << p.help << "\n";
        }
    }
    o << "\nExamples:\n"
         "  mergelab-cli merge recipe.yaml -o merged/\n"
         "  mergelab-cli merge --method ties --base B --model M1 --model M2 --weight 0.5 --density 0.2 -o OUT\n"
         "  mergelab-cli merge --method slerp --base A --model B --t 0.3 -o out.safetensors --dtype bf16\n"
         "  mergelab-cli merge recipe.json --dry-run\n"
         "Merges that learn from data (recipe with a 'data' section: project or config + HDF5 tasks, split,\n"
         "samples, steps, lr, batch, seed): fisher, regmean, adamerging, adamerging-layerwise, wemoe\n"
         "  (parameters alpha, lambda, epsilon, router_hidden, fisher_argmax; docs/recipes.md)\n"
         "Recipe format and parameter gradients/filters: docs/recipes.md";
    return o.str();
}

} // namespace

static const bool registered = registerVerb("merge", [](CLI::App& app) {
    auto a = std::make_shared<MergeArgs>();
    auto* sub = app.add_subcommand(
        "merge", "Merge checkpoints tensor by tensor (bounded memory) from a recipe (MergeLab JSON or mergekit "
                 "YAML) or from flags. Validates everything first; writes to a temporary name, verifies and renames; "
                 "never overwrites an input; Ctrl-C leaves nothing behind.");
    sub->add_option("recipe", a->recipe, "Recipe file: *.json (MergeLab) or *.yaml/*.yml (mergekit subset)");
    sub->add_option("-o,--output", a->output,
                    "OUT.safetensors: one file. OUT.h5: HDF5. Anything else: a folder with model.safetensors or "
                    "shards + index, config/tokenizer files copied from the base, mergelab_recipe.json");
    sub->add_option("--method", a->method, "Merge method (flag form; see the list below)");
    sub->add_option("--base", a->base, "Base (pretrained) checkpoint");
    sub->add_option("--model", a->models, "Fine-tuned checkpoint (repeat for each model)");
    sub->add_option("--weight", a->weights, "weight: one value for all models, or one per --model");
    sub->add_option("--density", a->densities,
                    "density: fraction of each task vector kept (ties, dare_*, breadcrumbs*)");
    sub->add_option("--gamma", a->gammas, "gamma: fraction of largest entries dropped (breadcrumbs*)");
    sub->add_option("--lambda", a->lambda, "Scale of the merged delta");
    sub->add_option("--t", a->t, "slerp interpolation factor (0 = base, 1 = model)");
    sub->add_option("--param", a->params, "Any other global parameter, NAME=VALUE (e.g. normalize=false)");
    sub->add_option("--seed", a->seed, "Seed of the dare_* random drop (per tensor and model, see docs/recipes.md)");
    sub->add_option("--dtype", a->dtype, "Output dtype of floating tensors (F32, F16, BF16; default: the base's)")
        ->check([](const std::string& v) -> std::string {
            const auto t = parseUserDType(v);
            return t && isFloating(*t) ? std::string() : "unknown floating dtype \"" + v + "\"";
        });
    sub->add_option("--shard-size", a->shardSize, "Largest shard of a folder output (default 5GB; 0 = one file)")
        ->check(checkByteSize);
    sub->add_option("--max-memory", a->maxMemory, "Memory budget for tensors merged at once")
        ->capture_default_str()
        ->check(checkByteSize);
    sub->add_option("--threads", a->threads, "Tensors merged in parallel")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    sub->add_flag("--allow-missing", a->allowMissing, "A model lacking a tensor contributes the base's tensor");
    sub->add_flag("--force", a->force, "Replace an existing output that MergeLab did not write");
    sub->add_flag("--strict", a->strict, "NaN/Inf in an input is an error (default: a warning with counts)");
    sub->add_flag("--dry-run", a->dryRun, "Validate and print the plan: tensors, output size, estimated peak memory");
    sub->add_flag("-q,--quiet", a->quiet, "No progress bar");
    sub->footer(methodsHelp());
    return std::function<int()>([a] { return runMerge(*a); });
});

} // namespace mergelab::cli
