#pragma once

#include <QString>

namespace pktest {

/// Absolute path of the shared reference folder (openapi.yaml, ROLES.md), from PK_SHARED_DIR.
/// Returns an empty string when the variable is unset.
QString sharedDir();

} // namespace pktest
