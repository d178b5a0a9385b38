// The one-line error Tokenizer::open throws for a folder, for the tokenizer tests.
#pragma once

#include "common/error.h"
#include "text/tokenizer.h"

#include <QString>

#include <string>

namespace mergelab::test {

// The error's text, or "(opened without error)" when the folder opens.
inline QString tokenizerOpenError(const std::string& path)
{
    try {
        Tokenizer::open(path);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("(opened without error)");
}

} // namespace mergelab::test
