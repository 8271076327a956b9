#pragma once

#include "domain/profile.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace pk {

/// The saved profiles and a few app settings, in QSettings ("Portkey", "Portkey Key Manager"). Holds no
/// secret: a profile's API key and cache key live in the OS keychain under entry names derived from its id
/// (CredentialStore::apiKeyEntry(), cacheKeyEntry()), and no base URL that could carry one
/// (baseUrlProblem()). Profile names are unique (case-insensitive), also across processes: every change takes
/// a lock file beside the settings file (`<settings file>.profiles.lock`, QLockFile) and re-reads the file
/// before checking, so two programs adding the same name at once cannot both succeed.
class ProfileStore
{
public:
    /// Uses the default QSettings location for ("Portkey", "Portkey Key Manager").
    ProfileStore();
    /// Uses the INI file at `settingsPath` (for tests and `--config`).
    explicit ProfileStore(const QString &settingsPath);
    ~ProfileStore();
    ProfileStore(const ProfileStore &) = delete;
    ProfileStore &operator=(const ProfileStore &) = delete;

    /// The settings file's path (for diagnostics).
    QString fileName() const;

    /// The one check of a profile's base URL, used by add(), update(), the CLI and the ConnectDialog: empty
    /// when `url` is an absolute http(s) URL with a host and without user info, query or fragment;
    /// otherwise one sentence for the user. A URL such as `https://alice:pw@host/v1` or
    /// `https://host/v1?x-portkey-api-key=…` would put a secret into the settings file and into listings,
    /// so it is refused; the message never repeats the URL. (Whether plain http is allowed is the Admin
    /// API client's rule: AdminApiClient::setBaseUrl().)
    static QString baseUrlProblem(const QString &url);

    /// How long a change waits for another process's lock on the settings file, in ms (default 5000).
    /// After it, add(), update() and remove() fail with a message naming the lock file.
    void setLockTimeoutMs(int ms);

    /// All profiles, sorted by name (case-insensitive).
    QList<Profile> profiles() const;
    std::optional<Profile> profile(const QString &id) const;
    std::optional<Profile> profileByName(const QString &name) const;

    /// Adds `profile` and writes the settings file. An empty id is replaced by a new uuid (without
    /// braces). Fails with `error` when the name is empty or taken (also by another process just now), the
    /// id exists, the base URL is refused by baseUrlProblem(), the lock is held elsewhere beyond the lock
    /// timeout, or the file cannot be written. Returns the stored profile's id, empty on failure.
    QString add(Profile profile, QString *error = nullptr);
    /// Replaces the profile with the same id and writes the settings file. Fails (under the same lock as
    /// add()) when it does not exist, the new name is taken or the base URL is refused.
    bool update(const Profile &profile, QString *error = nullptr);
    /// Removes the profile (and clears lastUsed when it pointed at it) and writes the settings file.
    /// Returns false when unknown or when the lock or the write fails. The caller removes the keychain
    /// entries and the cache file first.
    bool remove(const QString &id, QString *error = nullptr);

    /// The id of the profile used last; empty when none or when it no longer exists.
    QString lastUsed() const;
    void setLastUsed(const QString &id);

    /// Seconds after which a copied secret is cleared from the clipboard (default 30; stored and returned
    /// clamped to 5–600).
    int clipboardClearDelaySeconds() const;
    void setClipboardClearDelaySeconds(int seconds);
    /// Days before expiry from which a key is flagged as expiring (default 7; clamped to 0–365).
    int expiryWarningDays() const;
    void setExpiryWarningDays(int days);

    /// Writes pending changes to disk; returns false when the file cannot be written.
    bool sync();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace pk
