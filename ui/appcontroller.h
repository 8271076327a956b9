#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace pk {
struct KeychainResult;
class Session;
class SandboxLauncher;
struct Profile;
} // namespace pk

namespace pk::ui {

class MainWindow;

/// How the app was started (the command-line options of `portkey-key-manager`).
struct StartOptions
{
    bool sandbox = false;   ///< `--sandbox`: a private in-process sandbox, no connect dialog
    QString persona;        ///< `--persona NAME` with --sandbox; empty = the owner
    QString profileName;    ///< `--profile NAME`: which stored profile to open
    QString screenshotPath; ///< `--screenshot FILE`: save a PNG of the window after the first sync, then quit
};

/// Runs the app's start-up without blocking the GUI thread (issue 2 "First run"): picks the profile
/// (`--sandbox`, `--profile`, the last used one, or the first-run ConnectDialog), opens it through
/// pk::Session (keychain and network asynchronous; the cache opens fast, so the window shows the cached
/// snapshot at once), shows the MainWindow and starts the first sync. With a screenshot path it renders the
/// window to PNG after the first sync and asks the application to quit.
class AppController : public QObject
{
    Q_OBJECT
public:
    explicit AppController(const StartOptions &options, QObject *parent = nullptr);
    ~AppController() override;

    /// Starts the flow; returns at once. Failures that end the app arrive as failed(). Until the main window
    /// shows, QApplication::quitOnLastWindowClosed() is off (restored then, or when this controller is
    /// destroyed): closing the first-run dialog must not end the app while the key is still being written
    /// to the keychain or the sandbox is starting; start-up ends in the window, failed() or cancelled().
    void start();

    /// The main window once a profile was chosen; nullptr before.
    MainWindow *mainWindow() const;
    Session *session() const;
    /// The in-process sandbox when one runs (`--sandbox` or "Try the sandbox"); nullptr otherwise.
    SandboxLauncher *sandbox() const;

signals:
    /// The window is shown and the first sync after start-up ended (`ok` false when it failed; the window
    /// then shows the error and, when there is one, the cached snapshot).
    void ready(bool ok);
    /// The screenshot was written to `path`.
    void screenshotSaved(const QString &path);
    /// The app cannot go on: `message` says what happened and what to do; `exitCode` ≠ 0. Emitted at most
    /// once, possibly from within start().
    void failed(const QString &message, int exitCode);
    /// The user closed the first-run dialog without connecting; the app should quit normally.
    void cancelled();

private:
    void chooseProfile();
    void showConnectDialog(const QString &error);
    /// After the first-run dialog's key was written to the keychain (`written`): saves `profile` (its id
    /// is the keychain entry's) and opens it, or shows the dialog again with the keychain's or the
    /// settings file's error. A profile is never saved without its key.
    void keyStored(Profile profile, const KeychainResult &written);
    void startSandbox(const QString &persona);
    void openProfile(const Profile &profile);
    void firstSyncFinished(bool ok, const QString &error);
    void saveScreenshot();
    /// Emits failed() once; later failures are not reported again.
    void fail(const QString &message, int exitCode);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace pk::ui
