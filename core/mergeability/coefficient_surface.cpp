// Loss and accuracy over a line or a plane of task-vector coefficients.
#include "mergeability/coefficient_surface.h"

#include "common/error.h"

#include <cmath>
#include <cstdlib>

namespace mergelab {

namespace {

double parseNumber(const std::string& text, const std::string& whole)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
        throw InputError("grid \"" + whole + "\": \"" + text + "\" is not a number (use start:stop:step)");
    return v;
}

} // namespace

std::vector<double> parseGrid(const std::string& text)
{
    std::vector<std::string> parts;
    std::size_t from = 0;
    for (std::size_t colon; (colon = text.find(':', from)) != std::string::npos; from = colon + 1)
        parts.push_back(text.substr(from, colon - from));
    parts.push_back(text.substr(from));
    if (parts.size() == 1)
        return {parseNumber(parts[0], text)};
    if (parts.size() != 3)
        throw InputError("grid \"" + text + "\": expected start:stop:step or one number");
    const double start = parseNumber(parts[0], text), stop = parseNumber(parts[1], text),
                 step = parseNumber(parts[2], text);
    if (step <= 0)
        throw InputError("grid \"" + text + "\": step must be > 0");
    if (stop < start)
        throw InputError("grid \"" + text + "\": stop is below start");
    const double count = std::floor((stop - start) / step + 1e-9) + 1;
    if (count > 101)
        throw InputError("grid \"" + text + "\": " + std::to_string(int64_t(count)) + " points, at most 101");
    std::vector<double> out;
    for (int64_t i = 0; i < int64_t(count); ++i)
        out.push_back(start + double(i) * step);
    return out;
}

CoefficientSurface coefficientSurface(const TensorMap& base, const std::vector<TensorMap>& taskVectors,
                                      const std::vector<std::string>& names, int indexA, int indexB,
                                      const std::vector<double>& alphasA, const std::vector<double>& alphasB,
                                      const TaskScore& score, Progress& progress, const CancelToken& cancel)
{
    const int n = int(taskVectors.size());
    if (indexA < 0 || indexA >= n || indexB >= n || indexA == indexB)
        throw InputError("surface needs one task, or two different tasks, of the project");
    if (alphasA.empty() || (indexB >= 0 && alphasB.empty()))
        throw InputError("surface needs at least one coefficient per axis");
    CoefficientSurface s;
    s.taskA = names[std::size_t(indexA)];
    s.taskB = indexB >= 0 ? names[std::size_t(indexB)] : std::string();
    s.alphasA = alphasA;
    s.alphasB = indexB >= 0 ? alphasB : std::vector<double>{0.0};
    const std::size_t na = s.alphasA.size(), nb = s.alphasB.size();
    s.loss.assign(na, std::vector<double>(nb, 0.0));
    s.accuracy = s.loss;
    for (std::size_t ia = 0; ia < na; ++ia)
        for (std::size_t ib = 0; ib < nb; ++ib) {
            throwIfCancelled(cancel);
            progress.update(double(ia * nb + ib), double(na * nb), "surface point " + std::to_string(ia * nb + ib + 1));
            std::vector<double> c(std::size_t(n), 0.0);
            c[std::size_t(indexA)] = s.alphasA[ia];
            if (indexB >= 0)
                c[std::size_t(indexB)] = s.alphasB[ib];
            const TensorMap params = addTaskVectors(base, taskVectors, c);
            double loss = 0, acc = 0;
            int count = 0;
            for (int t : {indexA, indexB}) {
                if (t < 0)
                    continue;
                const auto [l, a] = score(params, std::size_t(t));
                loss += l;
                acc += a;
                ++count;
            }
            s.loss[ia][ib] = loss / count;
            s.accuracy[ia][ib] = acc / count;
        }
    progress.update(double(na * nb), double(na * nb), "surface done");
    return s;
}

} // namespace mergelab
