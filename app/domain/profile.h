#pragma once

#include <QString>

namespace pk {

/// A connection to one Portkey control plane. Holds no secret: the connection key lives in the OS
/// keychain under an entry named after `id` (see secrets/CredentialStore).
struct Profile
{
    QString id;      ///< stable uuid (without braces); names the keychain entries and the cache file
    QString name;    ///< display name, unique among profiles
    QString baseUrl; ///< e.g. `https://api.portkey.ai/v1`; ends in the API version segment
    QString email;   ///< optional: the human behind the profile, for role look-ups
    QString persona; ///< for sandbox profiles: the seeded persona's name; empty otherwise

    bool isSandbox() const { return !persona.isEmpty(); }
    bool operator==(const Profile &o) const
    {
        return id == o.id && name == o.name && baseUrl == o.baseUrl && email == o.email &&
               persona == o.persona;
    }
};

/// Portkey Cloud's control-plane base URL (openapi.yaml `ControlPlaneServers`, L13–27).
inline QString portkeyCloudUrl()
{
    return QStringLiteral("https://api.portkey.ai/v1");
}

} // namespace pk
