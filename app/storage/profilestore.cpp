#include "storage/profilestore.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QLoggingCategory>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>
#include <QUuid>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

namespace pk {

namespace {

const QLatin1String profilesGroup("profiles");
const QLatin1String keyName("name");
const QLatin1String keyBaseUrl("baseUrl");
const QLatin1String keyEmail("email");
const QLatin1String keyPersona("persona");
const QLatin1String keyLastUsed("lastUsed");
const QLatin1String keyClipboardDelay("settings/clipboardClearDelaySeconds");
const QLatin1String keyExpiryDays("settings/expiryWarningDays");

constexpr int defaultClipboardDelay = 30;
constexpr int minClipboardDelay = 5;
constexpr int maxClipboardDelay = 600;
constexpr int defaultExpiryDays = 7;
constexpr int maxExpiryDays = 365;

QString profileKey(const QString &id, QLatin1String field)
{
    return QString(profilesGroup + QLatin1Char('/') + id + QLatin1Char('/') + field);
}

void setError(QString *error, const QString &text)
{
    if (error != nullptr)
        *error = text;
}

} // namespace

class ProfileStore::Private
{
public:
    explicit Private(QSettings *s) : settings(s) {}
    std::unique_ptr<QSettings> settings;
    int lockTimeoutMs = 5000;

    QString lockPath() const
    {
        const QFileInfo file(settings->fileName());
        if (file.isAbsolute()) // an INI or .conf file (Linux, --config, tests)
            return QString(file.absoluteFilePath() + QStringLiteral(".profiles.lock"));
        // The Windows registry or macOS defaults: a lock file in the app's config folder.
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
        QDir().mkpath(dir);
        return QDir(dir).filePath(QStringLiteral("profiles.lock"));
    }

    // Runs `change` while holding the cross-process lock, between a re-read of the settings file and a
    // write of it. `change` returns false (with `error` set) to write nothing.
    template <typename Change> bool locked(QString *error, Change change)
    {
        QDir().mkpath(QFileInfo(lockPath()).absolutePath());
        QLockFile lock(lockPath());
        lock.setStaleLockTime(30000);
        if (!lock.tryLock(lockTimeoutMs)) {
            setError(error,
                     QObject::tr("Another Portkey Key Manager is changing the profiles (lock file %1); "
                                 "try again in a moment.")
                         .arg(lockPath()));
            return false;
        }
        settings->sync(); // re-read what other processes wrote
        if (!change())
            return false;
        settings->sync();
        if (settings->status() != QSettings::NoError) {
            setError(error, QObject::tr("The settings file %1 could not be written. Check its folder's "
                                        "permissions.")
                                .arg(settings->fileName()));
            return false;
        }
        return true;
    }

    void write(const Profile &p)
    {
        settings->setValue(profileKey(p.id, keyName), p.name);
        settings->setValue(profileKey(p.id, keyBaseUrl), p.baseUrl);
        settings->setValue(profileKey(p.id, keyEmail), p.email);
        settings->setValue(profileKey(p.id, keyPersona), p.persona);
    }

    // The id of another profile named `name` (case-insensitive), or empty.
    QString nameOwner(const QString &name, const QString &exceptId) const
    {
        settings->beginGroup(profilesGroup);
        const QStringList ids = settings->childGroups();
        settings->endGroup();
        for (const QString &id : ids) {
            if (id == exceptId)
                continue;
            const QString other = settings->value(profileKey(id, keyName)).toString();
            if (other.compare(name, Qt::CaseInsensitive) == 0)
                return id;
        }
        return QString();
    }

    bool validate(const Profile &p, QString *error) const
    {
        if (p.name.trimmed().isEmpty()) {
            setError(error, QObject::tr("A profile needs a name."));
            return false;
        }
        if (const QString problem = baseUrlProblem(p.baseUrl); !problem.isEmpty()) {
            setError(error, problem);
            return false;
        }
        if (!nameOwner(p.name.trimmed(), p.id).isEmpty()) {
            setError(error, QObject::tr("A profile named \"%1\" exists already; choose another name.")
                                .arg(p.name.trimmed()));
            return false;
        }
        return true;
    }
};

ProfileStore::ProfileStore()
    : d(std::make_unique<Private>(
          new QSettings(QStringLiteral("Portkey"), QStringLiteral("Portkey Key Manager"))))
{}

ProfileStore::ProfileStore(const QString &settingsPath)
    : d(std::make_unique<Private>(new QSettings(settingsPath, QSettings::IniFormat)))
{}

ProfileStore::~ProfileStore() = default;

QString ProfileStore::fileName() const
{
    return d->settings->fileName();
}

QString ProfileStore::baseUrlProblem(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty())
        return QObject::tr(
                   "The server URL is not an http(s) URL; enter the control plane's base URL, e.g. %1.")
            .arg(portkeyCloudUrl());
    if (!url.userInfo().isEmpty() || text.contains(QLatin1Char('@')))
        return QObject::tr("The server URL contains a user name or password (user:password@); remove it. "
                           "The API key is entered separately and kept in the system keychain.");
    if (url.hasQuery() || url.hasFragment())
        return QObject::tr(
                   "The server URL contains a query (?…) or fragment (#…), which could carry a secret "
                   "into the settings file; enter only the base URL, e.g. %1.")
            .arg(portkeyCloudUrl());
    return QString();
}

void ProfileStore::setLockTimeoutMs(int ms)
{
    d->lockTimeoutMs = ms;
}

QList<Profile> ProfileStore::profiles() const
{
    d->settings->beginGroup(profilesGroup);
    const QStringList ids = d->settings->childGroups();
    d->settings->endGroup();
    QList<Profile> result;
    for (const QString &id : ids) {
        if (auto p = profile(id))
            result.append(*p);
    }
    std::sort(result.begin(), result.end(), [](const Profile &a, const Profile &b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return result;
}

std::optional<Profile> ProfileStore::profile(const QString &id) const
{
    if (id.isEmpty() || !d->settings->contains(profileKey(id, keyName)))
        return std::nullopt;
    Profile p;
    p.id = id;
    p.name = d->settings->value(profileKey(id, keyName)).toString();
    p.baseUrl = d->settings->value(profileKey(id, keyBaseUrl)).toString();
    p.email = d->settings->value(profileKey(id, keyEmail)).toString();
    p.persona = d->settings->value(profileKey(id, keyPersona)).toString();
    return p;
}

std::optional<Profile> ProfileStore::profileByName(const QString &name) const
{
    const QString id = d->nameOwner(name.trimmed(), QString());
    return id.isEmpty() ? std::nullopt : profile(id);
}

QString ProfileStore::add(Profile p, QString *error)
{
    if (p.id.isEmpty())
        p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (p.id.contains(QLatin1Char('/')) || p.id.contains(QLatin1Char('\\'))) {
        setError(error, QObject::tr("A profile id cannot contain slashes."));
        return QString();
    }
    p.baseUrl = p.baseUrl.trimmed();
    const bool added = d->locked(error, [this, &p, error] {
        if (profile(p.id)) {
            setError(error, QObject::tr("A profile with id %1 exists already.").arg(p.id));
            return false;
        }
        if (!d->validate(p, error))
            return false;
        p.name = p.name.trimmed();
        d->write(p);
        return true;
    });
    if (!added)
        return QString();
    qCInfo(lcStorage).noquote() << "added profile" << p.id << p.name;
    return p.id;
}

bool ProfileStore::update(const Profile &p, QString *error)
{
    Profile stored = p;
    stored.name = p.name.trimmed();
    stored.baseUrl = p.baseUrl.trimmed();
    const bool updated = d->locked(error, [this, &stored, error] {
        if (!profile(stored.id)) {
            setError(error, QObject::tr("There is no profile with id %1.").arg(stored.id));
            return false;
        }
        if (!d->validate(stored, error))
            return false;
        d->write(stored);
        return true;
    });
    if (updated)
        qCInfo(lcStorage).noquote() << "updated profile" << p.id << stored.name;
    return updated;
}

bool ProfileStore::remove(const QString &id, QString *error)
{
    const bool removed = d->locked(error, [this, &id, error] {
        if (!profile(id)) {
            setError(error, QObject::tr("There is no profile with id %1.").arg(id));
            return false;
        }
        d->settings->remove(QString(profilesGroup + QLatin1Char('/') + id));
        if (d->settings->value(keyLastUsed).toString() == id)
            d->settings->remove(keyLastUsed);
        return true;
    });
    if (removed)
        qCInfo(lcStorage).noquote() << "removed profile" << id;
    return removed;
}

QString ProfileStore::lastUsed() const
{
    const QString id = d->settings->value(keyLastUsed).toString();
    return profile(id) ? id : QString();
}

void ProfileStore::setLastUsed(const QString &id)
{
    if (id.isEmpty())
        d->settings->remove(keyLastUsed);
    else
        d->settings->setValue(keyLastUsed, id);
}

int ProfileStore::clipboardClearDelaySeconds() const
{
    bool ok = false;
    const int value = d->settings->value(keyClipboardDelay, defaultClipboardDelay).toInt(&ok);
    return ok ? std::clamp(value, minClipboardDelay, maxClipboardDelay) : defaultClipboardDelay;
}

void ProfileStore::setClipboardClearDelaySeconds(int seconds)
{
    d->settings->setValue(keyClipboardDelay, std::clamp(seconds, minClipboardDelay, maxClipboardDelay));
}

int ProfileStore::expiryWarningDays() const
{
    bool ok = false;
    const int value = d->settings->value(keyExpiryDays, defaultExpiryDays).toInt(&ok);
    return ok ? std::clamp(value, 0, maxExpiryDays) : defaultExpiryDays;
}

void ProfileStore::setExpiryWarningDays(int days)
{
    d->settings->setValue(keyExpiryDays, std::clamp(days, 0, maxExpiryDays));
}

bool ProfileStore::sync()
{
    d->settings->sync();
    return d->settings->status() == QSettings::NoError;
}

} // namespace pk
