#pragma once

#include "organisation.h"

namespace pk::sandbox {

/// Builds the deterministic seeded organisation: the same SeedOptions always give the same workspaces,
/// users, memberships, keys (ids, secrets, limits, expiry), invites and personas. Every random choice comes
/// from the organisation's QRandomGenerator, seeded with SeedOptions::seed; every time is an offset from
/// SeedOptions::epoch.
class Seeder
{
public:
    Seeder(Organisation &org, const SeedOptions &options);
    /// Fills the organisation (called once, from its constructor).
    void run();

    /// Adds `ws` to `org`, giving it a fresh uuid and a `ws-<name>-<6 hex>` slug; `t` (UTC) is used for
    /// created_at/last_updated_at when `ws` has none.
    static void addWorkspace(Organisation &org, WorkspaceRecord ws, const QDateTime &t);
    /// `Recherche & Développement` → `recherche-developpement` (ASCII, at most 20 characters).
    static QString slugify(const QString &name);

private:
    void seedWorkspaces();
    void seedUsers();
    void seedMembers();
    void seedPersonas();
    void seedKeys();
    void seedInvites();

    QString addUser(const QString &first, const QString &last, const QString &role, int ageDays);
    void addMember(int workspace, const QString &userId, const QString &role);
    QStringList pickScopes(const QStringList &valid, int count);
    QDateTime daysAgo(int days, bool withTime = true);
    int pick(int bound) { return int(m_org.m_rng.bounded(bound)); }

    Organisation &m_org;
    SeedOptions m_options;
    QDateTime m_epoch;
    QStringList m_userIds;
};

} // namespace pk::sandbox
