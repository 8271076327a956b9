#pragma once

#include "apikey.h"

#include <QList>
#include <QStringList>

namespace pk {

/// A titled group of API key scopes, as Portkey's docs group them ("API Keys (AuthN and AuthZ)",
/// ADMIN-API.md §3).
struct ScopeGroup
{
    QString title;
    QStringList scopes;
};

/// The scope catalogue for a key type, grouped as in the docs (ADMIN-API.md §3). Admin keys get the
/// organisation catalogue; workspace service keys the workspace catalogue; workspace user keys the same
/// without the key-management group. Unknown → empty.
QList<ScopeGroup> scopeGroups(KeyType type);

/// Every scope valid for `type`, flattened and de-duplicated, in catalogue order.
QStringList validScopes(KeyType type);

/// True for scopes that manage API keys (`*_api_keys.*`), which workspace user keys may never carry.
bool isKeyManagementScope(const QString &scope);

/// A named set of scopes offered as a one-click starting point in the scope picker.
struct ScopePreset
{
    QString name;
    QStringList scopes;
};

/// The presets valid for `type`: "Completions only", "Read-only", "Workspace key manager" (service keys),
/// "Everything". Each preset contains only scopes valid for `type`.
QList<ScopePreset> scopePresets(KeyType type);

} // namespace pk
