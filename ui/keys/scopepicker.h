#pragma once

#include "domain/apikey.h"

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace pk::ui {

/// A checkable tree of API key scopes grouped as pk::scopeGroups(type) (ADMIN-API.md §3), offering only
/// the scopes valid for the key type, with a preset chooser filled from pk::scopePresets(type). Workspace
/// user keys are never offered key-management scopes (ADMIN-API.md §3: "except the key-management group";
/// pk::scopeGroups already leaves that group out, and the picker filters pk::isKeyManagementScope again).
class ScopePicker : public QWidget
{
    Q_OBJECT
public:
    explicit ScopePicker(QWidget *parent = nullptr);

    /// Rebuilds the tree for `type`, keeping the checked scopes that are still valid for it.
    void setKeyType(KeyType type);
    KeyType keyType() const { return m_type; }

    /// Checks exactly `scopes`; scopes not offered for the current type are returned by the next
    /// scopes() call only if keepUnknown is true (used by EditKeyDialog so a key's unknown scopes survive).
    void setScopes(const QStringList &scopes, bool keepUnknown = false);
    /// The checked scopes in catalogue order, then any kept unknown ones.
    QStringList scopes() const;
    /// Every scope the tree offers for the current type, in catalogue order.
    QStringList offeredScopes() const;

    /// Checks exactly the scopes of the preset named `name` (one of pk::scopePresets(type)); returns false
    /// when there is no such preset.
    bool applyPreset(const QString &name);

signals:
    void scopesChanged();

private:
    void rebuild();
    void updateSummary();

    KeyType m_type = KeyType::Unknown;
    QComboBox *m_presets = nullptr;
    QTreeWidget *m_tree = nullptr;
    QLabel *m_summary = nullptr;
    QStringList m_unknownKept;
    bool m_updating = false;
};

} // namespace pk::ui
