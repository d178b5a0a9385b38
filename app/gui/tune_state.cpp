#include "tune_state.h"

#include "common/error.h"
#include "merge/param_setting.h"

#include <QCoreApplication>

#include <cmath>

namespace mergelab::gui {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("mergelab::gui::TunePage", text);
}
} // namespace

std::vector<const MergeMethod*> liveMethods(int modelCount)
{
    std::vector<const MergeMethod*> out;
    for (const MergeMethod* m : allMethods())
        if (modelCount >= m->minModels() && (m->maxModels() < 0 || modelCount <= m->maxModels()))
            out.push_back(m);
    return out;
}

std::optional<ParamDef> findParam(const MergeMethod& method, const std::string& name)
{
    for (const ParamDef& d : method.params())
        if (d.name == name)
            return d;
    return std::nullopt;
}

TuneState stateForMethod(const std::string& methodName, int modelCount, const TuneState* previous)
{
    TuneState s;
    s.method = methodName;
    s.perModel.resize(static_cast<std::size_t>(std::max(0, modelCount)));
    const MergeMethod* method = findMethod(methodName);
    if (!method)
        return s;
    for (const ParamDef& def : method->params()) {
        if (def.perModel) {
            for (std::size_t i = 0; i < s.perModel.size(); ++i) {
                double v = def.defaultValue;
                if (previous && i < previous->perModel.size())
                    if (auto it = previous->perModel[i].find(def.name); it != previous->perModel[i].end())
                        v = it->second;
                s.perModel[i][def.name] = paramProblem(def, v).isEmpty() ? v : def.defaultValue;
            }
        } else {
            double v = def.defaultValue;
            // Scales carry over; flags (normalize, ...) keep each method's own default.
            if (previous && !def.boolean)
                if (auto it = previous->global.find(def.name); it != previous->global.end())
                    v = it->second;
            s.global[def.name] = paramProblem(def, v).isEmpty() ? v : def.defaultValue;
        }
    }
    if (previous) // overrides of parameters the new method still has stay
        for (const TuneOverride& o : previous->overrides)
            if (auto def = findParam(*method, o.param); def && !def->perModel)
                s.overrides.push_back(o);
    return s;
}

QString paramProblem(const ParamDef& def, double value)
{
    if (!std::isfinite(value))
        return tr("%1 must be a finite number").arg(QString::fromStdString(def.name));
    if (def.boolean && value != 0 && value != 1)
        return tr("%1 is a flag: 0 or 1").arg(QString::fromStdString(def.name));
    if (def.integer && value != std::round(value))
        return tr("%1 must be a whole number").arg(QString::fromStdString(def.name));
    const bool below = def.minExclusive ? value <= def.minValue : value < def.minValue;
    if (below || value > def.maxValue)
        return tr("%1 must be in %2%3, %4]")
            .arg(QString::fromStdString(def.name), def.minExclusive ? QStringLiteral("(") : QStringLiteral("["))
            .arg(def.minValue, 0, 'g', 6)
            .arg(def.maxValue, 0, 'g', 6);
    return {};
}

std::optional<double> parseParam(const ParamDef& def, const QString& text, QString* problem)
{
    const QString t = text.trimmed().toLower();
    double v = 0;
    bool ok = false;
    if (def.boolean && (t == QLatin1String("true") || t == QLatin1String("false"))) {
        v = t == QLatin1String("true") ? 1 : 0;
        ok = true;
    } else {
        v = t.toDouble(&ok);
    }
    QString why =
        ok ? paramProblem(def, v) : tr("%1: \"%2\" is not a number").arg(QString::fromStdString(def.name), text);
    if (problem)
        *problem = why;
    if (!why.isEmpty())
        return std::nullopt;
    return v;
}

QString formatParam(const ParamDef& def, double value)
{
    if (def.boolean)
        return value != 0 ? QStringLiteral("true") : QStringLiteral("false");
    return QString::number(value, 'g', 6);
}

QString stateProblem(const TuneState& state)
{
    const MergeMethod* method = findMethod(state.method);
    if (!method)
        return tr("unknown merge method \"%1\"").arg(QString::fromStdString(state.method));
    for (const ParamDef& def : method->params()) {
        if (def.perModel) {
            for (const auto& values : state.perModel)
                if (auto it = values.find(def.name); it != values.end())
                    if (QString p = paramProblem(def, it->second); !p.isEmpty())
                        return p;
        } else if (auto it = state.global.find(def.name); it != state.global.end()) {
            if (QString p = paramProblem(def, it->second); !p.isEmpty())
                return p;
        }
    }
    for (const TuneOverride& o : state.overrides) {
        const std::optional<ParamDef> def = findParam(*method, o.param);
        if (!def)
            return tr("override \"%1\": %2 has no parameter \"%3\"")
                .arg(QString::fromStdString(o.filter), QString::fromStdString(state.method),
                     QString::fromStdString(o.param));
        if (def->perModel)
            return tr("override \"%1\": %2 is set per task; overrides take global parameters")
                .arg(QString::fromStdString(o.filter), QString::fromStdString(o.param));
        if (QString p = paramProblem(*def, o.value); !p.isEmpty())
            return p;
        try {
            ParamSetting::makeCondition(o.filter, ParamSetting(0.0), "filter");
        } catch (const Error& e) {
            return tr("override filter \"%1\": %2")
                .arg(QString::fromStdString(o.filter), QString::fromStdString(e.what()));
        }
    }
    try {
        method->validate(tensorParams(state), static_cast<int>(state.perModel.size()));
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

TensorParams tensorParams(const TuneState& state)
{
    TensorParams p;
    p.global = state.global;
    p.perModel = state.perModel;
    return p;
}

Recipe recipeFor(const TuneState& state, const ModelSet& set)
{
    Recipe r;
    r.method = state.method;
    r.base = set.base.path;
    for (std::size_t i = 0; i < set.models.size(); ++i) {
        RecipeModel m;
        m.path = set.models[i].path;
        if (i < state.perModel.size())
            for (const auto& [name, value] : state.perModel[i])
                m.params[name] = ParamSetting(value);
        r.models.push_back(std::move(m));
    }
    for (const auto& [name, value] : state.global)
        r.params[name] = ParamSetting(value);
    // One recipe override per row keeps the table's first-match-wins order per parameter.
    for (const TuneOverride& o : state.overrides)
        r.overrides.push_back(ParamOverride{o.filter, {{o.param, ParamSetting(o.value)}}});
    return r;
}

} // namespace mergelab::gui
