// The learned merges' parameter table and the checks every front end's spec goes through.
#include "datamerge/data_merge_spec.h"

#include "common/error.h"
#include "datamerge/ada_merging.h"
#include "datamerge/fisher_merge.h"
#include "datamerge/regmean_merge.h"
#include "datamerge/wemoe_train.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mergelab {

namespace {

constexpr double kMaxSeed = 9007199254740992.0; // 2^53: every integer below is exact in a double

ParamDef param(const std::string& name, double value, double lo, double hi, const std::string& help)
{
    ParamDef d;
    d.name = name;
    d.defaultValue = value;
    d.minValue = lo;
    d.maxValue = hi;
    d.help = help;
    return d;
}

ParamDef integer(const std::string& name, double value, double lo, double hi, const std::string& help)
{
    ParamDef d = param(name, value, lo, hi, help);
    d.integer = true;
    return d;
}

bool isClosedForm(DataMergeMethod m)
{
    return m == DataMergeMethod::Fisher || m == DataMergeMethod::RegMean;
}

std::string number(double v)
{
    std::ostringstream o;
    o << v;
    return o.str();
}

} // namespace

std::optional<DataMergeMethod> parseDataMergeMethod(const std::string& name)
{
    if (name == "fisher")
        return DataMergeMethod::Fisher;
    if (name == "regmean")
        return DataMergeMethod::RegMean;
    if (name == "adamerging" || name == "adamerging-taskwise")
        return DataMergeMethod::AdaMergingTaskWise;
    if (name == "adamerging-layerwise")
        return DataMergeMethod::AdaMergingLayerWise;
    if (name == "wemoe")
        return DataMergeMethod::WeMoe;
    return std::nullopt;
}

std::string dataMergeMethodName(DataMergeMethod method)
{
    switch (method) {
    case DataMergeMethod::Fisher:
        return "fisher";
    case DataMergeMethod::RegMean:
        return "regmean";
    case DataMergeMethod::AdaMergingTaskWise:
        return "adamerging";
    case DataMergeMethod::AdaMergingLayerWise:
        return "adamerging-layerwise";
    case DataMergeMethod::WeMoe:
        return "wemoe";
    }
    return "?";
}

std::vector<DataMergeMethod> allDataMergeMethods()
{
    return {DataMergeMethod::Fisher, DataMergeMethod::RegMean, DataMergeMethod::AdaMergingTaskWise,
            DataMergeMethod::AdaMergingLayerWise, DataMergeMethod::WeMoe};
}

std::string defaultDataSplit(DataMergeMethod method)
{
    return isClosedForm(method) ? "train" : "test";
}

std::vector<ParamDef> dataMergeParams(DataMergeMethod m)
{
    const FisherOptions fisher;
    const RegMeanOptions regmean;
    const AdaMergingOptions ada;
    const WeMoeOptions wemoe;
    const bool trained = !isClosedForm(m);
    const TrainOptions& train = m == DataMergeMethod::WeMoe ? wemoe.train : ada.train;
    std::vector<ParamDef> p;
    if (isClosedForm(m))
        p.push_back(
            integer("samples",
                    static_cast<double>(m == DataMergeMethod::Fisher ? fisher.samplesPerTask : regmean.samplesPerTask),
                    1, 1e9, "Inputs per task read from the split"));
    else // the test-time methods adapt on every unlabeled input unless told otherwise (0: all)
        p.push_back(integer("samples", 0, 0, 1e9, "Inputs per task read from the split"));
    if (trained) {
        p.push_back(integer("steps", static_cast<double>(train.steps), 0, 1e7, "Training steps"));
        ParamDef lr = param("lr", train.learningRate, 0, 10, "Adam learning rate");
        lr.minExclusive = true;
        p.push_back(lr);
        p.push_back(integer("batch", static_cast<double>(train.batchSize), 1, 1e6, "Inputs per task and step"));
    }
    p.push_back(integer("seed", static_cast<double>(m == DataMergeMethod::Fisher ? fisher.seed : train.seed), 0,
                        kMaxSeed, "Seed (Fisher labels, batches, router init)"));
    if (m == DataMergeMethod::RegMean)
        p.push_back(param("alpha", regmean.alpha, 0, 1, "RegMean off-diagonal scale"));
    if (trained)
        p.push_back(param("lambda", m == DataMergeMethod::WeMoe ? wemoe.model.initLambda : ada.initLambda, -10, 10,
                          "Initial / task-arithmetic coefficient"));
    if (m == DataMergeMethod::Fisher) {
        p.push_back(param("epsilon", fisher.epsilon, 0, 1, "Added to every Fisher entry"));
        ParamDef argmax = param("fisher_argmax", fisher.label == "argmax" ? 1 : 0, 0, 1,
                                "Label y of log p(y|x): the prediction (1) or drawn from p(y|x) (0)");
        argmax.boolean = true;
        p.push_back(argmax);
    }
    if (m == DataMergeMethod::WeMoe)
        p.push_back(integer("router_hidden", static_cast<double>(wemoe.model.routerHidden), 0, 1e6,
                            "Router width (0: the hidden size)"));
    return p;
}

std::optional<ParamDef> findDataMergeParam(DataMergeMethod method, const std::string& name)
{
    for (ParamDef& d : dataMergeParams(method))
        if (d.name == name)
            return d;
    return std::nullopt;
}

std::vector<std::string> dataMergeParamNames()
{
    std::vector<std::string> names;
    for (DataMergeMethod m : allDataMergeMethods())
        for (const ParamDef& d : dataMergeParams(m))
            if (std::find(names.begin(), names.end(), d.name) == names.end())
                names.push_back(d.name);
    return names;
}

std::string dataMergeParamHelp(const std::string& name)
{
    std::string help;
    std::map<std::string, std::vector<std::string>> methodsByDefault; // default -> methods
    std::vector<std::string> order;
    for (DataMergeMethod m : allDataMergeMethods()) {
        const auto d = findDataMergeParam(m, name);
        if (!d)
            continue;
        if (help.empty())
            help = d->help;
        const std::string v = d->name == "samples" && d->defaultValue == 0 ? "all" : number(d->defaultValue);
        if (!methodsByDefault.count(v))
            order.push_back(v);
        methodsByDefault[v].push_back(dataMergeMethodName(m));
    }
    if (order.empty())
        return help;
    std::string text = help + " (default: ";
    for (std::size_t i = 0; i < order.size(); ++i) {
        text += (i ? ", " : "") + order[i];
        if (order.size() > 1) {
            text += " ";
            const auto& ms = methodsByDefault[order[i]];
            for (std::size_t j = 0; j < ms.size(); ++j)
                text += (j ? "/" : "") + ms[j];
        }
    }
    return text + ")";
}

void DataMergeSpec::validate() const
{
    const std::string method = dataMergeMethodName(this->method);
    const std::vector<std::string> known = dataMergeParamNames();
    for (const auto& [name, v] : values) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            std::string list;
            for (const std::string& k : known)
                list += (list.empty() ? "" : ", ") + k;
            throw InputError(method + ": unknown parameter '" + name + "' (known: " + list + ")");
        }
        const auto def = findDataMergeParam(this->method, name);
        if (!def)
            continue; // another method's knob: accepted and unused, as a shared recipe may carry it
        const bool below = def->minExclusive ? !(v > def->minValue) : !(v >= def->minValue);
        if (below || !(v <= def->maxValue))
            throw InputError(method + ": " + name + " must be in " + (def->minExclusive ? "(" : "[") +
                             number(def->minValue) + ", " + number(def->maxValue) + "], got " + number(v));
        if ((def->integer || def->boolean) && std::floor(v) != v)
            throw InputError(method + ": " + name + " must be " + (def->boolean ? "0 or 1" : "a whole number") +
                             ", got " + number(v));
    }
    if (validateEvery < 0)
        throw InputError(method + ": validate_every must be >= 0, got " + std::to_string(validateEvery));
    if (validateEvery > 0 && validationSamples < 1)
        throw InputError(method + ": validation_samples must be >= 1, got " + std::to_string(validationSamples));
}

double DataMergeSpec::value(const std::string& name) const
{
    const auto def = findDataMergeParam(method, name);
    if (!def)
        return 0;
    auto it = values.find(name);
    return it == values.end() ? def->defaultValue : it->second;
}

std::string DataMergeSpec::resolvedSplit() const
{
    return split.empty() ? defaultDataSplit(method) : split;
}

int64_t DataMergeSpec::samplesPerTask() const
{
    const auto n = static_cast<int64_t>(value("samples"));
    return n > 0 ? n : -1;
}

std::string DataMergeSpec::resolvedJson() const
{
    nlohmann::json j = {{"method", dataMergeMethodName(method)}, {"split", resolvedSplit()}};
    for (const ParamDef& d : dataMergeParams(method))
        j[d.name] = value(d.name);
    return j.dump();
}

DataMergeSpec dataMergeSpecFor(const std::string& name)
{
    const auto method = parseDataMergeMethod(name);
    if (!method)
        throw InputError("unknown method \"" + name + "\" (fisher, regmean, adamerging, adamerging-layerwise, wemoe)");
    DataMergeSpec spec;
    spec.method = *method;
    return spec;
}

} // namespace mergelab
