#include "tune_command.h"

namespace mergelab::gui {

TuneCommand::TuneCommand(const QString& text, TuneState before, TuneState after, Apply apply, int mergeId, int session)
    : QUndoCommand(text), m_before(std::move(before)), m_after(std::move(after)), m_apply(std::move(apply)),
      m_mergeId(mergeId), m_session(session)
{}

bool TuneCommand::mergeWith(const QUndoCommand* other)
{
    auto* next = dynamic_cast<const TuneCommand*>(other);
    if (!next || next->id() != m_mergeId || m_session < 0 || next->m_session != m_session)
        return false;
    m_after = next->m_after;
    setText(next->text());
    // A drag that ends where it began is no step at all.
    if (m_after == m_before)
        setObsolete(true);
    return true;
}

} // namespace mergelab::gui
