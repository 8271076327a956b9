#pragma once

#include "domain/profile.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace pk {

/// The saved profiles and a few app settings, in QSettings ("Portkey", "Portkey Key Manager"). Holds no
/// secret: a profile's API key and cache key live in the OS keychain under entry names derived from its id
/// (CredentialStore::apiKeyEntry(), cacheKeyEntry()). Profile names are unique (case-insensitive).
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

    /// All profiles, sorted by name (case-insensitive).
    QList<Profile> profiles() const;
    std::optional<Profile> profile(const QString &id) const;
    std::optional<Profile> profileByName(const QString &name) const;

    /// Adds `profile`. An empty id is replaced by a new uuid (without braces). Fails with `error` when the
    /// name is empty or taken, the id exists, or the base URL is not an http(s) URL. Returns the stored
    /// profile's id, empty on failure.
    QString add(Profile profile, QString *error = nullptr);
    /// Replaces the profile with the same id. Fails when it does not exist or the new name is taken.
    bool update(const Profile &profile, QString *error = nullptr);
    /// Removes the profile (and clears lastUsed when it pointed at it). Returns false when unknown.
    /// The caller removes the keychain entries and the cache file.
    bool remove(const QString &id);

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
