#include "secrets/credentialstore.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

#include <qt6keychain/keychain.h>

#ifdef PK_HAVE_SECRET_SERVICE
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QMap>
#endif

#include <memory>

Q_LOGGING_CATEGORY(lcSecrets, "pk.secrets")

namespace pk {

// What one operation needs after start() returned: shared between the finished and the timeout handlers
// so that exactly one of them delivers the result.
struct CredentialStore::PendingJob
{
    CredentialStore::Callback callback;
    QString entry;
    QByteArray data; // write(): the job's input, wiped once the job is gone
    QPointer<QTimer> timer;
    bool delivered = false;
};

CredentialStore::CredentialStore(QObject *parent) : QObject(parent) {}

QString CredentialStore::opName(Op op)
{
    switch (op) {
    case Op::Read:
        return QStringLiteral("read");
    case Op::Write:
        return QStringLiteral("write");
    case Op::Remove:
        return QStringLiteral("remove");
    }
    return QString();
}

CredentialStore::~CredentialStore() = default;

QString CredentialStore::serviceName()
{
    return QStringLiteral("Portkey Key Manager");
}

QString CredentialStore::apiKeyEntry(const QString &profileId)
{
    return QString(QStringLiteral("profiles/") + profileId + QStringLiteral("/api-key"));
}

QString CredentialStore::cacheKeyEntry(const QString &profileId)
{
    return QString(QStringLiteral("profiles/") + profileId + QStringLiteral("/cache-key"));
}

QString CredentialStore::storedKeyEntry(const QString &keyId)
{
    return QString(QStringLiteral("keys/") + keyId);
}

void CredentialStore::read(const QString &entry, Callback callback)
{
    start(Op::Read, entry, QByteArray(), std::move(callback));
}

void CredentialStore::write(const QString &entry, const SecretBuffer &secret, Callback callback)
{
    // A deep copy: view() would hand QtKeychain a pointer into the caller's buffer.
    start(Op::Write, entry, QByteArray(secret.data(), secret.size()), std::move(callback));
}

void CredentialStore::write(const QString &entry, const QByteArray &secret, Callback callback)
{
    start(Op::Write, entry, QByteArray(secret.constData(), secret.size()), std::move(callback));
}

void CredentialStore::remove(const QString &entry, Callback callback)
{
    start(Op::Remove, entry, QByteArray(), std::move(callback));
}

KeychainError CredentialStore::classify(int qkeychainError, const QString &backendText)
{
    const QString text = backendText.toLower();
    const auto mentions = [&text](const char *word) {
        return text.contains(QLatin1String(word));
    };
    switch (static_cast<QKeychain::Error>(qkeychainError)) {
    case QKeychain::NoError:
        return KeychainError::None;
    case QKeychain::EntryNotFound:
        return KeychainError::NotFound;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        if (mentions("locked"))
            return KeychainError::Locked;
        return KeychainError::AccessDenied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return KeychainError::Unavailable;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    // gnome-keyring answers a locked keyring it cannot prompt for (no display) with "Object does not
    // exist at path /org/freedesktop/secrets/collection/login"; a missing default keyring looks the same.
    if (mentions("locked") || mentions("/collection/"))
        return KeychainError::Locked;
    // libsecret and the KWallet path report a missing bus or service as plain text.
    if (mentions("d-bus") || mentions("dbus") || mentions("org.freedesktop.secrets") ||
        mentions("secret service") || mentions("service unknown") || mentions(".service files") ||
        mentions("session bus") || mentions("no such interface") || mentions("kwallet"))
        return KeychainError::Unavailable;
    return KeychainError::Other;
}

QString CredentialStore::userMessage(KeychainError error, const QString &entry)
{
    switch (error) {
    case KeychainError::None:
        return QString();
    case KeychainError::NotFound:
        return tr("Nothing is stored in the keychain under \"%1\". Enter the secret again to store it.")
            .arg(entry);
    case KeychainError::AccessDenied:
        return tr("The keychain refused access to \"%1\". Allow Portkey Key Manager in the keychain's "
                  "prompt or settings, then retry.")
            .arg(entry);
    case KeychainError::Unavailable:
        return tr("No keychain is available: no Secret Service is running. Start gnome-keyring or KWallet "
                  "(or log in to a desktop session), then retry.");
    case KeychainError::Locked:
        return tr("Your keyring is locked, so \"%1\" can be neither read nor changed. Unlock it (log in to "
                  "your desktop session, or open \"Passwords and Keys\" and unlock the login keyring), "
                  "then retry; nothing was changed.")
            .arg(entry);
    case KeychainError::Other:
        return tr("The keychain reported an error for \"%1\". See the details, then retry.").arg(entry);
    }
    return QString();
}

void CredentialStore::start(Op op, const QString &entry, const QByteArray &data, Callback callback)
{
    QKeychain::Job *job = nullptr;
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(serviceName());
        break;
    case Op::Write: {
        auto *write = new QKeychain::WritePasswordJob(serviceName());
        write->setBinaryData(data);
        job = write;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(serviceName());
        break;
    }
    // Not parented to this store and not auto-deleted: the backend may still call into the job after the
    // store is gone, so the job deletes itself only once it has finished.
    job->setAutoDelete(false);
    job->setInsecureFallback(false);
    job->setKey(entry);

    auto pending = std::make_shared<PendingJob>();
    pending->callback = std::move(callback);
    pending->entry = entry;
    pending->data = data;

    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer); // a coarse timer may fire up to 5 % early
    pending->timer = timer;

    connect(timer, &QTimer::timeout, this, [this, pending, op]() {
        if (pending->delivered)
            return;
        pending->delivered = true;
        pending->timer->deleteLater();
        qCWarning(lcSecrets).noquote()
            << "keychain" << opName(op) << "of" << pending->entry << "timed out after" << m_timeoutMs << "ms";
        KeychainResult result;
        result.error = KeychainError::Unavailable;
        result.entry = pending->entry;
        result.message = userMessage(result.error, result.entry);
        result.detail = tr("No answer from the keychain within %1 ms.").arg(m_timeoutMs);
        pending->callback(std::move(result));
    });

    // The job lives on after a timeout (QtKeychain runs jobs one at a time, so later operations wait
    // behind a wedged one and time out too). It deletes itself once finished; then our copy of its input
    // is the only one left and can be wiped in place.
    connect(job, &QKeychain::Job::finished, job, &QObject::deleteLater);
    connect(job, &QObject::destroyed, job, [pending]() { wipe(pending->data); });

    connect(job, &QKeychain::Job::finished, this, [this, pending, op](QKeychain::Job *finished) {
        if (pending->delivered)
            return;
        KeychainResult result;
        result.entry = pending->entry;
        result.error = classify(finished->error(), finished->errorString());
        if (op == Op::Remove && result.error == KeychainError::NotFound)
            result.error = KeychainError::None; // the entry is gone either way
        if (result.ok() && op == Op::Read) {
            QByteArray bytes = static_cast<QKeychain::ReadPasswordJob *>(finished)->binaryData();
            result.secret = SecretBuffer::take(bytes);
        } else if (!result.ok()) {
            result.detail = finished->errorString();
        }
        // A locked collection hides its items: a read answers "not found" and a delete "done" while the
        // entry stays. Only a locked-items check tells these apart from a real absence.
        const bool mayHideLockedEntry =
            (op == Op::Read && result.error == KeychainError::NotFound) || (op == Op::Remove && result.ok());
        if (mayHideLockedEntry)
            return checkLocked(pending, op, std::move(result));
        deliver(pending, op, std::move(result));
    });

    timer->start(m_timeoutMs);
    job->start();
}

void CredentialStore::deliver(const std::shared_ptr<PendingJob> &pending, Op op, KeychainResult result)
{
    if (pending->delivered)
        return;
    pending->delivered = true;
    if (pending->timer)
        pending->timer->deleteLater();
    if (result.ok()) {
        qCDebug(lcSecrets).noquote() << "keychain" << opName(op) << "of" << result.entry << "done";
    } else {
        result.message = userMessage(result.error, result.entry);
        // The backend's text names entries and services, never values.
        if (result.error == KeychainError::NotFound)
            qCInfo(lcSecrets).noquote()
                << "keychain" << opName(op) << "of" << result.entry << ": no such entry";
        else
            qCWarning(lcSecrets).noquote() << "keychain" << opName(op) << "of" << result.entry
                                           << "failed:" << int(result.error) << result.detail;
    }
    pending->callback(std::move(result));
}

void CredentialStore::checkLocked(const std::shared_ptr<PendingJob> &pending, Op op, KeychainResult result)
{
#ifdef PK_HAVE_SECRET_SERVICE
    // org.freedesktop.Secret.Service.SearchItems(attributes) -> (unlocked, locked) object paths, with the
    // attributes QtKeychain's libsecret backend stores: `server` = service name, `user` = entry name.
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("SearchItems"));
    static const QMetaType registered = qDBusRegisterMetaType<QMap<QString, QString>>();
    Q_UNUSED(registered)
    const QMap<QString, QString> attributes{{QStringLiteral("server"), serviceName()},
                                            {QStringLiteral("user"), result.entry}};
    call << QVariant::fromValue(attributes);
    auto *watcher =
        new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call, m_timeoutMs), this);
    auto held = std::make_shared<KeychainResult>(std::move(result));
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, pending, op, held](QDBusPendingCallWatcher *w) {
                w->deleteLater();
                const QDBusPendingReply<QList<QDBusObjectPath>, QList<QDBusObjectPath>> reply = *w;
                // No answer (no Secret Service, another backend): the job's own result stands.
                if (!reply.isError() && !reply.argumentAt<1>().isEmpty()) {
                    held->secret.clear();
                    held->error = KeychainError::Locked;
                    held->detail = tr("The entry is in a locked keyring collection.");
                }
                deliver(pending, op, std::move(*held));
            });
#else
    deliver(pending, op, std::move(result));
#endif
}

} // namespace pk
