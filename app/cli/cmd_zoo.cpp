// mergelab-cli zoo build: trains the demo model set (base + one fine-tune per task) on this machine.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "zoo/lm_zoo.h"
#include "zoo/zoo_builder.h"

#include "common/error.h"

#include <cstdio>
#include <iostream>

namespace mergelab::cli {

namespace {

struct ZooArgs {
    std::string out;
    std::string preset = "demo";
    uint64_t seed = 0;
    double sam = -1; // SAM radius of the fine-tunes; < 0: plain
    bool quiet = false;
};

// lm-tiny / lm-demo: the language-model set; its table is held-out perplexity per domain.
int runLmZooBuild(const ZooArgs& args)
{
    if (args.sam >= 0)
        throw InputError("--sam applies to the image presets (tiny, demo), not to " + args.preset);
    LmZooBuildJob job(args.out, lmZooPreset(args.preset), args.seed);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    const LmZooReport& r = job.report();
    std::printf("built %s in %.0f s\n", r.projectPath.c_str(), r.seconds);
    std::printf("test split: held-out perplexity (lower is better) and four-way choice accuracy\n%-12s", "model");
    for (const auto& [domain, ppl] : r.scores.front().perplexity)
        std::printf(" %16s", domain.c_str());
    std::printf("\n");
    for (const LmZooScores& s : r.scores) {
        std::printf("%-12s", s.model.c_str());
        for (const auto& [domain, ppl] : s.perplexity)
            std::printf(" %9.2f (%3.0f%%)", ppl, 100 * s.accuracy.at(domain));
        std::printf("\n");
    }
    return kExitOk;
}

int runZooBuild(const ZooArgs& args)
{
    if (isLmZooPreset(args.preset))
        return runLmZooBuild(args);
    ZooPreset preset = zooPreset(args.preset);
    if (args.sam >= 0) {
        preset.finetune.sam = true;
        preset.finetune.samRho = args.sam;
    }
    ZooBuildJob job(args.out, preset, args.seed);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    const ZooReport& r = job.report();
    std::printf("built %s in %.0f s\n", r.projectPath.c_str(), r.seconds);
    std::printf("%-10s %10s %10s\n", "model", "own task", "test avg");
    for (const ZooModelScores& s : r.scores) {
        double sum = 0;
        for (const auto& [task, acc] : s.test)
            sum += acc;
        const double own = s.test.count(s.model) ? s.test.at(s.model) : -1;
        if (own < 0)
            std::printf("%-10s %10s %9.1f%%\n", s.model.c_str(), "-", 100 * sum / double(s.test.size()));
        else
            std::printf("%-10s %9.1f%% %9.1f%%\n", s.model.c_str(), 100 * own, 100 * sum / double(s.test.size()));
    }
    return kExitOk;
}

const bool registered = registerVerb("zoo", [](CLI::App& app) {
    auto args = std::make_shared<ZooArgs>();
    auto* zoo = app.add_subcommand("zoo", "The demo model set");
    zoo->require_subcommand(1);
    auto* build = zoo->add_subcommand("build", "Build the demo model set: datasets, base, fine-tunes, model card");
    build->add_option("--out", args->out, "Output folder (must not hold a model set yet)")->required();
    build
        ->add_option("--preset", args->preset,
                     "tiny (tests, < 1 min) or demo (< 15 min): image sets; lm-tiny (tests) or lm-demo: language "
                     "models")
        ->check(CLI::IsMember({"tiny", "demo", "lm-tiny", "lm-demo"}));
    build->add_option("--seed", args->seed, "Random seed (the build is deterministic for a seed)");
    build->add_option("--sam", args->sam, "Fine-tune every task sharpness-aware with radius RHO (e.g. 0.05)")
        ->check(CLI::NonNegativeNumber);
    build->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runZooBuild(*args); });
});

} // namespace

} // namespace mergelab::cli
