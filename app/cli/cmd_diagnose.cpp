// mergelab-cli diagnose: will these fine-tunes merge well? Sharpness per fine-tune, the
// weight-disentanglement error matrix, loss/accuracy over two task coefficients.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "io/model_set.h"
#include "mergeability/diagnostics.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

struct DiagnoseArgs {
    std::string project;
    DiagnosticsOptions options;
    std::string surface;
    std::string grid = "0:1:0.25";
    bool noSharpness = false;
    bool noDisentanglement = false;
    std::string json;
    bool quiet = false;
};

int runDiagnose(DiagnoseArgs args)
{
    DiagnosticsOptions& o = args.options;
    if (o.rho < 0 || !std::isfinite(o.rho))
        throw InputError("--rho must be >= 0 (got " + std::to_string(o.rho) + ")");
    if (!std::isfinite(o.alpha))
        throw InputError("--alpha must be a number");
    if (o.limit <= 0)
        o.limit = -1;
    o.sharpness = !args.noSharpness;
    o.disentanglement = !args.noDisentanglement;
    if (!args.surface.empty()) {
        const auto comma = args.surface.find(',');
        o.surfaceA = args.surface.substr(0, comma);
        o.surfaceB = comma == std::string::npos ? std::string() : args.surface.substr(comma + 1);
        if (o.surfaceA.empty() || o.surfaceB.find(',') != std::string::npos)
            throw InputError("--surface: expected TASK or TASK1,TASK2 (got \"" + args.surface + "\")");
    }
    o.grid = parseGrid(args.grid);
    DiagnoseJob job(ModelSet::load(args.project), o);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    std::cout << job.report().toText() << std::flush;
    if (!args.json.empty()) {
        if (args.json == "-") {
            std::cout << job.report().toJson() << std::endl;
        } else {
            std::ofstream out(args.json, std::ios::binary);
            out << job.report().toJson() << "\n";
            if (!out)
                throw IoError(args.json, {}, "cannot write");
        }
    }
    return kExitOk;
}

const bool registered = registerVerb("diagnose", [](CLI::App& app) {
    auto args = std::make_shared<DiagnoseArgs>();
    CLI::App* sub = app.add_subcommand(
        "diagnose",
        "Mergeability of a project's fine-tunes: sharpness on their tasks, weight-disentanglement error per "
        "pair and for all tasks, loss/accuracy over task coefficients. See docs/mergeability.md.");
    sub->add_option("project", args->project, "Project file (*.mergelab.json) with an architecture, heads and datasets")
        ->required();
    sub->add_option("--rho", args->options.rho, "Sharpness radius")->default_val(0.05);
    sub->add_option("--alpha", args->options.alpha, "Coefficient of every task vector for the disentanglement error")
        ->default_val(0.3);
    sub->add_option("--limit", args->options.limit, "Samples per task (0 or less: all)")->default_val(256);
    sub->add_option("--split", args->options.split, "Dataset split")
        ->default_val("val")
        ->check(CLI::IsMember({"train", "val", "test"}));
    sub->add_option("--batch", args->options.sharpnessBatch, "Inputs per sharpness batch")
        ->default_val(64)
        ->check(CLI::PositiveNumber);
    sub->add_option("--surface", args->surface, "TASK (a line) or TASK1,TASK2 (a plane of coefficients)");
    sub->add_option("--grid", args->grid, "Coefficients of the surface: start:stop:step or one value")
        ->default_val("0:1:0.25");
    sub->add_flag("--no-sharpness", args->noSharpness, "Skip the sharpness");
    sub->add_flag("--no-disentanglement", args->noDisentanglement, "Skip the disentanglement error");
    sub->add_option("--json", args->json, "Also write the report as JSON to FILE (- for stdout)");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runDiagnose(*args); });
});

} // namespace

} // namespace mergelab::cli
