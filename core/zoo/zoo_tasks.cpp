// The demo tasks: Fashion-MNIST, font glyphs, procedural shapes and dots, glyph rotations.
#include "zoo/zoo_tasks.h"

#include "common/error.h"
#include "zoo/fashion_mnist.h"
#include "zoo/glyph_renderer.h"
#include "zoo/procedural.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

namespace mergelab {

namespace {

constexpr int S = kZooImageSize;
constexpr double kPi = 3.14159265358979323846;

using Drawer = std::function<void(int label, std::mt19937& rng, float* canvas, bool testSplit)>;

double uniform(std::mt19937& rng, double lo, double hi)
{
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// Balanced labels (i mod K), drawn in a seeded order, converted to uint8.
LabeledImages generate(int64_t n, int classes, const Drawer& draw, std::mt19937& rng, bool testSplit)
{
    LabeledImages out;
    out.images = at::zeros({n, 1, S, S}, at::kByte);
    out.labels = at::empty({n}, at::kLong);
    std::vector<int64_t> labels(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        labels[static_cast<std::size_t>(i)] = i % classes;
    std::shuffle(labels.begin(), labels.end(), rng);
    std::vector<float> canvas(S * S);
    uint8_t* pixels = out.images.data_ptr<uint8_t>();
    for (int64_t i = 0; i < n; ++i) {
        std::fill(canvas.begin(), canvas.end(), 0.0f);
        const int label = static_cast<int>(labels[static_cast<std::size_t>(i)]);
        draw(label, rng, canvas.data(), testSplit);
        for (int p = 0; p < S * S; ++p)
            pixels[i * S * S + p] = static_cast<uint8_t>(std::lround(std::clamp(canvas[p], 0.0f, 1.0f) * 255.0f));
        out.labels[i] = label;
    }
    return out;
}

ZooTaskData generateTask(const std::string& name, const std::string& description, std::vector<std::string> classes,
                         const SplitSizes& sizes, uint64_t seed, const Drawer& draw)
{
    ZooTaskData task;
    task.name = name;
    task.description = description;
    task.classNames = std::move(classes);
    const int k = static_cast<int>(task.classNames.size());
    std::seed_seq seq{seed, uint64_t(std::hash<std::string>{}(name)&0xffffffffu)};
    std::mt19937 rng(seq);
    task.splits["train"] = generate(sizes.train, k, draw, rng, false);
    task.splits["val"] = generate(sizes.val, k, draw, rng, false);
    task.splits["test"] = generate(sizes.test, k, draw, rng, true);
    return task;
}

// Glyph drawing with train fonts for train/val and unseen fonts for test.
class GlyphSource {
public:
    GlyphSource()
    {
        std::vector<std::string> train = demoFonts("train"), test = demoFonts("test");
        if (train.empty())
            throw IoError("/usr/share/fonts/truetype", {},
                          "no DejaVu or FreeFont fonts (install fonts-dejavu-core, fonts-freefont-ttf)");
        if (test.empty()) { // no Liberation: hold out every fourth training font instead
            for (std::size_t i = 3; i < train.size(); i += 4)
                test.push_back(train[i]);
            for (std::size_t i = train.size(); i-- > 0;)
                if (i % 4 == 3)
                    train.erase(train.begin() + static_cast<std::ptrdiff_t>(i));
        }
        m_train = std::make_unique<GlyphRenderer>(train);
        m_test = std::make_unique<GlyphRenderer>(test);
    }
    // Draws cp in a random font of the split that has it.
    void draw(char32_t cp, const GlyphStyle& style, std::mt19937& rng, float* canvas, bool testSplit)
    {
        GlyphRenderer& r = testSplit ? *m_test : *m_train;
        for (int attempt = 0; attempt < 32; ++attempt) {
            const int font = std::uniform_int_distribution<int>(0, r.fontCount() - 1)(rng);
            if (r.render(font, cp, style, canvas, S))
                return;
        }
    }

private:
    std::unique_ptr<GlyphRenderer> m_train, m_test;
};

GlyphStyle randomStyle(std::mt19937& rng, int minSize, int maxSize, double maxRotation, double maxShift)
{
    GlyphStyle s;
    s.pixelSize = std::uniform_int_distribution<int>(minSize, maxSize)(rng);
    s.rotation = uniform(rng, -maxRotation, maxRotation);
    s.shear = uniform(rng, -0.2, 0.2);
    s.dx = uniform(rng, -maxShift, maxShift);
    s.dy = uniform(rng, -maxShift, maxShift);
    return s;
}

std::vector<std::string> names(const std::u32string& chars)
{
    std::vector<std::string> out;
    for (char32_t c : chars) {
        std::string utf8;
        if (c < 0x80)
            utf8 += static_cast<char>(c);
        else if (c < 0x800)
            utf8 += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
        else
            utf8 += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                     static_cast<char>(0x80 | (c & 0x3F))};
        out.push_back(utf8);
    }
    return out;
}

ZooTaskData glyphTask(const std::string& name, const std::string& description, const std::u32string& chars,
                      const SplitSizes& sizes, uint64_t seed)
{
    auto glyphs = std::make_shared<GlyphSource>();
    return generateTask(name, description, names(chars), sizes, seed,
                        [glyphs, chars](int label, std::mt19937& rng, float* canvas, bool test) {
                            glyphs->draw(chars[static_cast<std::size_t>(label)], randomStyle(rng, 16, 26, 0.2, 3), rng,
                                         canvas, test);
                            addNuisance(rng, canvas, S);
                        });
}

ZooTaskData fashionTask(const SplitSizes& sizes, uint64_t seed)
{
    const IdxImages train = readFashionMnist("train"), test = readFashionMnist("test");
    std::mt19937 rng(static_cast<uint32_t>(seed * 7919 + 17));
    auto take = [&](const IdxImages& src, int64_t offset, int64_t n, const std::vector<int64_t>& order) {
        if (offset + n > src.count)
            throw InputError("Fashion-MNIST has only " + std::to_string(src.count) + " images for this split");
        LabeledImages out;
        out.images = at::empty({n, 1, S, S}, at::kByte);
        out.labels = at::empty({n}, at::kLong);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t j = order[static_cast<std::size_t>(offset + i)];
            std::copy_n(src.pixels.data() + j * S * S, S * S, out.images.data_ptr<uint8_t>() + i * S * S);
            out.labels[i] = static_cast<int64_t>(src.labels[static_cast<std::size_t>(j)]);
        }
        return out;
    };
    auto permutation = [&](int64_t n) {
        std::vector<int64_t> order(static_cast<std::size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        return order;
    };
    const std::vector<int64_t> trainOrder = permutation(train.count), testOrder = permutation(test.count);
    ZooTaskData task;
    task.name = "fashion";
    task.description = "Fashion-MNIST clothing photos (dataset-fashion-mnist)";
    task.classNames = fashionMnistClasses();
    task.splits["train"] = take(train, 0, sizes.train, trainOrder);
    task.splits["val"] = take(train, sizes.train, sizes.val, trainOrder);
    task.splits["test"] = take(test, 0, sizes.test, testOrder);
    return task;
}

} // namespace

std::vector<std::string> zooTaskNames()
{
    return {"fashion", "digits", "letters", "shapes", "counting", "rotation"};
}

ZooTaskData makeZooTask(const std::string& name, const SplitSizes& sizes, uint64_t seed)
{
    if (name == "fashion")
        return fashionTask(sizes, seed);
    if (name == "digits")
        return glyphTask(name, "digits 0-9 rendered from fonts (test: unseen fonts)", U"0123456789", sizes, seed);
    if (name == "letters")
        return glyphTask(name, "capital letters A-Z rendered from fonts (test: unseen fonts)",
                         U"ABCDEFGHIJKLMNOPQRSTUVWXYZ", sizes, seed);
    if (name == "shapes") {
        std::vector<std::string> classes;
        for (int i = 0; i < kShapeClasses; ++i)
            classes.push_back(shapeName(i));
        return generateTask(name, "procedurally drawn shapes", classes, sizes, seed,
                            [](int label, std::mt19937& rng, float* canvas, bool) {
                                drawShape(label, rng, canvas, S);
                                addNuisance(rng, canvas, S);
                            });
    }
    if (name == "counting")
        return generateTask(name, "how many dots (1-8)", {"1", "2", "3", "4", "5", "6", "7", "8"}, sizes, seed,
                            [](int label, std::mt19937& rng, float* canvas, bool) {
                                drawDots(label + 1, rng, canvas, S);
                                addNuisance(rng, canvas, S);
                            });
    if (name == "rotation") {
        auto glyphs = std::make_shared<GlyphSource>();
        const std::u32string chars = U"2345679ACEFGJKLPRTUVY"; // no rotation-symmetric glyphs
        return generateTask(name, "how far a glyph is turned (0/90/180/270 degrees)", {"0", "90", "180", "270"}, sizes,
                            seed, [glyphs, chars](int label, std::mt19937& rng, float* canvas, bool test) {
                                GlyphStyle style = randomStyle(rng, 16, 24, 0.15, 2.5);
                                style.rotation += label * kPi / 2;
                                const char32_t cp =
                                    chars[std::uniform_int_distribution<std::size_t>(0, chars.size() - 1)(rng)];
                                glyphs->draw(cp, style, rng, canvas, test);
                                addNuisance(rng, canvas, S);
                            });
    }
    throw InputError("unknown zoo task \"" + name + "\"");
}

ZooTaskData makePretrainTask(const SplitSizes& sizes, uint64_t seed, int maxClasses)
{
    // Broad, like CLIP's pretraining is broad compared with its downstream tasks: ~190 symbol classes
    // of six scripts plus signs, arrows and math, but none of the downstream classes (no Latin
    // letters, no digits, no drawn shapes, no dot counts).
    std::u32string chars = U"ΓΔΘΛΞΠΣΦΨΩαβγδεζηθλμξπσφψωБГДЖЗИЛПФЦЧШЩЪЫЭЮЯ@#$%&?!+=<>§¶€£¥∞√∑∫≈≠±÷×"
                           U"бвгджзийклмнптфцчшщъыьэюя←↑→↓↔↕∂∇∈∏∝∠∧∨∩∪≡≤≥";
    for (char32_t c = 0x0531; c <= 0x0556; ++c) // Armenian capitals, without the O- and U-like ones
        if (c != 0x0555 && c != 0x054D)
            chars += c;
    for (char32_t c = 0x10D0; c <= 0x10F0; ++c) // Georgian
        chars += c;
    for (char32_t c = 0x05D0; c <= 0x05EA; ++c) // Hebrew, without the final forms
        if (c != 0x05DA && c != 0x05DD && c != 0x05DF && c != 0x05E3 && c != 0x05E5)
            chars += c;
    if (maxClasses > 0 && std::size_t(maxClasses) < chars.size())
        chars.resize(std::size_t(maxClasses));
    auto glyphs = std::make_shared<GlyphSource>();
    return generateTask(
        "symbols", "pretraining: Greek, Cyrillic, Armenian, Georgian, Hebrew, sign, arrow and math glyphs",
        names(chars), sizes, seed, [glyphs, chars](int label, std::mt19937& rng, float* canvas, bool) {
            glyphs->draw(chars[static_cast<std::size_t>(label)], randomStyle(rng, 12, 26, 0.35, 4), rng, canvas, false);
            addNuisance(rng, canvas, S);
        });
}

} // namespace mergelab
