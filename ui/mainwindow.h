#pragma once

#include "access/action.h"
#include "access/principal.h"
#include "domain/apikey.h"

#include <QMainWindow>

#include <functional>
#include <memory>

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
class DetailsPane;
class MessageBar;

/// The main window (issue 2 "GUI", issue 5 "Gating in the UI"): navigation (organisation → "Admin keys"
/// and each workspace) on the left, the keys table with search and filters in the centre, the selected
/// key's details below it, Members and Users tabs when the principal may list them, and a status bar
/// with sync progress and the last sync time (local time with zone) or the offline notice.
///
/// It shows what the pk::Session's snapshot holds and sends every write through the Session (server
/// first). Every QAction is gated by the ActionController. Object names for tests: `navigation`,
/// `keysTable`, `searchBox`, `typeFilter`, `statusFilter`, `detailsPane`, `messageBar`, `syncProgress`,
/// `syncStatus`, `membersTable`, `usersTable`, `mainTabs`; actions `actionSync`, `actionNewKey`,
/// `actionRevoke`, `actionCopyId`, `actionRotate`, `actionEdit`, `actionFind`, `actionQuit`.
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
    /// The ids of the selected keys, in view order.
    QStringList selectedKeyIds() const;
    /// Selects the key with `id` in the table (clearing the filter if it hides the key). Returns false
    /// when no such key is in the snapshot.
    bool selectKey(const QString &id);
    /// The action with the given object name (see the class comment), or nullptr.
    QAction *action(const QString &objectName) const;

    /// "View as" (issue 5): previews the app as a workspace `role` (`manager` or `member`) of
    /// `workspaceId`; an empty id returns to the real principal. Every action is then gated for the
    /// preview. Returns false (and changes nothing) when ActionController::viewAsDecision() denies it
    /// or the workspace is unknown.
    bool setViewAs(const QString &workspaceId, const QString &role);
    /// True while a "View as" preview is active.
    bool isPreviewing() const;

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
    void replaceConnectionKey();
    void rebuildViewAsMenu();

    struct Private;
    std::unique_ptr<Private> d;
    ActionController *m_controller = nullptr;
    bool m_syncOnOpen = true;
};

} // namespace pk::ui
