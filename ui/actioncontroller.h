#pragma once

#include "access/accesspolicy.h"
#include "access/action.h"
#include "access/principal.h"
#include "domain/apikey.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>

class QAction;

namespace pk::ui {

/// What an action needs besides permission. Combine with `|`.
enum Need : unsigned
{
    NeedsNothing = 0,
    NeedsConnection = 1u << 0, ///< an open session that is not syncing or writing
    NeedsSelection = 1u << 1,  ///< at least one selected key
    NeedsOneKey = 1u << 2,     ///< exactly one selected key
    NeedsWorkspace = 1u << 3,  ///< a workspace the action targets (the navigation's, else any visible one)
    NeedsKeysView = 1u << 4,   ///< the keys view is the current tab, so the person sees the keys acted on.
                               ///< Implied by NeedsSelection and NeedsOneKey: the key selection lives in
                               ///< the keys view and must never be acted on from another tab.
};
using Needs = unsigned;

/// Everything the gating depends on. MainWindow fills it from the navigation, the selection and the
/// session; the controller never reads widgets.
struct ActionContext
{
    access::Principal principal;     ///< who is acting (or the "View as" preview)
    QList<ApiKey> selectedKeys;      ///< in view order
    QString currentWorkspaceId;      ///< the navigation's workspace, empty for organisation level
    QStringList visibleWorkspaceIds; ///< every workspace the session knows, for "any workspace" checks
    bool connected = false;          ///< a session is open
    bool busy = false;               ///< a sync or write is running
    bool keysViewCurrent = true;     ///< the keys view (API keys tab) is the one shown
};

/// One place that enables every QAction (ARCHITECTURE.md habit 4, issue 5 "Gating in the UI"). Each action
/// is registered with the pk::access::Action it performs (fixed, or per selected key type) and what it
/// needs; update() re-evaluates all of them through pk::access::AccessPolicy::decide(). A disabled action
/// gets the reason as toolTip and statusTip; an enabled one gets its normal description back. No widget
/// decides on roles itself.
class ActionController : public QObject
{
    Q_OBJECT
public:
    explicit ActionController(QObject *parent = nullptr);

    /// Registers an action that performs the fixed `action` (or none: nullopt) and needs `needs`.
    /// `description` is the tooltip shown while enabled.
    void addAction(QAction *qaction, std::optional<access::Action> action, Needs needs,
                   const QString &description);
    /// Registers an action that performs `verb` on every selected key; the access action follows each
    /// key's type (access::keyAction(): admin_key.*, service_key.*, user_key.*). Implies NeedsSelection.
    void addKeyAction(QAction *qaction, access::KeyVerb verb, Needs needs, const QString &description);

    /// Re-evaluates every registered action for `context` and emits evaluated().
    void update(const ActionContext &context);

    /// The context of the last update(): its principal is the "View as" preview while one is active.
    const ActionContext &context() const { return m_context; }

    /// The decision for `qaction` under the last context: allowed, or denied with the reason shown.
    access::Decision decisionFor(const QAction *qaction) const;

    /// The workspaces (ids) in which `action` is allowed under the last context, for dialogs that offer
    /// a workspace choice.
    QStringList allowedWorkspaces(access::Action action) const;

    /// The text shown for a decision: for a denial "Not available: <Reason>." (the policy's reason,
    /// capitalised); for an allowal the policy's grounds.
    static QString reasonFor(const access::Decision &decision);

    /// "View as" (issue 5): only organisation owners and admins may preview the app as a workspace manager
    /// or member (ROLES.md "The documented matrix": they administer every workspace). Denied with the
    /// reason otherwise, and when the org role is unknown.
    static access::Decision viewAsDecision(const access::Principal &principal);
    /// The principal previewed by "View as": the same connection key, acting for a human who is an
    /// organisation member with `workspaceRole` (`manager` or `member`) in `workspaceId` and no role in
    /// the other `visibleWorkspaceIds`.
    static access::Principal previewPrincipal(const access::Principal &real, const QString &workspaceId,
                                              const QString &workspaceRole,
                                              const QStringList &visibleWorkspaceIds);

signals:
    /// Emitted after every update().
    void evaluated();

private:
    struct Entry
    {
        QPointer<QAction> qaction;
        std::optional<access::Action> action;
        std::optional<access::KeyVerb> keyVerb;
        Needs needs = NeedsNothing;
        QString description;
        access::Decision decision;
    };
    access::Decision evaluate(const Entry &entry) const;

    QList<Entry> m_entries;
    ActionContext m_context;
};

} // namespace pk::ui
