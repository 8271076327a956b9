#include "sync/sandboxlauncher.h"

#include "sandbox/sandboxserver.h"
#include "secrets/credentialstore.h"
#include "storage/cachestore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace pk {

SandboxLauncher::SandboxLauncher(QObject *parent) : QObject(parent) {}

SandboxLauncher::~SandboxLauncher()
{
    if (m_profileId.isEmpty())
        return;
    const QString cachePath = CacheStore::defaultPath(m_profileId);
    for (const QString &file : {cachePath, QString(cachePath + QStringLiteral("-journal"))}) {
        if (QFile::exists(file) && !QFile::remove(file))
            qCWarning(lcSync) << "sandbox cache file" << file << "could not be deleted";
    }
    if (!m_credentials || !QCoreApplication::instance())
        return;
    m_credentials->setTimeoutMs(5000);
    for (const QString &entry :
         {CredentialStore::apiKeyEntry(m_profileId), CredentialStore::cacheKeyEntry(m_profileId)}) {
        QEventLoop loop;
        bool finished = false;
        m_credentials->remove(entry, [&](KeychainResult r) {
            if (!r.ok())
                qCWarning(lcSync) << "sandbox keychain entry" << entry << "stays:" << r.detail;
            finished = true;
            loop.quit();
        });
        if (!finished)
            loop.exec();
    }
    qCInfo(lcSync) << "sandbox profile" << m_profileId << "cleaned up";
}

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
    // Unique per run: concurrent runs with the same persona must not share keychain entries or a cache.
    profile.id = QStringLiteral("sandbox-%1-%2")
                     .arg(chosen->name)
                     .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    profile.name = tr("Sandbox (%1)").arg(chosen->name);
    profile.baseUrl = m_server->baseUrl().toString();
    profile.email = chosen->email;
    profile.persona = chosen->name;
    m_profileId = profile.id;
    qCInfo(lcSync) << "sandbox listening at" << profile.baseUrl << "as persona" << chosen->name << "profile"
                   << profile.id;

    if (!m_credentials)
        m_credentials = std::make_unique<CredentialStore>();
    // Sandbox profiles are never written to the ProfileStore: they live as long as this launcher.
    m_credentials->write(CredentialStore::apiKeyEntry(profile.id), chosen->apiKey.toUtf8(),
                         [profile, done](KeychainResult r) {
                             if (!r.ok())
                                 return done(r.message, Profile{});
                             done(QString(), profile);
                         });
}

} // namespace pk
