#include "common/error.h"

#include <cstring>

namespace mergelab {

namespace {
std::string joinMessage(const std::string& file, const std::string& tensor, const std::string& what)
{
    std::string out;
    if (!file.empty())
        out += file + ": ";
    if (!tensor.empty())
        out += tensor + ": ";
    return out + what;
}
} // namespace

Error::Error(std::string file, std::string tensor, std::string what)
    : std::runtime_error(joinMessage(file, tensor, what)), m_file(std::move(file)), m_tensor(std::move(tensor)),
      m_detail(std::move(what))
{}

std::string systemErrorText(int errnum)
{
    char buf[256];
    // GNU strerror_r returns a char* that may or may not point into buf.
    const char* text = strerror_r(errnum, buf, sizeof buf);
    return text ? std::string(text) : std::string("error ") + std::to_string(errnum);
}

} // namespace mergelab
