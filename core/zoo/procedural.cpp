// Shapes and dots rasterised with 3x3 supersampling (so edges are anti-aliased like glyphs).
#include "zoo/procedural.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace mergelab {

namespace {

constexpr double kPi = 3.14159265358979323846;

double uniform(std::mt19937& rng, double lo, double hi)
{
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// Fills the canvas with the coverage of inside(x, y) (pixel centres at +0.5).
void rasterise(const std::function<bool(double, double)>& inside, float* canvas, int size)
{
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            int hits = 0;
            for (int sy = 0; sy < 3; ++sy)
                for (int sx = 0; sx < 3; ++sx)
                    hits += inside(x + (sx + 0.5) / 3.0, y + (sy + 0.5) / 3.0);
            float& px = canvas[y * size + x];
            px = std::max(px, hits / 9.0f);
        }
}

bool insidePolygon(const std::vector<std::pair<double, double>>& poly, double x, double y)
{
    bool in = false;
    for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
        const auto [xi, yi] = poly[i];
        const auto [xj, yj] = poly[j];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

} // namespace

const char* shapeName(int shape)
{
    static const char* names[kShapeClasses] = {"disk", "ring", "square", "frame", "triangle", "star", "plus", "cross"};
    return names[shape];
}

void drawShape(int shape, std::mt19937& rng, float* canvas, int size)
{
    const double cx = size / 2.0 + uniform(rng, -3, 3), cy = size / 2.0 + uniform(rng, -3, 3);
    const double r = uniform(rng, 6.5, 11.0);
    double angle = uniform(rng, -0.3, 0.3);
    if (shape == 7)
        angle += kPi / 4; // the cross is a plus turned by 45 degrees
    const double c = std::cos(angle), s = std::sin(angle);
    const double stroke = uniform(rng, 1.8, 3.0);
    // (u, v): coordinates in the shape's rotated frame.
    auto frame = [=](double x, double y) {
        return std::pair<double, double>{c * (x - cx) + s * (y - cy), -s * (x - cx) + c * (y - cy)};
    };
    std::vector<std::pair<double, double>> poly;
    auto regular = [&](int points, double inner) {
        const int n = inner > 0 ? points * 2 : points;
        for (int i = 0; i < n; ++i) {
            const double a = -kPi / 2 + angle + 2 * kPi * i / n;
            const double rad = (inner > 0 && i % 2) ? r * inner : r;
            poly.emplace_back(cx + rad * std::cos(a), cy + rad * std::sin(a));
        }
    };
    std::function<bool(double, double)> inside;
    switch (shape) {
    case 0:
        inside = [=](double x, double y) { return std::hypot(x - cx, y - cy) < r; };
        break;
    case 1:
        inside = [=](double x, double y) {
            const double d = std::hypot(x - cx, y - cy);
            return d < r && d > r - stroke;
        };
        break;
    case 2:
        inside = [=](double x, double y) {
            auto [u, v] = frame(x, y);
            return std::abs(u) < r * 0.8 && std::abs(v) < r * 0.8;
        };
        break;
    case 3:
        inside = [=](double x, double y) {
            auto [u, v] = frame(x, y);
            const double m = std::max(std::abs(u), std::abs(v));
            return m < r * 0.8 && m > r * 0.8 - stroke;
        };
        break;
    case 4:
        regular(3, 0);
        inside = [&poly](double x, double y) { return insidePolygon(poly, x, y); };
        break;
    case 5:
        regular(5, 0.45);
        inside = [&poly](double x, double y) { return insidePolygon(poly, x, y); };
        break;
    default: {
        const double w = std::max(1.5, r * 0.28);
        inside = [=](double x, double y) {
            auto [u, v] = frame(x, y);
            return (std::abs(u) < r && std::abs(v) < w) || (std::abs(v) < r && std::abs(u) < w);
        };
    }
    }
    rasterise(inside, canvas, size);
}

void drawDots(int count, std::mt19937& rng, float* canvas, int size)
{
    std::vector<std::pair<double, double>> centres;
    for (int attempt = 0; static_cast<int>(centres.size()) < count && attempt < 10000; ++attempt) {
        const double x = uniform(rng, 3.5, size - 3.5), y = uniform(rng, 3.5, size - 3.5);
        bool clear = true;
        for (const auto& [px, py] : centres)
            clear = clear && std::hypot(x - px, y - py) > 5.5;
        if (clear)
            centres.emplace_back(x, y);
    }
    for (const auto& [x0, y0] : centres) {
        const double r = uniform(rng, 1.6, 2.4);
        rasterise([=](double x, double y) { return std::hypot(x - x0, y - y0) < r; }, canvas, size);
    }
}

void addNuisance(std::mt19937& rng, float* canvas, int size)
{
    const double gain = uniform(rng, 0.65, 1.0), background = uniform(rng, 0.0, 0.15);
    std::normal_distribution<float> noise(0.0f, 0.04f);
    for (int i = 0; i < size * size; ++i) {
        const float v = static_cast<float>(background + (1.0 - background) * gain * canvas[i]) + noise(rng);
        canvas[i] = std::clamp(v, 0.0f, 1.0f);
    }
}

} // namespace mergelab
