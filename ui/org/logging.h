#pragma once

#include <QLoggingCategory>

/// The organisation management UI (`pk.ui.org`): workspaces, members, users, invites, audit logs. Logs
/// ids, names and e-mail domains only, never a secret or an invite link.
Q_DECLARE_LOGGING_CATEGORY(lcUiOrg)
