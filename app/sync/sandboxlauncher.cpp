#include "sync/sandboxlauncher.h"

#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"
#include "storage/cachestore.h"

#include <QFile>

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace pk {

SandboxLauncher::SandboxLauncher(QObject *parent) : QObject(parent) {}

SandboxLauncher::~SandboxLauncher() = default;

QString SandboxLauncher::defaultPersona()
{
    return QStringLiteral("owner");
}

QStringList SandboxLauncher::personaNames() const
{
    QStringList names;
    if (m_server) {
        for (const sandbox::Persona &p : m_server->personas())
            names.append(p.name);
    }
    return names;
}

sandbox::SandboxServer *SandboxLauncher::server() const
{
    return m_server.get();
}

void SandboxLauncher::start(const QString &persona,
                            std::function<void(const QString &error, const Profile &profile)> done)
{
    const QString name = persona.isEmpty() ? defaultPersona() : persona;
    if (!m_server)
        m_server = std::make_unique<sandbox::SandboxServer>();
    const std::optional<sandbox::Persona> chosen = m_server->persona(name);
    if (!chosen)
        return done(tr("unknown sandbox persona “%1”. Use one of: %2")
                        .arg(name, personaNames().join(QStringLiteral(", "))),
                    Profile{});
    if (!m_server->baseUrl().isValid() && !m_server->listen(0))
        return done(tr("the sandbox could not listen on 127.0.0.1 (%1). Free a local port, then retry")
                        .arg(m_server->errorString()),
                    Profile{});

    Profile profile;
    profile.id = QStringLiteral("sandbox-") + chosen->name;
    profile.name = tr("Sandbox (%1)").arg(chosen->name);
    profile.baseUrl = m_server->baseUrl().toString();
    profile.email = chosen->email;
    profile.persona = chosen->name;
    qCInfo(lcSync) << "sandbox listening at" << profile.baseUrl << "as persona" << chosen->name;

    if (!m_credentials)
        m_credentials = std::make_unique<CredentialStore>();
    // A fresh organisation needs a fresh cache: the previous run's file (and its rollback journal) describes
    // an organisation that no longer exists.
    const QString cachePath = CacheStore::defaultPath(profile.id);
    for (const QString &file : {cachePath, QString(cachePath + QStringLiteral("-journal"))}) {
        if (QFile::exists(file) && !QFile::remove(file))
            return done(tr("the cache file %1 of the previous sandbox run could not be deleted. Check its "
                           "permissions, then retry")
                            .arg(file),
                        Profile{});
    }
    // Sandbox profiles are never written to the ProfileStore: they live as long as this launcher.
    m_credentials->write(CredentialStore::apiKeyEntry(profile.id), chosen->apiKey.toUtf8(),
                         [profile, done](KeychainResult r) {
                             if (!r.ok())
                                 return done(r.message, Profile{});
                             done(QString(), profile);
                         });
}

} // namespace pk
