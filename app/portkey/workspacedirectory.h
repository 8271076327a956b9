#pragma once

#include "domain/workspace.h"

#include <QHash>
#include <QList>

#include <optional>

namespace pk {

/// Resolves a workspace reference that may be an id (`ws-…`/uuid) or a slug to one canonical Workspace.
/// A key's `workspace_id` is a slug in Portkey's examples, while workspaces and members carry ids
/// (ADMIN-API.md §2, §4); everything in the app refers to a workspace by its `id` after resolving here.
class WorkspaceDirectory
{
public:
    WorkspaceDirectory() = default;
    explicit WorkspaceDirectory(const QList<Workspace> &workspaces) { reset(workspaces); }

    /// Replaces the known workspaces (typically the result of AdminApiClient::listWorkspaces).
    void reset(const QList<Workspace> &workspaces);
    /// Adds or replaces one workspace (matched by id).
    void insert(const Workspace &workspace);

    /// The workspace whose id or slug is `ref`; std::nullopt when none matches or `ref` is empty.
    /// Ids win over slugs if a slug happens to equal another workspace's id.
    std::optional<Workspace> resolve(const QString &ref) const;
    /// The canonical id for `ref`, or `ref` unchanged when it names no known workspace.
    QString canonicalId(const QString &ref) const;
    /// True when both references name the same known workspace, or are equal text.
    bool sameWorkspace(const QString &a, const QString &b) const;

    QList<Workspace> workspaces() const { return m_workspaces; }
    bool isEmpty() const { return m_workspaces.isEmpty(); }

private:
    void rebuildIndex();
    QList<Workspace> m_workspaces;
    QHash<QString, int> m_byId;
    QHash<QString, int> m_bySlug;
};

} // namespace pk
