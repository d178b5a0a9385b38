// mergelab-cli: the headless face of the MergeLab core. Verbs live in cmd_*.cpp.
#include "cli/cli_verb.h"
#include "cli/terminal.h"
#include "io/runtime.h"
#include "jobs/job.h"

#include <map>

namespace mergelab::cli {

namespace {
std::map<std::string, VerbSetup>& verbs()
{
    static std::map<std::string, VerbSetup> all;
    return all;
}
} // namespace

bool registerVerb(const std::string& name, VerbSetup setup)
{
    verbs()[name] = std::move(setup);
    return true;
}

} // namespace mergelab::cli

int main(int argc, char** argv)
{
    using namespace mergelab::cli;
    CLI::App app{"MergeLab: inspect, convert, analyse, merge and evaluate fine-tuned checkpoints.", "mergelab-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "mergelab-cli 0.1.0");
    std::map<CLI::App*, std::function<int()>> runners;
    for (auto& [name, setup] : verbs()) {
        const auto before = app.get_subcommands({});
        auto runner = setup(app);
        for (CLI::App* sub : app.get_subcommands({}))
            if (std::find(before.begin(), before.end(), sub) == before.end())
                runners[sub] = runner;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }
    installInterruptHandler();
    int status = kExitFailed;
    const mergelab::JobResult result = mergelab::runGuarded([&] {
        mergelab::initTorchRuntime();
        for (CLI::App* sub : app.get_subcommands())
            status = runners.at(sub)();
    });
    if (result.status == mergelab::Status::Cancelled) {
        printError("cancelled");
        return kExitCancelled;
    }
    if (result.status == mergelab::Status::Failed) {
        printError(result.message);
        return kExitFailed;
    }
    return status;
}
