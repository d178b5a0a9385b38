// Loads libmergelab_sentencepiece (text/shim/sentencepiece_shim.h explains why SentencePiece lives
// in its own module) once per process and hands out its functions.
#pragma once

#include "text/shim/sentencepiece_shim.h"

namespace mergelab {

struct SentencePieceLibrary {
    MlspLoadFn load = nullptr;
    MlspDestroyFn destroy = nullptr;
    MlspInfoFn info = nullptr;
    MlspEncodeFn encode = nullptr;
    MlspDecodeFn decode = nullptr;
    MlspTrainFn train = nullptr;
    MlspFreeFn free = nullptr;
};

// The module, loaded on first use from (in order) $MERGELAB_SENTENCEPIECE_MODULE, <program folder>/../lib/mergelab/,
// the install prefix, the build tree. Throws IoError naming the paths tried when none loads.
const SentencePieceLibrary& sentencePieceLibrary();

} // namespace mergelab
