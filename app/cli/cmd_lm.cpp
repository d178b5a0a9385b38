// mergelab-cli perplexity / generate: run a language-model folder (Llama, Mistral, Qwen2, Mixtral,
// Qwen2-MoE) on text.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "eval/lm_completion.h"
#include "eval/lm_eval.h"
#include "io/json_file.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace mergelab::cli {

namespace {

struct PerplexityArgs {
    std::string model;
    std::string textFile;
    int64_t context = 0; // 0: the model's default
    bool json = false;
    bool quiet = false;
};

int runPerplexity(const PerplexityArgs& args)
{
    const std::unique_ptr<CausalLm> model = CausalLm::open(args.model);
    const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::open(args.model);
    const std::string text = readTextFile(args.textFile, "text");
    if (text.empty())
        throw InputError(args.textFile, {}, "the text is empty");
    const std::vector<int64_t> ids = tokenizer->encodeForModel(text);
    const int64_t context = args.context > 0 ? args.context : defaultContext(*model);
    TerminalProgress progress(args.quiet || args.json);
    const NllTotal total = windowedNll(*model, ids, context, [&](int64_t done, int64_t windows) {
        throwIfCancelled(interruptToken());
        progress.update(static_cast<double>(done), static_cast<double>(windows), "perplexity");
    });
    progress.finish();
    if (total.tokens == 0)
        throw InputError(args.textFile, {}, "the text has fewer than 2 tokens: nothing to predict");
    const double mean = total.mean();
    if (!std::isfinite(mean))
        throw InputError(args.model, {}, "the model's log-likelihoods are not finite (NaN or infinite weights?)");
    const double bitsPerByte = total.nll / std::log(2.0) / static_cast<double>(text.size());
    if (args.json) {
        nlohmann::json j = {{"model", args.model},          {"text", args.textFile}, {"context", context},
                            {"tokens", total.tokens},       {"nll", mean},           {"perplexity", std::exp(mean)},
                            {"bits_per_byte", bitsPerByte}, {"bytes", text.size()}};
        std::cout << j.dump(2) << std::endl;
    } else {
        std::printf("%s on %s: perplexity %.4f (mean NLL %.5f nats over %lld predicted tokens, context %lld, "
                    "%.4f bits per byte)\n",
                    args.model.c_str(), args.textFile.c_str(), std::exp(mean), mean,
                    static_cast<long long>(total.tokens), static_cast<long long>(context), bitsPerByte);
    }
    return kExitOk;
}

struct GenerateArgs {
    std::string model;
    std::string prompt;
    int64_t maxNewTokens = 64;
    double temperature = 0.0;
    uint64_t seed = 0;
    bool json = false;
};

int runGenerate(const GenerateArgs& args)
{
    const std::unique_ptr<CausalLm> model = CausalLm::open(args.model);
    const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::open(args.model);
    GenerateOptions options;
    options.maxNewTokens = args.maxNewTokens;
    options.temperature = args.temperature;
    options.seed = args.seed;
    const LmCompletion completion = completePrompt(*model, *tokenizer, args.prompt, options, interruptToken());
    if (args.json) {
        nlohmann::json j = {
            {"model", args.model},   {"prompt", args.prompt},         {"prompt_ids", completion.promptIds},
            {"ids", completion.ids}, {"completion", completion.text}, {"temperature", args.temperature},
            {"seed", args.seed}};
        std::cout << j.dump(2) << std::endl;
    } else {
        std::cout << args.prompt << completion.text << std::endl;
    }
    return kExitOk;
}

const bool registeredPerplexity = registerVerb("perplexity", [](CLI::App& app) {
    auto args = std::make_shared<PerplexityArgs>();
    auto* sub = app.add_subcommand("perplexity", "Perplexity of a language-model folder on a text file");
    sub->add_option("model", args->model, "Model folder (config.json, weights, tokenizer.model)")->required();
    sub->add_option("--text", args->textFile, "Text file, tokenized as a whole (BOS first when the tokenizer adds it)")
        ->required();
    sub->add_option("--context", args->context,
                    "Window length in tokens: the text is cut into consecutive windows of at most this many tokens "
                    "(default: max_position_embeddings, at most 2048)")
        ->check(CLI::Range(int64_t(2), int64_t(1) << 20));
    sub->add_flag("--json", args->json, "Print JSON: tokens, nll (mean, nats), perplexity, bits_per_byte, context");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runPerplexity(*args); });
});

const bool registeredGenerate = registerVerb("generate", [](CLI::App& app) {
    auto args = std::make_shared<GenerateArgs>();
    auto* sub = app.add_subcommand("generate", "Complete a prompt with a language-model folder");
    sub->add_option("model", args->model, "Model folder (config.json, weights, tokenizer.model)")->required();
    sub->add_option("--prompt", args->prompt, "Prompt text")->required();
    sub->add_option("--max-new-tokens", args->maxNewTokens, "Tokens to generate at most")
        ->check(CLI::Range(int64_t(0), int64_t(1) << 20));
    sub->add_option("--temperature", args->temperature, "0: greedy; above 0: sampling")->check(CLI::Range(0.0, 100.0));
    sub->add_option("--seed", args->seed, "Sampling seed (the same seed gives the same text)");
    sub->add_flag("--json", args->json, "Print JSON: prompt_ids, ids (new tokens), completion");
    return std::function<int()>([args] { return runGenerate(*args); });
});

} // namespace

} // namespace mergelab::cli
