// The BTX workflow: build, set the routers from data when asked, write.
#include "moe/btx_job.h"

#include "common/error.h"
#include "eval/lm_eval.h"
#include "io/model_set.h"
#include "models/causal_lm.h"
#include "moe/btx_router.h"
#include "moe/expert_outputs.h"
#include "moe/moe_vit.h"
#include "text/tokenizer.h"

#include <filesystem>

namespace mergelab {

namespace {

namespace fs = std::filesystem;

std::string canonical(const std::string& path)
{
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? path : p.string();
}

// Each expert's task in the project (matched by checkpoint path); the base expert gets none (nullptr).
std::vector<const TaskEntry*> expertTasks(const BtxSpec& spec, const ModelSet& set)
{
    std::vector<const TaskEntry*> tasks;
    if (spec.options.includeBase)
        tasks.push_back(nullptr);
    for (const std::string& expert : spec.experts) {
        const ModelEntry* entry = nullptr;
        for (const ModelEntry& m : set.models)
            if (canonical(m.path) == canonical(expert))
                entry = &m;
        if (!entry)
            throw InputError(spec.data, {}, "--expert " + expert + " is not a model of this project");
        const TaskEntry* task = set.findTask(entry->task);
        if (!task)
            throw InputError(spec.data, {}, "model '" + entry->name + "' has no task");
        tasks.push_back(task);
    }
    return tasks;
}

// Each expert's task images from the project; the base gets none.
std::vector<at::Tensor> taskImagesOf(const BtxSpec& spec)
{
    const ModelSet set = ModelSet::load(spec.data);
    std::vector<at::Tensor> images;
    for (const TaskEntry* task : expertTasks(spec, set)) {
        if (task && task->dataset.empty())
            throw InputError(spec.data, {}, "task '" + task->name + "' has no dataset");
        images.push_back(task ? calibrationImages(task->dataset, spec.calibrationImages) : at::Tensor());
    }
    return images;
}

// Each expert's task text as tokens (the base gets none): the train split when the project has one,
// else val, never the test split the merges are scored on.
std::vector<std::vector<int64_t>> taskTokensOf(const BtxSpec& spec, const Tokenizer& tokenizer, int64_t limit)
{
    const ModelSet set = ModelSet::load(spec.data);
    std::vector<std::vector<int64_t>> tokens;
    for (const TaskEntry* task : expertTasks(spec, set)) {
        if (!task) {
            tokens.emplace_back();
            continue;
        }
        if (task->text.empty())
            throw InputError(spec.data, {}, "task '" + task->name + "' has no text");
        std::error_code ec;
        const std::string train = task->textFor("train");
        const std::string path = fs::exists(train, ec) ? train : task->textFor("val");
        tokens.push_back(textFileTokens(path, tokenizer, "text of task " + task->name, limit));
    }
    return tokens;
}

} // namespace

BtxJob::BtxJob(BtxSpec spec) : m_spec(std::move(spec)) {}

BtxJob::BtxJob(std::string base, std::vector<std::string> experts, std::string output, BtxOptions options)
{
    m_spec.base = std::move(base);
    m_spec.experts = std::move(experts);
    m_spec.output = std::move(output);
    m_spec.options = std::move(options);
}

void BtxJob::run(Progress& progress, const CancelToken& cancel)
{
    m_spec.validate();
    m_finetune = {};
    BtxOptions options = m_spec.options;
    if (m_spec.routersFromData()) {
        // Build once with a random router in a scratch folder beside the output, set the routers
        // from data on the loaded model, and write the final checkpoint with them.
        const fs::path output(m_spec.output);
        const fs::path scratch = output.parent_path() / (output.filename().string() + ".btx-scratch");
        struct Remove {
            fs::path p;
            ~Remove()
            {
                std::error_code ec;
                fs::remove_all(p, ec);
            }
        } cleanup{scratch};
        const BtxResult first =
            branchTrainMix(m_spec.base, m_spec.experts, options, scratch.string(), progress, cancel);
        if (first.family == MoeFamily::Mixtral)
            lmRoutersFromData(first.path, options, progress, cancel);
        else
            vitRoutersFromData(first.path, options, progress, cancel);
    }
    m_result = branchTrainMix(m_spec.base, m_spec.experts, options, m_spec.output, progress, cancel);
}

void BtxJob::vitRoutersFromData(const std::string& scratch, BtxOptions& options, Progress& progress,
                                const CancelToken& cancel)
{
    auto model = loadMoeVit(scratch);
    if (m_spec.router == BtxRouterInit::Hidden) {
        options.routers = hiddenStateRouters(*model, taskImagesOf(m_spec), m_spec.hiddenLogitStd, progress, cancel);
        model->setParameters(options.routers, false, "hidden-state routers");
    }
    if (m_spec.finetuneRouters) {
        const std::vector<EvalTask> tasks = loadEvalTasks(ModelSet::load(m_spec.data), "train", m_spec.trainLimit);
        m_finetune = finetuneRouters(*model, tasks, m_spec.finetune, progress, cancel);
        options.routers = m_finetune.routers;
        options.expertOverrides = m_finetune.experts;
    }
}

void BtxJob::lmRoutersFromData(const std::string& scratch, BtxOptions& options, Progress& progress,
                               const CancelToken& cancel)
{
    CausalLmFiles files = readCausalLm(scratch);
    const auto tokenizer = Tokenizer::open(m_spec.base);
    if (m_spec.router == BtxRouterInit::Hidden) {
        const CausalLm model(files.config, files.weights, m_spec.base);
        std::vector<at::Tensor> windows;
        for (const auto& tokens : taskTokensOf(m_spec, *tokenizer, m_spec.calibrationTokens))
            windows.push_back(tokens.empty() ? at::Tensor() : tokenWindows(tokens, m_spec.finetune.context));
        options.routers = hiddenStateRouters(model, windows, m_spec.hiddenLogitStd, progress, cancel);
        for (const auto& [name, router] : options.routers)
            files.weights[name] = router;
    }
    if (m_spec.finetuneRouters) {
        std::vector<std::vector<int64_t>> texts;
        for (auto& tokens : taskTokensOf(m_spec, *tokenizer, m_spec.trainTokens))
            if (!tokens.empty()) // the base expert has no task of its own: the others' texts train its row
                texts.push_back(std::move(tokens));
        m_finetune = finetuneLmRouters(files.config, files.weights, texts, m_spec.finetune, progress, cancel);
        options.routers = m_finetune.routers;
    }
}

} // namespace mergelab
