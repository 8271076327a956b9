#pragma once

#include "secrets/secretbuffer.h"

#include <QString>

namespace pk {

/// The one check every Portkey API key typed, pasted or piped into the app passes before it is stored in
/// the keychain or sent as the `x-portkey-api-key` header (openapi.yaml security scheme `Portkey-Key`):
/// the CLI's `profile add`, the ConnectDialog and the "Enter new key" flow.
///
/// trimApiKey() first removes surrounding whitespace (spaces, tabs, CR, LF: a trailing newline from
/// `echo` or a paste). apiKeyProblem() then refuses an empty key, any control character (C0, DEL, C1:
/// a CR/LF inside a key would end the HTTP header and start another), any whitespace inside the key
/// and any character outside visible ASCII (RFC 9110 §5.5 field values; Portkey keys are visible ASCII).
/// It returns empty when the key is usable, otherwise one sentence for the user that never quotes the key.

/// Removes leading and trailing ASCII whitespace (space, \t, \r, \n, \v, \f) from `key` in place; the
/// dropped bytes are wiped.
void trimApiKey(SecretBuffer &key);
/// Same for a key held in a QString (a line edit's text); the old buffer is wiped.
void trimApiKey(QString &key);

/// Empty when `key` (UTF-8 bytes, already trimmed) is a usable API key; otherwise the reason.
QString apiKeyProblem(const SecretBuffer &key);
/// Same for a key held in a QString.
QString apiKeyProblem(const QString &key);

} // namespace pk
