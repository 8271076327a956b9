#pragma once

#include "access/action.h"
#include "access/principal.h"
#include "domain/apikey.h"

#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTabWidget;
class QTableView;
class QTreeView;

namespace pk {
class Session;
struct ApiError;
struct SyncDiff;
} // namespace pk

namespace pk::ui {

class ActionController;
class ClipboardService;
class DetailsPane;
class KeyViewProxy;
class MessageBar;
class OrgActions;

/// The main window (issue 2 "GUI", issue 5 "Gating in the UI"): navigation (organisation → "Admin keys"
/// and each workspace) on the left, the keys table with search and filters in the centre, the selected
/// key's details below it, Members and Users tabs when the principal may list them, and a status bar
/// with sync progress and the last sync time (local time with zone) or the offline notice.
///
/// It shows what the pk::Session's snapshot holds and sends every write through the Session (server
/// first). Every QAction is gated by the ActionController. Object names for tests: `navigation`,
/// `keysTable`, `searchBox`, `typeFilter`, `statusFilter`, `detailsPane`, `messageBar`, `syncProgress`,
/// `syncStatus`, `syncCancel`, `keyIdFilter` (the "only these keys" strip), `membersTable`, `usersTable`,
/// `mainTabs`; actions `actionSync`, `actionCancel`, `actionNewKey`, `actionRevoke`, `actionCopyId`,
/// `actionRotate`, `actionEdit`, `actionFind`, `actionPreferences`, `actionQuit`, `actionShowKeysTab`,
/// `actionShowMembersTab`, `actionShowUsersTab` (Ctrl+1–3), `actionShortcuts`, `actionWhoAmI`,
/// `actionAbout`; gating-only actions (never in a menu) `actionListKeys`, `actionListAdminKeys`,
/// `actionShowMembers`, `actionShowUsers`. Every menu action has a keyboard shortcut except About and the
/// "View as" choices; Help → Keyboard shortcuts lists them (ShortcutsDialog).
///
/// Settings (ProfileStore): the clipboard clear delay (s) and the expiry warning window (days) are read at
/// construction and applied to the ClipboardService and the KeyTableModel; Preferences changes them.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// `session` is not owned and must outlive the window; it may be opened before or after.
    explicit MainWindow(Session *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    ActionController *actionController() const { return m_controller; }
    DetailsPane *detailsPane() const;
    MessageBar *messageBar() const;
    /// The selected keys, in view order (copies of what the model holds; masked keys only).
    QList<ApiKey> selectedKeys() const;
    /// The one selected key, when exactly one is selected and the action named `actionName` (if any) is
    /// enabled; std::nullopt otherwise.
    std::optional<ApiKey> soleSelectedKey(const QString &actionName = QString()) const;
    /// The ids of the selected keys, in view order.
    QStringList selectedKeyIds() const;
    /// Selects the key with `id` in the table (clearing the filter if it hides the key). Returns false
    /// when no such key is in the snapshot.
    bool selectKey(const QString &id);
    /// The action with the given object name (see the class comment, and OrgActions for the workspace,
    /// member, user, invite and audit-log actions), or nullptr.
    QAction *action(const QString &objectName) const;
    /// The organisation management actions and menus (ui/org).
    OrgActions *orgActions() const;

    /// "View as" (issue 5): previews the app as a workspace `role` (`manager` or `member`) of
    /// `workspaceId`; an empty id returns to the real principal. Every action is then gated for the
    /// preview. Returns false (and changes nothing) when ActionController::viewAsDecision() denies it
    /// or the workspace is unknown.
    bool setViewAs(const QString &workspaceId, const QString &role);
    /// True while a "View as" preview is active.
    bool isPreviewing() const;

    /// The service all copies go through (its clear delay follows the preferences).
    ClipboardService *clipboardService() const;
    /// Applies the preferences without saving them: the clipboard clear delay in seconds (clamped to
    /// 5–600, PreferencesDialog's range) and the expiry warning window in days (clamped to 0–90) for
    /// KeyTableModel::setExpiryWarningDays() and the expiry notice.
    void applyPreferences(int clipboardClearDelaySeconds, int expiryWarningDays);

    /// The keys the acting principal may manage (update, rotate or revoke per access::AccessPolicy) that
    /// need attention: status `exhausted`, or an expiry within the warning window from now (already
    /// expired ones included). In key-id order of the snapshot.
    QStringList attentionKeyIds() const;
    /// Filters the table to the keys with `ids` (other filters and the navigation are cleared first) and
    /// shows `description` in the `keyIdFilter` strip with a button that clears it. Empty `ids` clears.
    void showOnlyKeys(const QStringList &ids, const QString &description);
    /// The ids the table is currently restricted to (empty: no such filter).
    QStringList keyIdFilter() const;

    /// True while a bulk revoke started by revokeSelected() runs.
    bool isRevoking() const;

    /// Whether each opened() of the session starts a sync at once (default true: open from the cache, then
    /// refresh from the server).
    void setSyncOnOpen(bool on);

    /// Shows the reason a session could not be opened, with "Rebuild from server" when the cache's key is
    /// wrong or the file is damaged (Session::rebuildCache()).
    void showOpenFailure(const QString &text, bool offerRebuild);

public slots:
    /// Starts a sync through the session (F5 / Ctrl+R).
    void sync();
    /// Opens the new-key dialog for a workspace service key (Ctrl+N).
    void newServiceKey();
    /// Asks to revoke the selected keys (Delete); the rows go only when the server confirms.
    void revokeSelected();
    /// Copies the selected key's id to the clipboard (Ctrl+Shift+C); ids are not secret.
    void copyKeyId();
    /// Rotates the selected key after asking for the transition period.
    void rotateSelected();
    /// Edits the selected key's mutable fields.
    void editSelected();
    /// Focuses the search box (Ctrl+F).
    void focusSearch();
    /// Opens Edit → Preferences… (Ctrl+,); on OK saves through ProfileStore and applies at once.
    void showPreferences();
    /// Opens Help → Keyboard shortcuts (Ctrl+/).
    void showShortcuts();
    /// Cancels the running sync (Session::cancelSync()) or stops a bulk revoke after the key being
    /// revoked now (Escape while either runs; the `syncCancel` button).
    void cancelWork();

signals:
    /// Emitted after each sync finished (successfully or not), once the window shows its result.
    void syncCompleted(bool ok);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    access::Principal effectivePrincipal() const;
    QString currentWorkspaceId() const;
    void beginWrite();
    void endWrite();
    /// For a 403 AB03 on `action`: lets the policy learn the missing scope for the session and returns a
    /// text naming it; otherwise returns `text`.
    QString explainForbidden(access::Action action, const ApiError &error, const QString &text);
    void showSecret(const QString &keyId, const QString &name, IssuedSecret &secret);
    void reloadSnapshot();
    void applyNavigation();
    void selectionChanged();
    void refreshActions();
    void refreshPrincipal();
    void updateSyncStatus();
    void syncFinished(const ApiError &error, const SyncDiff &diff);
    void credentialRejected();
    /// Asks for the profile's connection key (masked), stores it in the keychain and reopens the profile.
    void replaceConnectionKey();
    /// After a failed open: when the profile's key entry is missing from the keychain, replaces the
    /// message with one offering "Enter key…" (replaceConnectionKey()).
    void offerKeyEntryWhenMissing();
    void rebuildViewAsMenu();
    void revokeNext();
    void finishRevoke();
    void showAttentionNotice();
    void showWorkProgress(const QString &text, int done, int total);
    void hideWorkProgress();

    struct Private;
    std::unique_ptr<Private> d;
    ActionController *m_controller = nullptr;
    bool m_syncOnOpen = true;
};

} // namespace pk::ui
