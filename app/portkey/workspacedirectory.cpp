#include "workspacedirectory.h"

namespace pk {

void WorkspaceDirectory::reset(const QList<Workspace> &workspaces)
{
    m_workspaces = workspaces;
    rebuildIndex();
}

void WorkspaceDirectory::insert(const Workspace &workspace)
{
    const auto it = m_byId.constFind(workspace.id);
    if (it != m_byId.constEnd())
        m_workspaces[it.value()] = workspace;
    else
        m_workspaces.append(workspace);
    rebuildIndex();
}

std::optional<Workspace> WorkspaceDirectory::resolve(const QString &ref) const
{
    if (ref.isEmpty())
        return std::nullopt;
    if (const auto id = m_byId.constFind(ref); id != m_byId.constEnd())
        return m_workspaces.at(id.value());
    if (const auto slug = m_bySlug.constFind(ref); slug != m_bySlug.constEnd())
        return m_workspaces.at(slug.value());
    return std::nullopt;
}

QString WorkspaceDirectory::canonicalId(const QString &ref) const
{
    const std::optional<Workspace> w = resolve(ref);
    return w ? w->id : ref;
}

bool WorkspaceDirectory::sameWorkspace(const QString &a, const QString &b) const
{
    return a == b || (!a.isEmpty() && !b.isEmpty() && canonicalId(a) == canonicalId(b));
}

void WorkspaceDirectory::rebuildIndex()
{
    m_byId.clear();
    m_bySlug.clear();
    for (int i = 0; i < m_workspaces.size(); ++i) {
        const Workspace &w = m_workspaces.at(i);
        if (!w.id.isEmpty())
            m_byId.insert(w.id, i);
        if (!w.slug.isEmpty())
            m_bySlug.insert(w.slug, i);
    }
}

} // namespace pk
