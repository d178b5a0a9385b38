#pragma once

#include "gui_job_runner.h"

#include "io/model_set.h"
#include "mergeability/diagnostics.h"

#include <QMetaType>

namespace mergelab::gui {

// The job body of the Diagnostics page: the core's mergeability diagnostics (sharpness,
// disentanglement error, coefficient surface, as `options` asks) on a model set.
GuiJobRunner::Work diagnosticsWork(const ModelSet& set, const DiagnosticsOptions& options);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(mergelab::DiagnosticsReport)
