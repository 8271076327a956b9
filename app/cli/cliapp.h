#pragma once

#include "domain/profile.h"
#include "sync/syncengine.h"

#include <QCommandLineParser>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace pk {

class CredentialStore;
class ProfileStore;
class SandboxLauncher;
class Session;

/// The `portkey-key-manager-cli` program (issue 2 "CLI"): parses the command line, runs one command on the
/// QCoreApplication event loop (every call asynchronous, no nested loop) and ends the loop with the exit
/// code. Results go to stdout (text, or JSON with `--json`); a failure writes ONE line to stderr,
/// `error: <what happened>. <what to do>`, and exits with a non-zero code. Secrets are never read from
/// argv: `profile add` reads the key from stdin (or a no-echo prompt on a terminal).
class CliApp : public QObject
{
    Q_OBJECT
public:
    /// Exit codes.
    enum Exit
    {
        Ok = 0,
        Failure = 1, ///< the command ran and failed (server, keychain, cache, refused by the policy)
        Usage = 2    ///< the command line is wrong
    };

    /// `arguments` as from QCoreApplication::arguments() (program name first).
    explicit CliApp(const QStringList &arguments, QObject *parent = nullptr);
    ~CliApp() override;

    /// Parses the command line and starts the command; the event loop ends with the exit code when it is
    /// done (QCoreApplication::exit()). Call once the loop runs (e.g. from a zero-timer).
    void start();

private:
    void finish(int code);
    void fail(const QString &message, int code = Failure);
    void printJson(const QJsonValue &value);
    void print(const QString &text);

    void profileAdd();
    void profileList();
    void profileRemove();

    /// Selects the profile (--sandbox, --profile, the only one, the last used), opens it and calls `then`
    /// once the snapshot is loaded; with `syncFirst` (or when the cache was never synced, or for a sandbox)
    /// it syncs before calling `then`.
    void withSession(bool syncFirst, std::function<void()> then);
    void openProfile(const Profile &profile, bool syncFirst, std::function<void()> then);

    void runSync();
    void workspacesList();
    void keysList();
    void keysCreate();
    void keysRevoke();
    void whoami();

    QStringList m_arguments;
    QCommandLineParser m_parser;
    QStringList m_command; ///< positional arguments: command, sub-command, operands
    bool m_json = false;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<CredentialStore> m_credentials; ///< for `profile add` and `profile remove`
    std::unique_ptr<SandboxLauncher> m_sandbox;
    std::unique_ptr<Session> m_session;
    SyncDiff m_lastDiff; ///< what the sync run by this command changed
    bool m_finished = false;
};

} // namespace pk
