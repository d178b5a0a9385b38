#include "eval/lm_evaluator.h"

#include "common/error.h"
#include "eval/lm_eval.h"
#include "io/json_file.h"
#include "io/model_set.h"
#include "jobs/job.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace mergelab {

double LmTaskScore::perplexity() const
{
    return std::exp(nll);
}

double LmEvalResult::meanNll() const
{
    double sum = 0;
    int n = 0;
    for (const LmTaskScore& t : tasks)
        if (t.hasText()) {
            sum += t.nll;
            ++n;
        }
    return n ? sum / n : std::nan("");
}

double LmEvalResult::meanAccuracy() const
{
    double sum = 0;
    int n = 0;
    for (const LmTaskScore& t : tasks)
        if (t.hasChoices()) {
            sum += t.accuracy;
            ++n;
        }
    return n ? sum / n : std::nan("");
}

double LmEvalResult::perplexity() const
{
    return std::exp(meanNll());
}

std::string LmEvalResult::toJson() const
{
    nlohmann::json j = {{"model", model}, {"split", split}, {"context", context}, {"tasks", nlohmann::json::array()}};
    for (const LmTaskScore& t : tasks) {
        nlohmann::json e = {{"name", t.name}};
        if (t.hasText()) {
            e["perplexity"] = t.perplexity();
            e["nll"] = t.nll;
            e["tokens"] = t.tokens;
        }
        if (t.hasChoices()) {
            e["accuracy"] = t.accuracy;
            e["accuracy_norm"] = t.accuracyNorm;
            e["questions"] = t.questions;
        }
        j["tasks"].push_back(e);
    }
    if (!std::isnan(meanNll())) {
        j["nll"] = meanNll();
        j["perplexity"] = perplexity();
    }
    if (!std::isnan(meanAccuracy()))
        j["accuracy"] = meanAccuracy();
    return j.dump(2);
}

bool hasLmTasks(const ModelSet& set)
{
    for (const TaskEntry& t : set.tasks)
        if (!t.text.empty() || !t.choices.empty())
            return true;
    return false;
}

namespace {

struct Question {
    std::string prompt;
    std::vector<std::string> choices;
    int64_t answer = 0;
};

// One {"prompt", "choices", "answer"} object per non-empty line.
std::vector<Question> readChoices(const std::string& path, const std::string& task)
{
    const std::string text = readTextFile(path, "choices of task " + task);
    std::vector<Question> out;
    size_t pos = 0;
    int64_t line = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string row = text.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (row.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const std::string where = "line " + std::to_string(line);
        const nlohmann::json j = parseJson(row, path, where);
        Question q;
        if (!j.is_object() || !j.contains("prompt") || !j["prompt"].is_string() || !j.contains("choices") ||
            !j["choices"].is_array() || j["choices"].size() < 2 || !j.contains("answer") ||
            !j["answer"].is_number_integer())
            throw FormatError(
                path, {}, where + ": expected {\"prompt\": text, \"choices\": [at least 2 texts], \"answer\": index}");
        q.prompt = j["prompt"].get<std::string>();
        for (const auto& c : j["choices"]) {
            if (!c.is_string() || c.get<std::string>().empty())
                throw FormatError(path, {}, where + ": every choice must be a non-empty text");
            q.choices.push_back(c.get<std::string>());
        }
        q.answer = j["answer"].get<int64_t>();
        if (q.answer < 0 || q.answer >= static_cast<int64_t>(q.choices.size()))
            throw FormatError(path, {}, where + ": answer " + std::to_string(q.answer) + " is not a choice index");
        out.push_back(std::move(q));
    }
    if (out.empty())
        throw InputError(path, {}, "no questions for task " + task);
    return out;
}

} // namespace

LmEvalResult evaluateLmTasks(const CausalLm& model, const Tokenizer& tokenizer, const ModelSet& set,
                             const std::string& split, Progress& progress, const CancelToken& cancel)
{
    LmEvalResult result;
    result.split = split;
    result.context = defaultContext(model);
    std::vector<const TaskEntry*> tasks;
    for (const TaskEntry& t : set.tasks)
        if (!t.text.empty() || !t.choices.empty())
            tasks.push_back(&t);
    at::NoGradGuard noGrad;
    for (size_t i = 0; i < tasks.size(); ++i) {
        const TaskEntry& t = *tasks[i];
        LmTaskScore score;
        score.name = t.name;
        if (!t.choices.empty()) {
            const std::string path = t.choicesFor(split);
            const std::vector<Question> questions = readChoices(path, t.name);
            int64_t right = 0, rightNorm = 0;
            for (size_t q = 0; q < questions.size(); ++q) {
                throwIfCancelled(cancel);
                const Question& question = questions[q];
                const std::vector<int64_t> context = tokenizer.encodePrompt(question.prompt);
                double best = -INFINITY, bestNorm = -INFINITY;
                int64_t pick = -1, pickNorm = -1;
                for (size_t c = 0; c < question.choices.size(); ++c) {
                    const std::vector<int64_t> whole = tokenizer.encodePrompt(question.prompt + question.choices[c]);
                    const size_t shared = std::min(context.size(), whole.size() - 1);
                    const std::vector<int64_t> prefix(whole.begin(),
                                                      whole.begin() + static_cast<std::ptrdiff_t>(shared));
                    const std::vector<int64_t> continuation(whole.begin() + static_cast<std::ptrdiff_t>(shared),
                                                            whole.end());
                    if (prefix.empty())
                        throw InputError(
                            path, {}, "task " + t.name + ": a prompt must give at least one token (none, and no BOS)");
                    const double ll = continuationLogLikelihood(model, prefix, continuation);
                    const double perByte = ll / static_cast<double>(question.choices[c].size());
                    if (ll > best) {
                        best = ll;
                        pick = static_cast<int64_t>(c);
                    }
                    if (perByte > bestNorm) {
                        bestNorm = perByte;
                        pickNorm = static_cast<int64_t>(c);
                    }
                }
                right += pick == question.answer;
                rightNorm += pickNorm == question.answer;
                progress.update(double(i) + 0.5 * double(q + 1) / double(questions.size()), double(tasks.size()),
                                "choices of " + t.name);
            }
            score.questions = static_cast<int64_t>(questions.size());
            score.accuracy = double(right) / double(questions.size());
            score.accuracyNorm = double(rightNorm) / double(questions.size());
        }
        if (t.text.empty()) {
            result.tasks.push_back(score);
            continue;
        }
        const std::string path = t.textFor(split);
        const NllTotal total = windowedNll(model, textFileTokens(path, tokenizer, "text of task " + t.name),
                                           result.context, [&](int64_t done, int64_t windows) {
                                               throwIfCancelled(cancel);
                                               progress.update(double(i) + double(done) / double(windows),
                                                               double(tasks.size()), "perplexity of " + t.name);
                                           });
        if (total.tokens == 0)
            throw InputError(path, {}, "the text of task " + t.name + " has fewer than 2 tokens");
        if (!std::isfinite(total.mean()))
            throw InputError(model.origin(), {},
                             "log-likelihoods on task " + t.name + " are not finite (NaN or infinite weights?)");
        score.tokens = total.tokens;
        score.nll = total.mean();
        result.tasks.push_back(score);
    }
    return result;
}

LmEvalResult evaluateLmModel(const std::string& modelPath, const ModelSet& set, const std::string& split,
                             Progress& progress, const CancelToken& cancel)
{
    const std::unique_ptr<CausalLm> model = CausalLm::open(modelPath);
    const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::open(modelPath);
    LmEvalResult result = evaluateLmTasks(*model, *tokenizer, set, split, progress, cancel);
    result.model = modelPath;
    return result;
}

} // namespace mergelab
