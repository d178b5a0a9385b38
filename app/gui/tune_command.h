#pragma once

#include "tune_state.h"

#include <QUndoCommand>

#include <functional>

namespace mergelab::gui {

// One undoable change of the Tune page: the whole state before and after. Consecutive commands
// with the same merge id and the same session (one slider drag, one editing session) merge into one
// step; session < 0 never merges.
class TuneCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const TuneState&)>;
    TuneCommand(const QString& text, TuneState before, TuneState after, Apply apply, int mergeId = -1,
                int session = -1);

    void undo() override { m_apply(m_before); }
    void redo() override { m_apply(m_after); }
    int id() const override { return m_mergeId; }
    bool mergeWith(const QUndoCommand* other) override;
    const TuneState& after() const { return m_after; }

private:
    TuneState m_before;
    TuneState m_after;
    Apply m_apply;
    int m_mergeId;
    int m_session;
};

} // namespace mergelab::gui
