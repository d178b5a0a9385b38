// HDF5 classification datasets: /<split>/images (N,C,H,W uint8 or float32), /<split>/labels (int64).
#include "io/dataset.h"

#include "common/error.h"
#include "io/hdf5_common.h"

#include <ATen/ATen.h>
#include <H5Cpp.h>

#include <filesystem>

namespace mergelab {

namespace {

void writeStringArrayAttr(H5::H5Object& obj, const std::string& name, const std::vector<std::string>& values)
{
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    hsize_t n = values.size();
    H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(1, &n));
    std::vector<const char*> ptrs;
    for (const std::string& v : values)
        ptrs.push_back(v.c_str());
    attr.write(type, ptrs.data());
}

void writeDoubleArrayAttr(H5::H5Object& obj, const std::string& name, const std::vector<double>& values)
{
    hsize_t n = values.size();
    H5::Attribute attr = obj.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n));
    attr.write(H5::PredType::NATIVE_DOUBLE, values.data());
}

// A string attribute, scalar or 1-element, variable or fixed length.
std::vector<std::string> readStrings(const H5::Attribute& attr)
{
    H5::DataType type = attr.getDataType();
    if (type.getClass() != H5T_STRING)
        throw H5::AttributeIException("readStrings", "not a string attribute");
    H5::StrType strType = attr.getStrType();
    const hssize_t n = attr.getSpace().getSimpleExtentNpoints();
    std::vector<std::string> out;
    if (strType.isVariableStr()) {
        std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
        attr.read(strType, ptrs.data());
        for (char* p : ptrs) {
            out.emplace_back(p ? p : "");
            H5free_memory(p);
        }
    } else {
        const std::size_t len = strType.getSize();
        std::vector<char> buf(len * static_cast<std::size_t>(n));
        attr.read(strType, buf.data());
        for (hssize_t i = 0; i < n; ++i) {
            std::string s(buf.data() + i * len, len);
            s.erase(s.find_last_not_of(std::string(1, '\0') + " ") + 1);
            out.push_back(s);
        }
    }
    return out;
}

std::vector<double> readDoubles(const H5::Attribute& attr)
{
    const hssize_t n = attr.getSpace().getSimpleExtentNpoints();
    std::vector<double> out(static_cast<std::size_t>(n));
    attr.read(H5::PredType::NATIVE_DOUBLE, out.data());
    return out;
}

std::vector<int64_t> dimsOf(const H5::DataSet& ds)
{
    H5::DataSpace space = ds.getSpace();
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    space.getSimpleExtentDims(dims.data());
    return std::vector<int64_t>(dims.begin(), dims.end());
}

void checkExists(const std::string& path)
{
    if (!std::filesystem::exists(path))
        throw IoError(path, {}, "no such file");
}

} // namespace

void writeDataset(const std::string& path, const std::string& task, const std::vector<std::string>& classNames,
                  const std::map<std::string, LabeledImages>& splits, const std::vector<double>& mean,
                  const std::vector<double>& std)
{
    Hdf5Lock lock;
    try {
        H5::Exception::dontPrint();
        H5::H5File file(path, H5F_ACC_TRUNC);
        writeHdf5StringAttribute(file, "format", "mergelab-dataset-1");
        writeHdf5StringAttribute(file, "task", task);
        writeStringArrayAttr(file, "class_names", classNames);
        if (!mean.empty())
            writeDoubleArrayAttr(file, "mean", mean);
        if (!std.empty())
            writeDoubleArrayAttr(file, "std", std);
        for (const auto& [name, split] : splits) {
            H5::Group group = file.createGroup(name);
            at::Tensor images = split.images.contiguous();
            at::Tensor labels = split.labels.to(at::kLong).contiguous();
            std::vector<hsize_t> dims(images.sizes().begin(), images.sizes().end());
            const bool isByte = images.scalar_type() == at::kByte;
            if (!isByte)
                images = images.to(at::kFloat).contiguous();
            H5::DSetCreatPropList props;
            if (images.size(0) > 0) {
                std::vector<hsize_t> chunk = dims;
                chunk[0] = std::min<hsize_t>(dims[0], 256);
                props.setChunk(static_cast<int>(chunk.size()), chunk.data());
                props.setDeflate(4);
            }
            H5::DataSet ds = group.createDataSet("images", isByte ? H5::PredType::STD_U8LE : H5::PredType::IEEE_F32LE,
                                                 H5::DataSpace(static_cast<int>(dims.size()), dims.data()), props);
            ds.write(images.data_ptr(), isByte ? H5::PredType::NATIVE_UINT8 : H5::PredType::NATIVE_FLOAT);
            hsize_t n = static_cast<hsize_t>(labels.size(0));
            H5::DataSet ls = group.createDataSet("labels", H5::PredType::STD_I64LE, H5::DataSpace(1, &n));
            ls.write(labels.data_ptr(), H5::PredType::NATIVE_INT64);
        }
    } catch (const H5::Exception& e) {
        throw IoError(path, {}, "cannot write dataset: " + hdf5ErrorText(e));
    }
}

DatasetInfo readDatasetInfo(const std::string& path)
{
    checkExists(path);
    Hdf5Lock lock;
    DatasetInfo info;
    std::string where;
    try {
        H5::Exception::dontPrint();
        H5::H5File file(path, H5F_ACC_RDONLY);
        where = "attribute 'task'";
        if (file.attrExists("task"))
            info.task = readStrings(file.openAttribute("task")).at(0);
        where = "attribute 'class_names'";
        if (file.attrExists("class_names"))
            info.classNames = readStrings(file.openAttribute("class_names"));
        where = "attribute 'mean'";
        if (file.attrExists("mean"))
            info.mean = readDoubles(file.openAttribute("mean"));
        where = "attribute 'std'";
        if (file.attrExists("std"))
            info.std = readDoubles(file.openAttribute("std"));
        for (const char* split : {"train", "val", "test"}) {
            if (!file.nameExists(split))
                continue;
            where = std::string("/") + split + "/images";
            if (!file.nameExists(where))
                throw FormatError(path, where, "missing");
            H5::DataSet images = file.openDataSet(where);
            const std::vector<int64_t> dims = dimsOf(images);
            if (dims.size() != 4)
                throw FormatError(path, where, "expected 4 dimensions N x C x H x W");
            const H5T_class_t cls = images.getTypeClass();
            const bool isFloat = cls == H5T_FLOAT;
            if (!isFloat && !(cls == H5T_INTEGER && images.getDataType().getSize() == 1))
                throw FormatError(path, where, "expected uint8 or float images");
            where = std::string("/") + split + "/labels";
            if (!file.nameExists(where))
                throw FormatError(path, where, "missing");
            H5::DataSet labels = file.openDataSet(where);
            const std::vector<int64_t> ldims = dimsOf(labels);
            if (labels.getTypeClass() != H5T_INTEGER || ldims.size() != 1 || ldims[0] != dims[0])
                throw FormatError(path, where, "expected " + std::to_string(dims[0]) + " integer labels");
            info.splitSizes[split] = dims[0];
            std::vector<int64_t> shape(dims.begin() + 1, dims.end());
            if (!info.imageShape.empty() && info.imageShape != shape)
                throw FormatError(path, std::string("/") + split + "/images", "image shape differs between splits");
            info.imageShape = shape;
            info.floatImages = isFloat;
        }
    } catch (const H5::Exception& e) {
        throw FormatError(
            path, {}, (where.empty() ? std::string() : where + ": ") + "not a readable dataset: " + hdf5ErrorText(e));
    }
    if (info.splitSizes.empty())
        throw FormatError(path, {}, "no /train, /val or /test group");
    const int64_t channels = info.imageShape[0];
    for (auto* v : {&info.mean, &info.std})
        if (!v->empty() && static_cast<int64_t>(v->size()) != 1 && static_cast<int64_t>(v->size()) != channels)
            throw FormatError(path, {}, "mean/std must have 1 or " + std::to_string(channels) + " values");
    for (double s : info.std)
        if (!(s > 0))
            throw FormatError(path, {}, "attribute 'std': values must be positive");
    return info;
}

LabeledImages readSplit(const std::string& path, const std::string& split, int64_t limit)
{
    const DatasetInfo info = readDatasetInfo(path);
    auto it = info.splitSizes.find(split);
    if (it == info.splitSizes.end())
        throw InputError(path, {}, "dataset has no '" + split + "' split");
    const int64_t n = limit < 0 ? it->second : std::min(limit, it->second);
    LabeledImages out;
    std::vector<int64_t> shape = {n};
    shape.insert(shape.end(), info.imageShape.begin(), info.imageShape.end());
    out.images = at::empty(shape, info.floatImages ? at::kFloat : at::kByte);
    out.labels = at::empty({n}, at::kLong);
    if (n == 0)
        return out;
    Hdf5Lock lock;
    try {
        H5::H5File file(path, H5F_ACC_RDONLY);
        H5::DataSet images = file.openDataSet("/" + split + "/images");
        H5::DataSpace fileSpace = images.getSpace();
        std::vector<hsize_t> count(shape.begin(), shape.end()), start(shape.size(), 0);
        fileSpace.selectHyperslab(H5S_SELECT_SET, count.data(), start.data());
        H5::DataSpace memSpace(static_cast<int>(count.size()), count.data());
        images.read(out.images.data_ptr(), info.floatImages ? H5::PredType::NATIVE_FLOAT : H5::PredType::NATIVE_UINT8,
                    memSpace, fileSpace);
        H5::DataSet labels = file.openDataSet("/" + split + "/labels");
        H5::DataSpace lSpace = labels.getSpace();
        hsize_t lcount = static_cast<hsize_t>(n), lstart = 0;
        lSpace.selectHyperslab(H5S_SELECT_SET, &lcount, &lstart);
        H5::DataSpace lMem(1, &lcount);
        labels.read(out.labels.data_ptr(), H5::PredType::NATIVE_INT64, lMem, lSpace);
    } catch (const H5::Exception& e) {
        throw FormatError(path, "/" + split, "cannot read: " + hdf5ErrorText(e));
    }
    const int64_t classes = static_cast<int64_t>(info.classNames.size());
    if (classes > 0 && n > 0) {
        const int64_t lo = out.labels.min().item<int64_t>(), hi = out.labels.max().item<int64_t>();
        if (lo < 0 || hi >= classes)
            throw FormatError(path, "/" + split + "/labels",
                              "label " + std::to_string(lo < 0 ? lo : hi) + " outside 0.." +
                                  std::to_string(classes - 1));
    }
    return out;
}

at::Tensor normalizeImages(const at::Tensor& images, const DatasetInfo& info)
{
    at::Tensor x = images.scalar_type() == at::kByte ? images.to(at::kFloat).div_(255.0) : images.to(at::kFloat);
    const int64_t c = images.size(1);
    auto column = [&](const std::vector<double>& v, double fallback) {
        std::vector<float> values(static_cast<std::size_t>(c), static_cast<float>(fallback));
        for (int64_t i = 0; i < c; ++i)
            if (!v.empty())
                values[static_cast<std::size_t>(i)] =
                    static_cast<float>(v.size() == 1 ? v[0] : v[static_cast<std::size_t>(i)]);
        return at::tensor(values).view({1, c, 1, 1});
    };
    // uint8 without attributes: the conventional 0.5 / 0.5; float without attributes: as stored.
    const bool bytes = images.scalar_type() == at::kByte;
    if (info.mean.empty() && info.std.empty() && !bytes)
        return x;
    return (x - column(info.mean, bytes ? 0.5 : 0.0)) / column(info.std, bytes ? 0.5 : 1.0);
}

} // namespace mergelab
