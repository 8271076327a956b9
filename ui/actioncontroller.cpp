#include "actioncontroller.h"

#include <QAction>

namespace pk::ui {

ActionController::ActionController(QObject *parent) : QObject(parent) {}

void ActionController::addAction(QAction *qaction, std::optional<access::Action> action, Needs needs,
                                 const QString &description)
{
    Q_ASSERT(qaction);
    Entry entry;
    entry.qaction = qaction;
    entry.action = action;
    entry.needs = needs;
    entry.description = description;
    m_entries.append(entry);
    m_entries.last().decision = evaluate(m_entries.last());
}

void ActionController::addKeyAction(QAction *qaction, access::KeyVerb verb, Needs needs,
                                    const QString &description)
{
    Q_ASSERT(qaction);
    Entry entry;
    entry.qaction = qaction;
    entry.keyVerb = verb;
    entry.needs = needs | NeedsSelection;
    entry.description = description;
    m_entries.append(entry);
    m_entries.last().decision = evaluate(m_entries.last());
}

void ActionController::update(const ActionContext &context)
{
    m_context = context;
    for (Entry &entry : m_entries) {
        if (!entry.qaction)
            continue;
        entry.decision = evaluate(entry);
        const QString tip = entry.decision.allowed ? entry.description : reasonFor(entry.decision);
        entry.qaction->setEnabled(entry.decision.allowed);
        entry.qaction->setToolTip(tip);
        entry.qaction->setStatusTip(tip);
    }
    emit evaluated();
}

access::Decision ActionController::decisionFor(const QAction *qaction) const
{
    for (const Entry &entry : m_entries) {
        if (entry.qaction == qaction)
            return entry.decision;
    }
    return {};
}

QStringList ActionController::allowedWorkspaces(access::Action action) const
{
    QStringList allowed;
    for (const QString &id : m_context.visibleWorkspaceIds) {
        if (access::AccessPolicy::decide(m_context.principal, action, access::Target::forWorkspace(id))
                .allowed)
            allowed.append(id);
    }
    return allowed;
}

QString ActionController::reasonFor(const access::Decision &decision)
{
    if (decision.allowed)
        return decision.reason;
    QString reason = decision.reason;
    if (!reason.isEmpty())
        reason[0] = reason.at(0).toUpper();
    if (!reason.isEmpty() && !reason.endsWith(QLatin1Char('.')))
        reason += QLatin1Char('.');
    return tr("Not available: %1").arg(reason);
}

access::Decision ActionController::viewAsDecision(const access::Principal &principal)
{
    access::Decision d;
    if (!principal.orgRole) {
        d.reason = tr("your organisation role is unknown (add your e-mail to the profile and sync)");
        return d;
    }
    d.allowed = *principal.orgRole == QLatin1String("owner") || *principal.orgRole == QLatin1String("admin");
    d.reason = d.allowed ? tr("org %1").arg(*principal.orgRole) : tr("needs org admin or owner");
    return d;
}

access::Principal ActionController::previewPrincipal(const access::Principal &real,
                                                     const QString &workspaceId, const QString &workspaceRole,
                                                     const QStringList &visibleWorkspaceIds)
{
    access::Principal preview = real;
    preview.orgRole = QStringLiteral("member");
    preview.userId.clear();
    preview.workspaceRoles.clear();
    preview.workspaceRoles.insert(real.canonicalWorkspace(workspaceId), workspaceRole);
    preview.memberListsRead.clear();
    for (const QString &id : visibleWorkspaceIds)
        preview.memberListsRead.insert(real.canonicalWorkspace(id));
    return preview;
}

access::Decision ActionController::evaluate(const Entry &entry) const
{
    const auto deny = [](const QString &reason) {
        access::Decision d;
        d.allowed = false;
        d.reason = reason;
        return d;
    };
    const auto allow = [] {
        access::Decision d;
        d.allowed = true;
        return d;
    };

    if ((entry.needs & NeedsConnection) && !m_context.connected)
        return deny(tr("not connected to a Portkey control plane"));
    if ((entry.needs & NeedsConnection) && m_context.busy)
        return deny(tr("wait until the running sync or change has finished"));
    if ((entry.needs & (NeedsKeysView | NeedsSelection | NeedsOneKey)) && !m_context.keysViewCurrent)
        return deny(tr("switch to the API keys tab to act on the selected keys"));
    if ((entry.needs & NeedsOneKey) && m_context.selectedKeys.size() != 1)
        return deny(m_context.selectedKeys.isEmpty() ? tr("select a key first")
                                                     : tr("select exactly one key"));
    if ((entry.needs & NeedsSelection) && m_context.selectedKeys.isEmpty())
        return deny(tr("select a key first"));

    if (entry.keyVerb) {
        // Every selected key must be allowed; the first refusal names its key when several are selected.
        for (const ApiKey &key : m_context.selectedKeys) {
            const std::optional<access::Action> action = access::keyAction(key.keyType(), *entry.keyVerb);
            if (!action)
                return deny(tr("the key type \"%1\" is not known to this version").arg(key.type));
            access::Decision d =
                access::AccessPolicy::decide(m_context.principal, *action, access::Target::forKey(key));
            if (!d.allowed) {
                if (m_context.selectedKeys.size() > 1)
                    d.reason = tr("%1 (key \"%2\")").arg(d.reason, key.name);
                return d;
            }
        }
        return allow();
    }

    if (!entry.action)
        return allow();

    const access::Action action = *entry.action;
    if (!access::isWorkspaceAction(action) || !(entry.needs & NeedsWorkspace))
        return access::AccessPolicy::decide(m_context.principal, action, {});

    // A workspace action: decide for the navigation's workspace, else for any visible one.
    if (!m_context.currentWorkspaceId.isEmpty())
        return access::AccessPolicy::decide(m_context.principal, action,
                                            access::Target::forWorkspace(m_context.currentWorkspaceId));
    if (m_context.visibleWorkspaceIds.isEmpty())
        return deny(tr("no workspace is known yet; sync first"));
    access::Decision firstDenial;
    for (const QString &id : m_context.visibleWorkspaceIds) {
        const access::Decision d =
            access::AccessPolicy::decide(m_context.principal, action, access::Target::forWorkspace(id));
        if (d.allowed)
            return d;
        if (firstDenial.reason.isEmpty())
            firstDenial = d;
    }
    if (m_context.visibleWorkspaceIds.size() > 1)
        firstDenial.reason = tr("not allowed in any workspace: %1").arg(firstDenial.reason);
    return firstDenial;
}

} // namespace pk::ui
