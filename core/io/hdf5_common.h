// HDF5 pieces shared by the checkpoint reader and writer (and by other folders' HDF5 files):
// the global lock, MergeLab's checkpoint layout, dtype <-> HDF5 type mapping.
#pragma once

#include "common/dtype.h"

#include <H5Cpp.h>

#include <mutex>
#include <optional>
#include <string>

namespace mergelab {

// Debian's HDF5 is built without thread safety: every HDF5 call in MergeLab (including the
// destruction of H5:: objects) must hold this lock.
std::recursive_mutex& hdf5Mutex();

// Holds hdf5Mutex(); the first one in the process also turns off HDF5's error printing
// (errors reach us as H5::Exception and are rethrown with context).
class Hdf5Lock {
public:
    Hdf5Lock();

private:
    std::lock_guard<std::recursive_mutex> m_lock;
};

// Layout of checkpoints MergeLab writes (see docs/formats.md).
constexpr const char* kHdf5LayoutAttribute = "mergelab_layout"; // root attribute
constexpr const char* kHdf5LayoutValue = "mergelab-checkpoint-1";
constexpr const char* kHdf5TensorsGroup = "tensors"; // one dataset per tensor
constexpr const char* kHdf5DTypeAttribute = "dtype"; // per dataset: "F32", "BF16", ...

// Tensor name <-> dataset name: '%' -> "%25", '/' -> "%2F", and "." -> "%2E" (HDF5 link names
// cannot contain '/' or be ".").
std::string encodeHdf5Name(const std::string& tensorName);
std::string decodeHdf5Name(const std::string& datasetName);

// The HDF5 type a dtype is stored as: IEEE little-endian floats (F16 as an IEEE half that h5py
// reads as float16), BF16 as uint16 (with dtype attribute "BF16"), BOOL as h5py's enum
// {FALSE=0, TRUE=1} over int8, integers little-endian. Caller holds the lock.
H5::DataType hdf5TypeFor(DType dtype);

// A 16-bit little-endian IEEE-style float (sign bit 15, exponent above the mantissa):
// (5, 10, 15) is float16, (8, 7, 127) is bfloat16. Caller holds the lock.
H5::FloatType hdf5HalfLikeType(std::size_t exponentBits, std::size_t mantissaBits, std::size_t bias);

// The dtype of a stored HDF5 type when MergeLab can read it; nullopt otherwise. Caller holds the lock.
std::optional<DType> dtypeOfHdf5Type(const H5::DataType& type);

// Readable one-line text of an HDF5 exception ("H5File::H5File: H5Fopen failed"; "HDF5 error"
// when it says nothing). Every HDF5 error message in MergeLab goes through it.
std::string hdf5ErrorText(const H5::Exception& e);

// Writes / reads a variable-length UTF-8 string attribute. Caller holds the lock.
void writeHdf5StringAttribute(H5::H5Object& object, const std::string& name, const std::string& value);
std::optional<std::string> readHdf5StringAttribute(const H5::H5Object& object, const std::string& name);

} // namespace mergelab
