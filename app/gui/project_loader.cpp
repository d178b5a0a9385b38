#include "project_loader.h"

#include "common/dtype.h"
#include "io/checkpoint.h"

#include <QElapsedTimer>
#include <QDir>
#include <QFileInfo>

#include <map>

namespace mergelab::gui {

ProjectMember openProjectMember(const QString& name, const QString& color, bool isBase, const std::string& path)
{
    ProjectMember member;
    member.name = name;
    member.color = color;
    member.isBase = isBase;
    member.path = QString::fromStdString(path);
    // One bad member must not hide the others: its error stays in its row.
    const JobResult result = runGuarded([&] {
        QElapsedTimer clock;
        clock.start();
        std::shared_ptr<const Checkpoint> checkpoint = Checkpoint::open(path);
        member.summary.path = member.path;
        member.summary.openSeconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
        member.summary.format = QString::fromStdString(checkpoint->format());
        member.summary.metadata = checkpoint->metadata();
        member.summary.tree = widgets::TensorTree::build(checkpoint->tensors());
        member.summary.checkpoint = std::move(checkpoint);
    });
    if (result.status != Status::Ok)
        member.error = QString::fromStdString(result.message);
    return member;
}

QString memberNameFor(const QString& path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return info.fileName();
    static const QStringList kGeneric = {QStringLiteral("model"), QStringLiteral("pytorch_model"),
                                         QStringLiteral("model.safetensors.index"),
                                         QStringLiteral("pytorch_model.bin.index")};
    QString stem = info.fileName();
    for (const char* ext :
         {".safetensors.index.json", ".bin.index.json", ".safetensors", ".bin", ".pth", ".pt", ".hdf5", ".h5"}) {
        if (stem.endsWith(QLatin1String(ext))) {
            stem.chop(static_cast<int>(qstrlen(ext)));
            break;
        }
    }
    if (kGeneric.contains(stem) || stem.startsWith(QLatin1String("model-0")))
        return info.absoluteDir().dirName();
    return stem;
}

GuiJobRunner::Work openMembersWork(const QStringList& paths)
{
    return [paths](Progress& progress, const CancelToken& cancel) -> QVariant {
        OpenedMembers opened;
        const auto total = static_cast<double>(paths.size());
        for (int i = 0; i < paths.size(); ++i) {
            throwIfCancelled(cancel);
            const QString path = QFileInfo(paths[i]).absoluteFilePath();
            progress.update(i, total, "Opening " + QFileInfo(path).fileName().toStdString());
            opened.members.push_back(openProjectMember(memberNameFor(path), {}, false, path.toStdString()));
        }
        progress.update(total, total, "Opened");
        return QVariant::fromValue(opened);
    };
}

GuiJobRunner::Work openProjectWork(const QString& path)
{
    return [path](Progress& progress, const CancelToken& cancel) -> QVariant {
        ProjectSummary project;
        project.path = path;
        progress.update(0, 0, "Reading " + QFileInfo(path).fileName().toStdString());
        project.set = ModelSet::load(path.toStdString());
        const double total = 1.0 + static_cast<double>(project.set.models.size());
        progress.update(0, total, "Opening " + project.set.base.name);
        project.members.push_back(
            openProjectMember(QString::fromStdString(project.set.base.name), {}, true, project.set.base.path));
        for (std::size_t i = 0; i < project.set.models.size(); ++i) {
            throwIfCancelled(cancel);
            const ModelEntry& model = project.set.models[i];
            progress.update(1.0 + static_cast<double>(i), total, "Opening " + model.name);
            project.members.push_back(openProjectMember(QString::fromStdString(model.name),
                                                        QString::fromStdString(model.color), false, model.path));
        }
        progress.update(total, total, "Opened " + project.set.name);
        return QVariant::fromValue(project);
    };
}

QString dominantDType(const std::vector<TensorInfo>& tensors)
{
    std::map<DType, uint64_t> bytes;
    uint64_t total = 0;
    for (const TensorInfo& t : tensors) {
        bytes[t.dtype] += t.byteSize;
        total += t.byteSize;
    }
    if (bytes.empty())
        return {};
    const auto best =
        std::max_element(bytes.begin(), bytes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    if (bytes.size() > 1 && static_cast<double>(best->second) < 0.9 * static_cast<double>(total))
        return QStringLiteral("mixed");
    return QLatin1String(dtypeName(best->first));
}

} // namespace mergelab::gui
