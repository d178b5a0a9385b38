// The C interface of libmergelab_sentencepiece, a small module around Debian's libsentencepiece.
//
// Why a module: libsentencepiece.so exports the protobuf-lite it bundles (1600 symbols), and LibTorch
// loads libprotobuf.so.32. Linked into one program the two interpose on each other and the process
// crashes while libprotobuf registers its descriptors, before main(). core/text therefore loads this
// module with dlopen(RTLD_LOCAL | RTLD_DEEPBIND): SentencePiece then binds to its own protobuf and
// exports nothing to the rest of the process. Strings cross as pointer + length; buffers the module
// allocates are released with mlsp_free.
#pragma once

#include <cstddef>

extern "C" {

struct MlspProcessor;

// Loads a serialized model; nullptr and a message in `error` (NUL-terminated, at most errorSize) on failure.
typedef MlspProcessor* (*MlspLoadFn)(const char* bytes, size_t size, char* error, size_t errorSize);
typedef void (*MlspDestroyFn)(MlspProcessor*);
// piece count, bos, eos, unk ids.
typedef int (*MlspInfoFn)(const MlspProcessor*, int* pieces, int* bos, int* eos, int* unk);
// Encodes text into *ids (malloc'ed, *count entries). 0 on success.
typedef int (*MlspEncodeFn)(const MlspProcessor*, const char* text, size_t size, int** ids, size_t* count, char* error,
                            size_t errorSize);
// Decodes ids into *text (malloc'ed, *size bytes). 0 on success.
typedef int (*MlspDecodeFn)(const MlspProcessor*, const int* ids, size_t count, char** text, size_t* size, char* error,
                            size_t errorSize);
// Trains a model from `count` sentences with `argCount` key=value trainer arguments; *model gets the
// serialized model (malloc'ed). 0 on success.
typedef int (*MlspTrainFn)(const char* const* keys, const char* const* values, size_t argCount,
                           const char* const* sentences, const size_t* sizes, size_t count, char** model,
                           size_t* modelSize, char* error, size_t errorSize);
typedef void (*MlspFreeFn)(void*);
}
