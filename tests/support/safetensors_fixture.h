// tests/support: writes small safetensors files byte by byte from the format's definition (8-byte little-endian
// header length, JSON header, data), independently of MergeLab's own writer (widget and GUI tests).
#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <vector>

struct FixtureTensor {
    QString name;
    QString dtype; // "F32", "F16", "BF16", ...
    std::vector<int64_t> shape;
    int elementSize;
};

inline bool writeSafetensors(const QString& path, const std::vector<FixtureTensor>& tensors)
{
    QJsonObject header;
    qint64 offset = 0;
    for (const FixtureTensor& t : tensors) {
        qint64 bytes = t.elementSize;
        QJsonArray shape;
        for (int64_t d : t.shape) {
            bytes *= d;
            shape.append(static_cast<qint64>(d));
        }
        QJsonObject entry;
        entry.insert(QStringLiteral("dtype"), t.dtype);
        entry.insert(QStringLiteral("shape"), shape);
        entry.insert(QStringLiteral("data_offsets"), QJsonArray{offset, offset + bytes});
        header.insert(t.name, entry);
        offset += bytes;
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0)
        json.append(' ');
    QByteArray file(8, '\0');
    const quint64 n = static_cast<quint64>(json.size());
    for (int i = 0; i < 8; ++i)
        file[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    file += json;
    file += QByteArray(static_cast<int>(offset), '\0');
    QFile out(path);
    return out.open(QIODevice::WriteOnly) && out.write(file) == file.size();
}
