#pragma once

#include <QLoggingCategory>

/// The key dialogs' log category. Logs name key ids and names only, never a secret.
Q_DECLARE_LOGGING_CATEGORY(lcUiKeys)
