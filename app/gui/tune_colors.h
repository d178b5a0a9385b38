// The Tune page's bar colours (image and language-model projects alike).
#pragma once

#include <QColor>
#include <QList>

#include <cstdlib>

namespace mergelab::gui {

inline QColor tunePretrainedColor()
{
    return QColor(0x9e, 0x9e, 0x9e);
}

inline QColor tuneFineTunedColor()
{
    return QColor(0x74, 0xa9, 0xcf);
}

// The merge's bars: orange, unless a model's own colour (a language-model project colours each
// fine-tune by its task) is close to it; then near-black, so the merge never reads as a fine-tune.
inline QColor tuneMergedColor(const QList<QColor>& modelColors = {})
{
    const QColor orange(0xe6, 0x61, 0x01);
    for (const QColor& c : modelColors)
        if (std::abs(c.red() - orange.red()) + std::abs(c.green() - orange.green()) +
                std::abs(c.blue() - orange.blue()) <
            160)
            return QColor(0x26, 0x26, 0x26);
    return orange;
}

} // namespace mergelab::gui
