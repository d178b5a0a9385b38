// The model card of a zoo build (markdown for people, JSON for tools).
#include "zoo/model_card.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace mergelab {

namespace {
std::string pct(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", 100.0 * v);
    return buf;
}
} // namespace

void writeModelCard(const std::string& dir, const ZooReport& report, const ZooPreset& preset,
                    const std::vector<ZooTaskData>& tasks)
{
    const ClipVisionConfig& c = preset.config;
    nlohmann::json j;
    j["format"] = "mergelab-model-card";
    j["version"] = 1;
    j["preset"] = report.preset;
    j["seed"] = report.seed;
    j["build_seconds"] = report.seconds;
    j["architecture"] = nlohmann::json::parse(c.toJson());
    j["pretraining"] = {{"task", "symbols"},
                        {"classes", report.pretrainClasses},
                        {"train_samples", preset.pretrainData.train},
                        {"steps", preset.pretrain.steps},
                        {"batch_size", preset.pretrain.batchSize},
                        {"learning_rate", preset.pretrain.learningRate},
                        {"val_accuracy", report.pretrainValAccuracy}};
    j["finetuning"] = {{"steps", preset.finetune.steps},
                       {"batch_size", preset.finetune.batchSize},
                       {"learning_rate", preset.finetune.learningRate},
                       {"warmup_steps", preset.finetune.warmupSteps},
                       {"head", "nearest-class-mean on frozen base features, frozen while fine-tuning"},
                       {"logit_scale", preset.finetune.logitScale},
                       {"sam", preset.finetune.sam},
                       {"sam_rho", preset.finetune.sam ? preset.finetune.samRho : 0.0}};
    j["tasks"] = nlohmann::json::array();
    for (const ZooTaskData& t : tasks)
        j["tasks"].push_back({{"name", t.name},
                              {"description", t.description},
                              {"classes", t.classNames},
                              {"train", t.splits.at("train").size()},
                              {"val", t.splits.at("val").size()},
                              {"test", t.splits.at("test").size()}});
    j["accuracy"] = nlohmann::json::array();
    for (const ZooModelScores& s : report.scores)
        j["accuracy"].push_back({{"model", s.model}, {"val", s.val}, {"test", s.test}});

    std::ostringstream md;
    md << "# MergeLab demo model set (" << report.preset << ", seed " << report.seed << ")\n\n"
       << "A miniature of the CLIP ViT-B/32 eight-task merging benchmark, built on this machine by\n"
       << "`mergelab-cli zoo build --preset " << report.preset << " --seed " << report.seed << "` in "
       << static_cast<int>(report.seconds + 0.5) << " s.\n\n"
       << "## Architecture\n\nCLIP-style vision Transformer (Hugging Face `CLIPVisionModelWithProjection` names): "
       << c.imageSize << "x" << c.imageSize << "x" << c.numChannels << " input, patch " << c.patchSize << ", width "
       << c.hiddenSize << ", " << c.numHiddenLayers << " layers, " << c.numAttentionHeads << " heads, MLP "
       << c.intermediateSize << ", projection " << c.projectionDim << ", quick-GELU. See `config.json`.\n\n"
       << "## How it was built\n\n"
       << "1. Base: pretrained from scratch on its own broad task (" << preset.pretrainData.train << " glyphs of "
       << report.pretrainClasses << " symbol classes of scripts and signs that no downstream task uses), "
       << preset.pretrain.steps << " AdamW steps, batch " << preset.pretrain.batchSize
       << ", cosine classifier. Val accuracy on that task: " << pct(report.pretrainValAccuracy) << "%.\n"
       << "2. Heads: per task, the normalised mean base embedding of each class (" << preset.headSamples
       << " train samples), times " << preset.finetune.logitScale
       << " (`heads.safetensors`, `<task>.weight`; applied to L2-normalised embeddings). The heads stay frozen: they "
          "play the role of CLIP's zero-shot text heads.\n"
       << "3. Fine-tunes: the whole backbone, head frozen, " << preset.finetune.steps << " AdamW steps, batch "
       << preset.finetune.batchSize << ", lr " << preset.finetune.learningRate
       << (preset.finetune.sam
               ? ", sharpness-aware (SAM, rho " + std::to_string(preset.finetune.samRho).substr(0, 6) + ")"
               : "")
       << ".\n\n"
       << "## Tasks\n\n| task | classes | train / val / test | data |\n|---|---|---|---|\n";
    for (const ZooTaskData& t : tasks)
        md << "| " << t.name << " | " << t.classNames.size() << " | " << t.splits.at("train").size() << " / "
           << t.splits.at("val").size() << " / " << t.splits.at("test").size() << " | " << t.description << " |\n";
    for (const char* split : {"test", "val"}) {
        md << "\n## Accuracy (%), " << split << " split (rows: checkpoint, columns: task)\n\n| checkpoint |";
        for (const ZooTaskData& t : tasks)
            md << " " << t.name << " |";
        md << " average |\n|---|";
        for (std::size_t i = 0; i <= tasks.size(); ++i)
            md << "---|";
        md << "\n";
        for (const ZooModelScores& s : report.scores) {
            const auto& acc = std::string(split) == "test" ? s.test : s.val;
            double sum = 0;
            md << "| " << s.model << " |";
            for (const ZooTaskData& t : tasks) {
                const double v = acc.at(t.name);
                sum += v;
                md << (t.name == s.model ? " **" + pct(v) + "** |" : " " + pct(v) + " |");
            }
            md << " " << pct(sum / double(tasks.size())) << " |\n";
        }
    }
    md << "\nBold: a fine-tuned model on its own task. Test images of glyph tasks use fonts never seen in "
          "training (Liberation); train/val use DejaVu and FreeFont.\n";

    for (const auto& [name, text] :
         {std::pair<std::string, std::string>{"model_card.json", j.dump(2) + "\n"}, {"MODEL_CARD.md", md.str()}}) {
        std::ofstream out(dir + "/" + name, std::ios::binary);
        out << text;
        if (!out)
            throw IoError(dir + "/" + name, {}, "cannot write");
    }
}

} // namespace mergelab
