// core/zoo: builds the demo model set (data, base pretraining, task fine-tunes, model card)
// from what a Debian machine has: fonts, Fashion-MNIST, procedural drawings.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mergelab {

// How one glyph is drawn.
struct GlyphStyle {
    int pixelSize = 20;    // FreeType pixel size (em height)
    double rotation = 0;   // radians, counter-clockwise
    double shear = 0;      // horizontal shear factor (slant)
    double dx = 0, dy = 0; // offset of the glyph's centre from the canvas centre, pixels
};

// Renders characters of TrueType fonts with FreeType into float canvases. Not thread-safe.
class GlyphRenderer {
public:
    // Throws IoError naming the first font that cannot be opened.
    explicit GlyphRenderer(const std::vector<std::string>& fontPaths);
    ~GlyphRenderer();
    GlyphRenderer(const GlyphRenderer&) = delete;
    GlyphRenderer& operator=(const GlyphRenderer&) = delete;

    int fontCount() const;
    bool hasGlyph(int font, char32_t codepoint) const;
    // Draws (max-blends) the glyph into canvas [size x size], values in [0, 1]. False when the
    // font has no such glyph.
    bool render(int font, char32_t codepoint, const GlyphStyle& style, float* canvas, int size);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// TrueType fonts of the Debian packages the demo uses: split "train" (DejaVu, FreeFont) or
// "test" (Liberation: fonts the models never see in training). Empty when none are installed.
std::vector<std::string> demoFonts(const std::string& split);

} // namespace mergelab
