// The MergeLab version written into outputs (checkpoint metadata); equal to project(VERSION) in the top
// CMakeLists.txt (tests/core/common/tst_version.cpp checks it).
#pragma once

namespace mergelab {

inline constexpr const char* kMergeLabVersion = "0.1.0";

} // namespace mergelab
