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
/// profile for the persona (id `sandbox-<persona>`, name "Sandbox (<persona>)", baseUrl from the server,
/// `persona` set), deletes the cache file a previous run left for that profile (each run is a fresh
/// organisation, so its cache starts empty and the first sync fills it) and writes the persona's key into
/// the OS keychain under that profile (so Session opens it through the same path as any profile). The
/// profile is never written to the ProfileStore: it lives as long as the launcher, and so does the
/// server.
class SandboxLauncher : public QObject
{
    Q_OBJECT
public:
    explicit SandboxLauncher(QObject *parent = nullptr);
    ~SandboxLauncher() override;

    /// The persona used when none is given: `owner`.
    static QString defaultPersona();

    /// Starts the server and prepares the profile for `persona` (empty → defaultPersona()). Calls `done`
    /// once, on this thread: with an empty `error` and the profile on success; otherwise with one sentence
    /// naming the failure and the remedy (an unknown persona lists the valid names; a keychain failure
    /// says that a Secret Service is needed; a previous run's cache file that cannot be deleted is named).
    void start(const QString &persona,
               std::function<void(const QString &error, const Profile &profile)> done);

    /// The names of the seeded personas, in seed order (empty before start()).
    QStringList personaNames() const;
    /// The running server, or nullptr before start() succeeded. Owned by the launcher.
    sandbox::SandboxServer *server() const;

private:
    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<CredentialStore> m_credentials;
};

} // namespace pk
