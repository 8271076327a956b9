#pragma once

#include <QMainWindow>
#include <QPointer>

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
struct ApiKey;
class ClipboardService;
} // namespace pk

namespace pk::ui {

class ActionController;
class DetailsPane;
class MessageBar;

/// The main window (issue 2 "GUI", issue 5 "Gating in the UI"): navigation (organisation → "Admin keys"
/// and each workspace) on the left, the keys table with search and filters in the centre, the selected
/// key's details on the right, Members and Users tabs when the principal may list them, and a status bar
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
    /// The ids of the selected keys, in view order.
    QStringList selectedKeyIds() const;
    /// Selects the key with `id` in the table (clearing the filter if it hides the key). Returns false
    /// when no such key is in the snapshot.
    bool selectKey(const QString &id);
    /// The action with the given object name (see the class comment), or nullptr.
    QAction *action(const QString &objectName) const;

    /// Shows a non-blocking message above the table; `actionText`/`onAction` add one button (e.g.
    /// "Rebuild from server"). Replaces any message shown before.
    void showMessage(const QString &text, bool isError, const QString &actionText = {},
                     std::function<void()> onAction = {});
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
    void closeEvent(QCloseEvent *event) override;

private:
    struct Private;
    Private *d;
    ActionController *m_controller = nullptr;
};

} // namespace pk::ui
