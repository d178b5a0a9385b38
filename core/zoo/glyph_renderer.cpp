// GlyphRenderer: FreeType outlines, rotated and slanted by FT_Set_Transform, centred on a canvas.
#include "zoo/glyph_renderer.h"

#include "common/error.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace mergelab {

struct GlyphRenderer::State {
    FT_Library library = nullptr;
    std::vector<FT_Face> faces;
};

GlyphRenderer::GlyphRenderer(const std::vector<std::string>& fontPaths) : m_state(std::make_unique<State>())
{
    if (FT_Init_FreeType(&m_state->library))
        throw IoError("cannot initialise FreeType");
    for (const std::string& path : fontPaths) {
        FT_Face face = nullptr;
        if (FT_New_Face(m_state->library, path.c_str(), 0, &face))
            throw IoError(path, {}, "FreeType cannot open this font");
        m_state->faces.push_back(face);
    }
}

GlyphRenderer::~GlyphRenderer()
{
    for (FT_Face face : m_state->faces)
        FT_Done_Face(face);
    if (m_state->library)
        FT_Done_FreeType(m_state->library);
}

int GlyphRenderer::fontCount() const
{
    return static_cast<int>(m_state->faces.size());
}

bool GlyphRenderer::hasGlyph(int font, char32_t codepoint) const
{
    return FT_Get_Char_Index(m_state->faces.at(static_cast<std::size_t>(font)), codepoint) != 0;
}

bool GlyphRenderer::render(int font, char32_t codepoint, const GlyphStyle& style, float* canvas, int size)
{
    FT_Face face = m_state->faces.at(static_cast<std::size_t>(font));
    if (!FT_Get_Char_Index(face, codepoint))
        return false;
    FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(style.pixelSize));
    const double c = std::cos(style.rotation), s = std::sin(style.rotation);
    // Rotation after shear, in 16.16 fixed point.
    FT_Matrix m;
    m.xx = static_cast<FT_Fixed>(c * 65536.0);
    m.xy = static_cast<FT_Fixed>((c * style.shear - s) * 65536.0);
    m.yx = static_cast<FT_Fixed>(s * 65536.0);
    m.yy = static_cast<FT_Fixed>((s * style.shear + c) * 65536.0);
    FT_Set_Transform(face, &m, nullptr);
    if (FT_Load_Char(face, codepoint, FT_LOAD_RENDER))
        return false;
    const FT_Bitmap& bmp = face->glyph->bitmap;
    const int w = static_cast<int>(bmp.width), h = static_cast<int>(bmp.rows);
    if (w == 0 || h == 0)
        return false;
    // Centre the ink box, then offset.
    const int x0 = static_cast<int>(std::lround((size - w) / 2.0 + style.dx));
    const int y0 = static_cast<int>(std::lround((size - h) / 2.0 + style.dy));
    for (int y = 0; y < h; ++y) {
        const int cy = y0 + y;
        if (cy < 0 || cy >= size)
            continue;
        const unsigned char* row = bmp.buffer + y * bmp.pitch;
        for (int x = 0; x < w; ++x) {
            const int cx = x0 + x;
            if (cx < 0 || cx >= size)
                continue;
            float& px = canvas[cy * size + cx];
            px = std::max(px, row[x] / 255.0f);
        }
    }
    return true;
}

std::vector<std::string> demoFonts(const std::string& split)
{
    namespace fs = std::filesystem;
    const std::vector<std::string> dirs =
        split == "test"
            ? std::vector<std::string>{"/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"}
            : std::vector<std::string>{"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/freefont"};
    std::vector<std::string> out;
    for (const std::string& dir : dirs) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            // Math and extra-light faces draw few or faint glyphs.
            if (entry.path().extension() != ".ttf" || name.find("Math") != std::string::npos ||
                name.find("ExtraLight") != std::string::npos)
                continue;
            out.push_back(entry.path().string());
        }
        if (split == "test" && !out.empty())
            break;
    }
    std::sort(out.begin(), out.end()); // directory order is not deterministic
    return out;
}

} // namespace mergelab
