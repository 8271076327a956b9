#include "storage/profilestore.h"

#include <QLoggingCategory>
#include <QSettings>
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

bool isHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return url.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https")) &&
           !url.host().isEmpty();
}

} // namespace

class ProfileStore::Private
{
public:
    explicit Private(QSettings *s) : settings(s) {}
    std::unique_ptr<QSettings> settings;

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
        if (!isHttpUrl(p.baseUrl)) {
            setError(error, QObject::tr("\"%1\" is not an http(s) URL; enter the control plane's base URL, "
                                        "e.g. %2.")
                                .arg(p.baseUrl, portkeyCloudUrl()));
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
    if (profile(p.id)) {
        setError(error, QObject::tr("A profile with id %1 exists already.").arg(p.id));
        return QString();
    }
    if (!d->validate(p, error))
        return QString();
    p.name = p.name.trimmed();
    d->write(p);
    qCInfo(lcStorage).noquote() << "added profile" << p.id << p.name;
    return p.id;
}

bool ProfileStore::update(const Profile &p, QString *error)
{
    if (!profile(p.id)) {
        setError(error, QObject::tr("There is no profile with id %1.").arg(p.id));
        return false;
    }
    if (!d->validate(p, error))
        return false;
    Profile stored = p;
    stored.name = p.name.trimmed();
    d->write(stored);
    qCInfo(lcStorage).noquote() << "updated profile" << p.id << stored.name;
    return true;
}

bool ProfileStore::remove(const QString &id)
{
    if (!profile(id))
        return false;
    d->settings->remove(QString(profilesGroup + QLatin1Char('/') + id));
    if (d->settings->value(keyLastUsed).toString() == id)
        d->settings->remove(keyLastUsed);
    qCInfo(lcStorage).noquote() << "removed profile" << id;
    return true;
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
