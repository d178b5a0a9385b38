#include "diagnostics_work.h"

namespace mergelab::gui {

GuiJobRunner::Work diagnosticsWork(const ModelSet& set, const DiagnosticsOptions& options)
{
    return [set, options](Progress& progress, const CancelToken& cancel) {
        DiagnoseJob job(set, options);
        job.run(progress, cancel);
        return QVariant::fromValue(job.report());
    };
}

} // namespace mergelab::gui
