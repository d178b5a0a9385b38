// The generated Unicode tables (unicode_data.cpp, written by gen_unicode_data.py from python3's
// unicodedata). Read through text/unicode_text.h, not directly.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mergelab::unicode_data {

struct Decomposition {
    uint32_t codePoint;
    uint32_t offset; // into kDecompositionData
    uint32_t length;
};

struct Composition {
    uint32_t first;
    uint32_t second;
    uint32_t composite;
};

// The Unicode version of the tables, e.g. "14.0.0".
extern const char* const kUnicodeVersion;

// Character classes: kClassValues[i] (a UnicodeClass) holds from kClassStarts[i] to the next start.
extern const uint32_t kClassStarts[];
extern const uint8_t kClassValues[];
extern const size_t kClassCount;

// Canonical combining classes, as ranges like the classes.
extern const uint32_t kCombiningStarts[];
extern const uint8_t kCombiningValues[];
extern const size_t kCombiningCount;

// Full canonical decompositions, sorted by code point (Hangul syllables are algorithmic).
extern const Decomposition kDecompositions[];
extern const size_t kDecompositionCount;
extern const uint32_t kDecompositionData[];

// Primary composites, sorted by (first, second) (Hangul syllables are algorithmic).
extern const Composition kCompositions[];
extern const size_t kCompositionCount;

} // namespace mergelab::unicode_data
