#pragma once

#include "access/accesspolicy.h"
#include "domain/apikey.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>

class QAction;

namespace pk::ui {

/// What an operation on a selected key is, independent of the key's type. The controller maps it to the
/// pk::access::Action of each selected key's type (ROLES.md "Action names": admin_key.*, service_key.*,
/// user_key.*).
enum class KeyOperation
{
    Update,
    Rotate,
    Delete
};

/// The access action for `operation` on a key of `type`; nullopt for KeyType::Unknown.
std::optional<access::Action> keyAction(KeyType type, KeyOperation operation);

/// What an action needs besides permission. Combine with `|`.
enum Need : unsigned
{
    NeedsNothing = 0,
    NeedsConnection = 1u << 0, ///< an open session that is not syncing or writing
    NeedsSelection = 1u << 1,  ///< at least one selected key
    NeedsOneKey = 1u << 2,     ///< exactly one selected key
    NeedsWorkspace = 1u << 3,  ///< a workspace the action targets (the navigation's, else any visible one)
};
using Needs = unsigned;

/// Everything the gating depends on. MainWindow fills it from the navigation, the selection and the
/// session; the controller never reads widgets.
struct ActionContext
{
    access::Principal principal;       ///< who is acting (or the "View as" preview)
    QList<ApiKey> selectedKeys;        ///< in view order
    QString currentWorkspaceId;        ///< the navigation's workspace, empty for organisation level
    QStringList visibleWorkspaceIds;   ///< every workspace the session knows, for "any workspace" checks
    QStringList workspaceNames;        ///< names parallel to visibleWorkspaceIds, for reasons
    bool connected = false;            ///< a session is open
    bool busy = false;                 ///< a sync or write is running
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
    /// Registers an action that performs `operation` on every selected key; the access action follows
    /// each key's type. Implies NeedsSelection.
    void addKeyAction(QAction *qaction, KeyOperation operation, Needs needs, const QString &description);

    /// Re-evaluates every registered action for `context` and emits evaluated().
    void update(const ActionContext &context);
    /// The context of the last update().
    const ActionContext &context() const { return m_context; }

    /// The decision for `qaction` under the last context: allowed, or denied with the reason shown.
    access::Decision decisionFor(const QAction *qaction) const;

    /// The workspaces (ids) in which `action` is allowed under the last context, for dialogs that offer
    /// a workspace choice.
    QStringList allowedWorkspaces(access::Action action) const;

    /// Reason text when nothing needs to be said for an enabled action.
    static QString reasonFor(const access::Decision &decision);

signals:
    /// Emitted after every update().
    void evaluated();

private:
    struct Entry
    {
        QPointer<QAction> qaction;
        std::optional<access::Action> action;
        std::optional<KeyOperation> keyOperation;
        Needs needs = NeedsNothing;
        QString description;
        access::Decision decision;
    };
    access::Decision evaluate(const Entry &entry) const;
    QString workspaceName(const QString &id) const;

    QList<Entry> m_entries;
    ActionContext m_context;
};

} // namespace pk::ui
