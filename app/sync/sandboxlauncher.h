#pragma once

#include "domain/profile.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace pk {

class CredentialStore;
namespace sandbox {
class SandboxServer;
}

/// Runs the built-in sandbox in-process for `--sandbox [--persona NAME]` (GUI and CLI; issue 2 "Build and
/// set-up"). start() listens on 127.0.0.1 at a free port with the default seed, builds an ephemeral
/// profile for the persona (id `sandbox-<persona>-<8 random hex digits>`, unique to this run so that
/// concurrent runs with the same persona never share keychain entries or a cache file; name
/// "Sandbox (<persona>)", baseUrl from the server, `persona` set) and writes the persona's key into the OS
/// keychain under that profile (so Session opens it through the same path as any profile). The profile is
/// never written to the ProfileStore: it lives as long as the launcher, and so does the server. The
/// destructor removes what the run left behind: the profile's keychain entries (API key and cache key)
/// and its cache file with its rollback journal.
class SandboxLauncher : public QObject
{
    Q_OBJECT
public:
    explicit SandboxLauncher(QObject *parent = nullptr);
    /// Removes the run's keychain entries and cache file (see the class comment). Waits for the keychain
    /// (at most 5000 ms per entry, in a local event loop) so nothing is left when the process exits; a
    /// failure is logged with the entry name and does not throw. Destroy the Session using the profile
    /// first (or close it), so the cache is not in use.
    ~SandboxLauncher() override;

    /// The persona used when none is given: `owner`.
    static QString defaultPersona();

    /// Starts the server and prepares the profile for `persona` (empty → defaultPersona()). Calls `done`
    /// once, on this thread: with an empty `error` and the profile on success; otherwise with one sentence
    /// naming the failure and the remedy (an unknown persona lists the valid names; a keychain failure
    /// says that a Secret Service is needed). Call it once per launcher.
    void start(const QString &persona,
               std::function<void(const QString &error, const Profile &profile)> done);

    /// The names of the seeded personas, in seed order (empty before start()).
    QStringList personaNames() const;
    /// The running server, or nullptr before start() succeeded. Owned by the launcher.
    sandbox::SandboxServer *server() const;

private:
    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<CredentialStore> m_credentials;
    QString m_profileId; ///< the run's profile id once start() chose it; empty before
};

} // namespace pk
