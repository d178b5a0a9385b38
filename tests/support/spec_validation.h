// Table-driven checks of a spec's validate(): accepted, or refused with an InputError that says why.
#pragma once

#include "common/error.h"

#include <QString>

// True when spec.validate() accepts the spec and `expected` is empty, or throws an InputError whose text
// contains `expected`. `outcome` receives "accepted" or the error text (for the failure message).
template <class Spec>
bool validatesAs(Spec& spec, const QString& expected, QString* outcome)
{
    try {
        spec.validate();
        *outcome = QStringLiteral("accepted");
        return expected.isEmpty();
    } catch (const mergelab::InputError& e) {
        *outcome = QString::fromUtf8(e.what());
        return !expected.isEmpty() && outcome->contains(expected);
    }
}
