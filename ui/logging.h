#pragma once

#include <QLoggingCategory>

/// The main window, start-up and action gating (`pk.ui`). Logs ids and names, never secrets.
Q_DECLARE_LOGGING_CATEGORY(lcUi)
