// The BTX workflow: build, set the routers from data when asked, write.
#include "moe/btx_job.h"

#include "common/error.h"
#include "io/model_set.h"
#include "moe/btx_router.h"
#include "moe/expert_outputs.h"
#include "moe/moe_vit.h"

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

// Each expert's task images from the project (matched by checkpoint path); the base gets none.
std::vector<at::Tensor> taskImagesOf(const BtxSpec& spec)
{
    const ModelSet set = ModelSet::load(spec.data);
    std::vector<at::Tensor> images;
    if (spec.options.includeBase)
        images.emplace_back();
    for (const std::string& expert : spec.experts) {
        const ModelEntry* entry = nullptr;
        for (const ModelEntry& m : set.models)
            if (canonical(m.path) == canonical(expert))
                entry = &m;
        if (!entry)
            throw InputError(spec.data, {}, "--expert " + expert + " is not a model of this project");
        const TaskEntry* task = set.findTask(entry->task);
        if (!task || task->dataset.empty())
            throw InputError(spec.data, {}, "model '" + entry->name + "' has no task dataset");
        images.push_back(calibrationImages(task->dataset, spec.calibrationImages));
    }
    return images;
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
        if (first.family != MoeFamily::MoeVit)
            throw InputError(m_spec.base, {},
                             "--router hidden and --finetune-router need a forward pass: MergeLab has one "
                             "for the ViT only");
        auto model = loadMoeVit(first.path);
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
    m_result = branchTrainMix(m_spec.base, m_spec.experts, options, m_spec.output, progress, cancel);
}

} // namespace mergelab
