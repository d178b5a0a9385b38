#include "io/hdf5_common.h"

namespace mergelab {

std::recursive_mutex& hdf5Mutex()
{
    static std::recursive_mutex mutex;
    return mutex;
}

Hdf5Lock::Hdf5Lock() : m_lock(hdf5Mutex())
{
    static bool quiet = false;
    if (!quiet) {
        H5::Exception::dontPrint();
        quiet = true;
    }
}

std::string encodeHdf5Name(const std::string& tensorName)
{
    if (tensorName == ".")
        return "%2E";
    std::string out;
    for (char c : tensorName) {
        if (c == '%')
            out += "%25";
        else if (c == '/')
            out += "%2F";
        else
            out += c;
    }
    return out;
}

std::string decodeHdf5Name(const std::string& datasetName)
{
    std::string out;
    for (std::size_t i = 0; i < datasetName.size(); ++i) {
        if (datasetName[i] == '%' && i + 2 < datasetName.size()) {
            const std::string hex = datasetName.substr(i + 1, 2);
            if (hex == "25" || hex == "2F" || hex == "2f" || hex == "2E" || hex == "2e") {
                out += static_cast<char>(std::stoi(hex, nullptr, 16));
                i += 2;
                continue;
            }
        }
        out += datasetName[i];
    }
    return out;
}

H5::FloatType hdf5HalfLikeType(std::size_t exponentBits, std::size_t mantissaBits, std::size_t bias)
{
    H5::FloatType t(H5::PredType::IEEE_F32LE);
    t.setFields(15, mantissaBits, exponentBits, 0, mantissaBits);
    t.setPrecision(16);
    t.setOffset(0);
    t.setSize(2);
    t.setEbias(bias);
    return t;
}

H5::DataType hdf5TypeFor(DType dtype)
{
    switch (dtype) {
    case DType::F64:
        return H5::PredType::IEEE_F64LE;
    case DType::F32:
        return H5::PredType::IEEE_F32LE;
    case DType::F16:
        return hdf5HalfLikeType(5, 10, 15);
    case DType::BF16:
        return H5::PredType::STD_U16LE;
    case DType::I64:
        return H5::PredType::STD_I64LE;
    case DType::I32:
        return H5::PredType::STD_I32LE;
    case DType::I16:
        return H5::PredType::STD_I16LE;
    case DType::I8:
        return H5::PredType::STD_I8LE;
    case DType::U8:
        return H5::PredType::STD_U8LE;
    case DType::BOOL: {
        const H5::IntType base(H5::PredType::STD_I8LE);
        H5::EnumType t(base);
        int8_t no = 0, yes = 1;
        t.insert("FALSE", &no);
        t.insert("TRUE", &yes);
        return t;
    }
    }
    return H5::PredType::STD_U8LE;
}

std::optional<DType> dtypeOfHdf5Type(const H5::DataType& type)
{
    const std::size_t size = type.getSize();
    switch (type.getClass()) {
    case H5T_FLOAT: {
        H5::FloatType ft(type.getId());
        size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
        ft.getFields(spos, epos, esize, mpos, msize);
        if (size == 8 && esize == 11 && msize == 52)
            return DType::F64;
        if (size == 4 && esize == 8 && msize == 23)
            return DType::F32;
        if (size == 2 && esize == 5 && msize == 10)
            return DType::F16;
        if (size == 2 && esize == 8 && msize == 7)
            return DType::BF16;
        return std::nullopt;
    }
    case H5T_INTEGER: {
        H5::IntType it(type.getId());
        const bool isSigned = it.getSign() != H5T_SGN_NONE;
        if (isSigned && size == 8)
            return DType::I64;
        if (isSigned && size == 4)
            return DType::I32;
        if (isSigned && size == 2)
            return DType::I16;
        if (isSigned && size == 1)
            return DType::I8;
        if (!isSigned && size == 1)
            return DType::U8;
        return std::nullopt;
    }
    case H5T_ENUM: {
        H5::EnumType et(type.getId());
        if (size == 1 && et.getNmembers() == 2)
            return DType::BOOL; // h5py's bool
        return std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

std::string hdf5ErrorText(const H5::Exception& e)
{
    std::string func = e.getFuncName();
    std::string detail = e.getDetailMsg();
    if (func.empty() && detail.empty())
        return "HDF5 error";
    return func.empty() ? detail : detail.empty() ? func : func + ": " + detail;
}

void writeHdf5StringAttribute(H5::H5Object& object, const std::string& name, const std::string& value)
{
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    H5::Attribute attr = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
    attr.write(type, value);
}

std::optional<std::string> readHdf5StringAttribute(const H5::H5Object& object, const std::string& name)
{
    if (!object.attrExists(name))
        return std::nullopt;
    H5::Attribute attr = object.openAttribute(name);
    if (attr.getTypeClass() != H5T_STRING)
        return std::nullopt;
    if (attr.getSpace().getSimpleExtentNpoints() != 1)
        return std::nullopt;
    std::string value;
    attr.read(attr.getStrType(), value);
    // Fixed-length strings may carry padding NULs.
    const auto nul = value.find('\0');
    if (nul != std::string::npos)
        value.resize(nul);
    return value;
}

} // namespace mergelab
