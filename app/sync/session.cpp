#include "sync/session.h"

#include "access/accesspolicy.h"
#include "access/principal.h"
#include "access/principalresolver.h"
#include "portkey/adminapiclient.h"
#include "secrets/credentialstore.h"
#include "storage/cachestore.h"
#include "storage/cacheworker.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QUrl>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace pk {

namespace {

ApiError localError(ApiError::Kind kind, const QString &message)
{
    ApiError e;
    e.kind = kind;
    e.message = message;
    return e;
}

ApiError notOpenError()
{
    return localError(
        ApiError::Kind::Invalid,
        Session::tr("No profile is open. Open a profile (or start with --sandbox), then retry."));
}

/// A `Result` (CreateKeyResult or KeyWriteResult) reporting notOpenError(), with the error's text as its
/// message.
template <typename Result> Result notOpenResult()
{
    Result result;
    result.error = notOpenError();
    result.message = result.error.message;
    return result;
}

/// A deep copy of the secret's bytes for APIs that keep a QByteArray (never a view into the buffer).
QByteArray ownedCopy(const SecretBuffer &secret)
{
    return QByteArray(secret.data(), secret.size());
}

} // namespace

struct Session::Private
{
    CredentialStore credentials;
    /// The cache, on a thread of its own: opening, loading and writing never block this thread.
    std::unique_ptr<CacheWorker> cache;
    /// rebuildCache() starts a sync once the recreated cache is open.
    bool syncAfterOpen = false;
    /// requestSync() during a running sync: one more sync once it finishes.
    bool syncAgain = false;
    std::unique_ptr<SyncEngine> engine;
    CacheSnapshot snapshot;
    access::Principal principal;
    /// Held only while opening or while the cache is unreadable (rebuildCache() needs them); cleared
    /// once the session is open.
    SecretBuffer apiKey;
    SecretBuffer cacheKey;
    /// First and last two characters of the connection secret, to recognise the profile's own key.
    QString keyHead;
    QString keyTail;
    /// Incremented by open() and close(): keychain answers for an older generation are ignored.
    quint64 generation = 0;
    /// Held while a profile's first cache key is made and its cache file created, so that two processes
    /// opening a new profile at once agree on one key instead of each writing its own.
    std::unique_ptr<QLockFile> firstUseLock;

    void upsertInSnapshot(const ApiKey &key)
    {
        for (ApiKey &k : snapshot.keys) {
            if (k.id == key.id) {
                k = key;
                return;
            }
        }
        snapshot.keys.append(key);
    }
};

Session::Session(QObject *parent) : QObject(parent), d(std::make_unique<Private>()) {}

Session::~Session()
{
    teardown();
}

const CacheSnapshot &Session::snapshot() const
{
    return d->snapshot;
}

const access::Principal &Session::principal() const
{
    return d->principal;
}

QDateTime Session::lastSyncedAtUtc() const
{
    return d->snapshot.syncedAtUtc;
}

bool Session::isSyncing() const
{
    return d->engine && d->engine->isRunning();
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void Session::close()
{
    teardown();
    setState(State::Closed);
}

void Session::teardown()
{
    ++d->generation;
    d->firstUseLock.reset();
    if (d->engine) {
        d->engine->disconnect(this);
        d->engine->cancel();
    }
    d->engine.reset();
    if (m_client) {
        m_client->disconnect(this);
        m_client->cancelAll();
    }
    m_client.reset();
    d->cache.reset(); // finishes the cache's queued writes (a cancelled sync's write rolls back) and joins
    d->syncAfterOpen = false;
    d->syncAgain = false;
    d->apiKey.clear();
    d->cacheKey.clear();
    d->keyHead.clear();
    d->keyTail.clear();
    d->snapshot = CacheSnapshot{};
    d->principal = access::Principal{};
}

void Session::failOpen(State state, const QString &error, const QString &remedy, bool canRebuild)
{
    d->firstUseLock.reset();
    qCWarning(lcSync) << "opening profile" << m_profile.id << "failed:" << error;
    setState(state);
    emit openFailed(error, remedy, canRebuild);
}

void Session::open(const Profile &profile)
{
    close();
    m_profile = profile;
    setState(State::Opening);
    const quint64 gen = d->generation;
    qCInfo(lcSync) << "opening profile" << profile.id;
    d->credentials.read(CredentialStore::apiKeyEntry(profile.id), [this, gen](KeychainResult r) {
        if (gen != d->generation)
            return;
        if (!r.ok()) {
            if (r.error == KeychainError::NotFound)
                return failOpen(
                    State::Failed,
                    tr("No API key is stored in the keychain for profile “%1”.").arg(m_profile.name),
                    tr("Store this profile's API key again: “Enter key…” in the app, or `profile "
                       "set-key` on the command line."),
                    false);
            return failOpen(State::Failed, r.message, tr("Fix the keychain, then open the profile again."),
                            false);
        }
        d->apiKey = std::move(r.secret);
        readCacheKey();
    });
}

void Session::readCacheKey()
{
    const quint64 gen = d->generation;
    const QString entry = CredentialStore::cacheKeyEntry(m_profile.id);
    d->credentials.read(entry, [this, gen, entry](KeychainResult r) {
        if (gen != d->generation)
            return;
        if (r.ok()) {
            d->cacheKey = std::move(r.secret);
            return openCache();
        }
        if (r.error != KeychainError::NotFound)
            return failOpen(State::Failed, r.message, tr("Fix the keychain, then open the profile again."),
                            false);
        // First use of this profile (or its cache key is gone): a new key. An existing file that the new
        // key cannot read is then reported by openCache() with the offer to rebuild; it is never deleted.
        // Another process may be doing the same right now: under a lock beside the cache file, look again
        // before making a key, and keep the lock until the file exists.
        if (!d->firstUseLock) {
            const QString path = CacheStore::defaultPath(m_profile.id);
            QDir().mkpath(QFileInfo(path).absolutePath());
            d->firstUseLock = std::make_unique<QLockFile>(path + QStringLiteral(".keylock"));
            if (!d->firstUseLock->tryLock(10000))
                return failOpen(State::Failed, tr("Another program is setting up this profile's cache."),
                                tr("Wait for it to finish, then open the profile again."), false);
            return readCacheKey();
        }
        d->cacheKey = CacheStore::newKey();
        d->credentials.write(entry, d->cacheKey, [this, gen](KeychainResult w) {
            if (gen != d->generation)
                return;
            if (!w.ok())
                return failOpen(State::Failed, w.message,
                                tr("The cache key could not be stored; fix the keychain, then retry."),
                                false);
            openCache();
        });
    });
}

void Session::openCache()
{
    const QString path = CacheStore::defaultPath(m_profile.id);
    if (!d->cache)
        d->cache = std::make_unique<CacheWorker>();
    const quint64 gen = d->generation;
    // Opening (PRAGMA quick_check reads every page) and loading a large cache take seconds: both run on
    // the cache's thread.
    d->cache->open(path, d->cacheKey.clone(), this, [this, gen, path](const CacheWorker::Opened &opened) {
        d->firstUseLock.reset(); // the file now exists with the key in the keychain
        if (gen != d->generation)
            return;
        const CacheOpenError &error = opened.error;
        if (error.kind != CacheError::None) {
            if (error.canRebuild)
                return failOpen(State::CacheProblem, error.message,
                                tr("Rebuild the cache from the server: the unreadable file is kept aside, "
                                   "not deleted."),
                                true);
            return failOpen(State::Failed, error.message,
                            tr("Check the folder %1, then retry.").arg(QFileInfo(path).absolutePath()),
                            false);
        }
        if (!opened.loadError.isEmpty())
            qCWarning(lcSync) << "cache of profile" << m_profile.id
                              << "partly unreadable:" << opened.loadError;
        d->snapshot = opened.snapshot;
        finishOpen();
    });
}

void Session::finishOpen()
{
    auto client = std::make_unique<AdminApiClient>();
    const ApiError urlError = client->setBaseUrl(QUrl(m_profile.baseUrl));
    if (urlError.isError()) {
        d->cache.reset();
        return failOpen(State::Failed, urlError.userText(),
                        tr("Edit the profile's URL: it must be https, or http on this computer."), false);
    }
    client->setApiKey(ownedCopy(d->apiKey));
    connect(client.get(), &AdminApiClient::unauthorized, this, &Session::credentialRejected);
    m_client = std::move(client);

    access::ResolverInput hint;
    hint.setKeyHint(d->apiKey.view());
    d->keyHead = hint.keyHead;
    d->keyTail = hint.keyTail;

    d->engine = std::make_unique<SyncEngine>(m_client.get(), d->cache.get(), m_profile);
    d->engine->setKeyHint(d->apiKey.view());
    connect(d->engine.get(), &SyncEngine::progress, this, &Session::syncProgress);
    connect(d->engine.get(), &SyncEngine::finished, this, &Session::onSyncFinished);
    d->apiKey.clear();
    d->cacheKey.clear();

    // d->snapshot was loaded by openCache().
    d->principal = access::Principal::fromStateJson(d->snapshot.principal);
    if (d->principal.email.isEmpty())
        d->principal.email = m_profile.email;
    qCInfo(lcSync) << "profile" << m_profile.id << "open;" << d->snapshot.keys.size() << "keys cached, synced"
                   << d->snapshot.syncedAtUtc.toString(Qt::ISODate);
    setState(State::Open);
    emit opened();
    emit snapshotChanged();
    emit principalChanged();
    if (std::exchange(d->syncAfterOpen, false))
        sync();
}

void Session::rebuildCache()
{
    if (m_state != State::CacheProblem || d->cacheKey.isEmpty() || !d->cache)
        return;
    // A cache key of the wrong length (CacheStore::newKey() makes 32 bytes) opens no file, so a rebuild
    // with it would fail the same way every time: a new key goes to the keychain first.
    if (d->cacheKey.size() != 32) {
        auto fresh = std::make_shared<SecretBuffer>(CacheStore::newKey());
        const quint64 gen = d->generation;
        qCInfo(lcSync) << "cache key of profile" << m_profile.id
                       << "unusable; replacing it before the rebuild";
        d->credentials.write(CredentialStore::cacheKeyEntry(m_profile.id), *fresh,
                             [this, gen, fresh](KeychainResult w) {
                                 if (gen != d->generation)
                                     return;
                                 if (!w.ok())
                                     return failOpen(State::Failed, w.message,
                                                     tr("The new cache key could not be stored; fix the "
                                                        "keychain, then retry."),
                                                     false);
                                 d->cacheKey = std::move(*fresh);
                                 rebuildCache();
                             });
        return;
    }
    setState(State::Opening);
    const QString path = CacheStore::defaultPath(m_profile.id);
    const quint64 gen = d->generation;
    d->cache->moveAsideAndRecreate(path, d->cacheKey.clone(), this, [this, gen, path](const QString &error) {
        if (gen != d->generation)
            return;
        if (!error.isEmpty())
            return failOpen(State::Failed, error,
                            tr("Check the folder %1, then retry.").arg(QFileInfo(path).absolutePath()),
                            false);
        qCInfo(lcSync) << "cache of profile" << m_profile.id << "moved aside and recreated";
        d->syncAfterOpen = true;
        openCache();
    });
}

bool Session::sync()
{
    if (m_state != State::Open || !d->engine || d->engine->isRunning())
        return false;
    d->engine->start();
    emit syncStarted();
    return true;
}

bool Session::requestSync()
{
    if (m_state != State::Open || !d->engine)
        return false;
    if (d->engine->isRunning()) {
        d->syncAgain = true;
        return true;
    }
    return sync();
}

void Session::cancelSync()
{
    d->syncAgain = false;
    if (d->engine)
        d->engine->cancel();
}

void Session::onSyncFinished(const ApiError &error, const SyncDiff &diff)
{
    if (!error.isError()) {
        d->snapshot = d->engine->takeSnapshot();
        access::Principal principal = access::Principal::fromStateJson(d->snapshot.principal);
        // Refusals learned during this session still hold, unless the profile now acts with another key.
        if (principal.keyId == d->principal.keyId)
            principal.learnedMissingScopes.unite(d->principal.learnedMissingScopes);
        if (principal.email.isEmpty())
            principal.email = m_profile.email;
        const bool principalDiffers = !(principal == d->principal);
        d->principal = principal;
        emit snapshotChanged();
        if (principalDiffers)
            emit principalChanged();
    }
    const QPointer<Session> alive(this);
    emit syncFinished(error, diff);
    if (!alive)
        return;
    // A write confirmed while this sync ran may be missing from what it read: read once more.
    if (std::exchange(d->syncAgain, false) && error.kind != ApiError::Kind::Cancelled)
        sync();
}

bool Session::isOwnCredential(const QString &keyId) const
{
    if (keyId.isEmpty())
        return false;
    if (keyId == d->principal.keyId)
        return true;
    if (!d->principal.keyId.isEmpty() || d->keyHead.isEmpty())
        return false;
    // The principal did not identify the key: fall back to a unique masked-form match in the cache.
    const QList<ApiKey> matches =
        access::PrincipalResolver::matchMasked(d->snapshot.keys, d->keyHead, d->keyTail);
    return matches.size() == 1 && matches.first().id == keyId;
}

void Session::learnDenial(KeyType type, access::KeyVerb verb, const ApiError &error)
{
    if (!error.isForbidden())
        return;
    const std::optional<access::Action> action = access::keyAction(type, verb);
    if (!action)
        return;
    const QString scope = access::learnDenial(d->principal, *action, error.httpStatus, error.code);
    if (!scope.isEmpty()) {
        qCInfo(lcSync) << "learned missing scope" << scope << "for profile" << m_profile.id;
        emit principalChanged();
    }
}

QString Session::learnDenial(access::Action action, const ApiError &error)
{
    if (!error.isForbidden() || m_state != State::Open)
        return {};
    const bool known = d->principal.learnedMissingScopes.contains(access::requiredScope(action));
    const QString scope = access::learnDenial(d->principal, action, error.httpStatus, error.code);
    if (!scope.isEmpty() && !known) {
        qCInfo(lcSync) << "learned missing scope" << scope << "for profile" << m_profile.id;
        emit principalChanged();
    }
    return scope;
}

void Session::learnKeyDenial(const QString &keyId, access::KeyVerb verb, const ApiError &error)
{
    for (const ApiKey &k : std::as_const(d->snapshot.keys)) {
        if (k.id == keyId) {
            learnDenial(k.keyType(), verb, error);
            return;
        }
    }
}

void Session::storeConfirmedKey(const ApiKey &key)
{
    d->cache->upsertKey(key, this, [id = key.id](const QString &error) {
        if (!error.isEmpty())
            qCWarning(lcSync) << "key" << id << "could not be written to the cache:" << error;
    });
    d->upsertInSnapshot(key);
    emit snapshotChanged();
}

void Session::createKey(const ApiKeyDraft &draft, std::function<void(const CreateKeyResult &)> done)
{
    if (m_state != State::Open)
        return done(notOpenResult<CreateKeyResult>());
    const quint64 gen = d->generation;
    m_client->createApiKey(draft, [this, gen, draft, done](const ApiResult<IssuedSecret> &r) {
        if (gen != d->generation)
            return;
        CreateKeyResult result;
        if (r.ok()) {
            result.outcome = CreateKeyResult::Outcome::Created;
            result.keyId = r.value.id;
            result.secret = r.value;
            result.message =
                tr("Key “%1” created. Its secret is shown only once: copy it now.").arg(draft.name);
            qCInfo(lcSync) << "key" << r.value.id << "created";
            m_client->getApiKey(r.value.id, [this, gen, result, done](const ApiResult<ApiKey> &g) {
                if (gen != d->generation)
                    return;
                CreateKeyResult final = result;
                if (g.ok())
                    storeConfirmedKey(g.value);
                else
                    final.message += QLatin1Char(' ') + tr("It is not listed yet; sync to see it.");
                done(final);
            });
            return;
        }
        result.error = r.error;
        // A lost reply, a timeout, or a success status whose body did not parse: the server may have
        // created the key. Anything else is a refusal and nothing was created.
        if (!r.error.writeMayHaveApplied()) {
            learnDenial(draft.keyType, access::KeyVerb::Create, r.error);
            result.outcome = CreateKeyResult::Outcome::NotCreated;
            result.message = r.error.userText();
            return done(result);
        }
        // The reply was lost: the key may exist. Never re-send the POST; re-list and look for it.
        qCWarning(lcSync) << "create reply lost; re-listing keys of workspace" << draft.workspaceId;
        QSet<QString> known;
        for (const ApiKey &k : std::as_const(d->snapshot.keys))
            known.insert(k.id);
        m_client->listApiKeys(
            draft.workspaceId, [this, gen, draft, known, result, done](const ApiResult<QList<ApiKey>> &l) {
                if (gen != d->generation)
                    return;
                CreateKeyResult final = result;
                if (!l.ok()) {
                    final.outcome = CreateKeyResult::Outcome::Unknown;
                    final.message = tr("The server's answer was lost and the keys could not be re-listed, so "
                                       "it is unknown whether “%1” was created. Sync before trying again.")
                                        .arg(draft.name);
                    return done(final);
                }
                for (const ApiKey &k : l.value) {
                    if (k.name == draft.name && k.keyType() == draft.keyType && !known.contains(k.id)) {
                        final.outcome = CreateKeyResult::Outcome::CreatedWithoutSecret;
                        final.keyId = k.id;
                        final.message = tr("Key “%1” was created, but its secret was not received. Rotate "
                                           "it to get a secret.")
                                            .arg(draft.name);
                        storeConfirmedKey(k);
                        return done(final);
                    }
                }
                final.outcome = CreateKeyResult::Outcome::NotCreated;
                final.message = tr("The server's answer was lost, and no key “%1” appeared: nothing was "
                                   "created. You can try again.")
                                    .arg(draft.name);
                done(final);
            });
    });
}

void Session::revokeKeys(const QStringList &ids, std::function<void(const RevokeKeysResult &)> done)
{
    if (m_state != State::Open || ids.isEmpty()) {
        RevokeKeysResult result;
        result.failedIds = ids;
        result.error = m_state != State::Open ? notOpenError()
                                              : localError(ApiError::Kind::Invalid, tr("No key to revoke."));
        return done(result);
    }
    struct Pending
    {
        QStringList ids;
        QHash<QString, ApiError> errors;
        QStringList deleted;
        int remaining = 0;
    };
    auto pending = std::make_shared<Pending>();
    pending->ids = ids;
    pending->remaining = int(ids.size());
    const quint64 gen = d->generation;

    auto relist = [this, gen, pending, done]() {
        m_client->listApiKeys(QString(), [this, gen, pending, done](const ApiResult<QList<ApiKey>> &l) {
            if (gen != d->generation)
                return;
            RevokeKeysResult result;
            result.errors = pending->errors;
            QSet<QString> present;
            QStringList absent;
            if (l.ok()) {
                for (const ApiKey &k : l.value)
                    present.insert(k.id);
                // Gone from the list and not refused by the server: revoked (a lost DELETE reply counts
                // once the list confirms it). An id the server refused stays a failure with its error.
                for (const QString &id : std::as_const(pending->ids)) {
                    const bool refused = pending->errors.value(id).kind == ApiError::Kind::Http;
                    if (!present.contains(id))
                        absent.append(id);
                    (present.contains(id) || refused ? result.failedIds : result.revokedIds).append(id);
                }
            } else {
                // The server confirmed each successful DELETE with 200; only those count as gone.
                result.revokedIds = pending->deleted;
                for (const QString &id : std::as_const(pending->ids)) {
                    if (!pending->deleted.contains(id))
                        result.failedIds.append(id);
                }
                result.error = l.error;
            }
            if (!l.ok())
                absent = result.revokedIds;
            if (!absent.isEmpty()) {
                d->cache->removeKeys(absent, this, [](const QString &error) {
                    if (!error.isEmpty())
                        qCWarning(lcSync) << "revoked keys could not be removed from the cache:" << error;
                });
                const QSet<QString> gone(absent.cbegin(), absent.cend());
                d->snapshot.keys.removeIf([&gone](const ApiKey &k) { return gone.contains(k.id); });
                emit snapshotChanged();
            }
            if (!result.error.isError() && !result.failedIds.isEmpty()) {
                const QString first = result.failedIds.first();
                result.error = pending->errors.value(
                    first,
                    localError(ApiError::Kind::Invalid,
                               tr("Key %1 is still listed by the server after revoking it.").arg(first)));
            }
            qCInfo(lcSync) << "revoked" << result.revokedIds << "failed" << result.failedIds;
            done(result);
        });
    };

    for (const QString &id : ids) {
        m_client->deleteApiKey(id, [this, gen, id, pending, relist](const ApiResult<bool> &r) {
            if (gen != d->generation)
                return;
            if (r.ok()) {
                pending->deleted.append(id);
            } else {
                pending->errors.insert(id, r.error);
                learnKeyDenial(id, access::KeyVerb::Delete, r.error);
            }
            if (--pending->remaining == 0)
                relist();
        });
    }
}

void Session::updateKey(const QString &id, const QJsonObject &changes,
                        std::function<void(const KeyWriteResult &)> done)
{
    if (m_state != State::Open)
        return done(notOpenResult<KeyWriteResult>());
    const quint64 gen = d->generation;
    m_client->updateApiKey(id, changes, [this, gen, id, done](const ApiResult<bool> &r) {
        if (gen != d->generation)
            return;
        KeyWriteResult result;
        if (!r.ok()) {
            learnKeyDenial(id, access::KeyVerb::Update, r.error);
            result.error = r.error;
            if (!r.error.writeMayHaveApplied()) {
                result.message = r.error.userText();
                return done(result);
            }
            // The change may have been applied: show what the server holds now, never a guess.
            qCWarning(lcSync) << "update reply for key" << id << "lost; reading the key back";
            result.message = tr("Portkey's reply to the change was lost or unreadable, so it may or may not "
                                "have been applied. The key as the server now has it is read back: check it "
                                "before changing it again.");
        }
        refreshKey(id, std::move(result), done);
    });
}

void Session::refreshKey(const QString &id, KeyWriteResult result,
                         std::function<void(const KeyWriteResult &)> done)
{
    const quint64 gen = d->generation;
    m_client->getApiKey(id, [this, gen, result, done](const ApiResult<ApiKey> &g) {
        if (gen != d->generation)
            return;
        KeyWriteResult final = result;
        if (g.ok())
            storeConfirmedKey(g.value);
        else
            final.message = QString(final.message + QLatin1Char(' ') +
                                    tr("The new state could not be read back; sync to see it."))
                                .trimmed();
        done(final);
    });
}

void Session::rotateKey(const QString &id, std::optional<qint64> transitionPeriodMs,
                        std::function<void(const KeyWriteResult &)> done)
{
    if (m_state != State::Open)
        return done(notOpenResult<KeyWriteResult>());
    const quint64 gen = d->generation;
    const bool own = isOwnCredential(id);
    m_client->rotateApiKey(
        id, transitionPeriodMs, [this, gen, id, own, done](const ApiResult<IssuedSecret> &r) {
            if (gen != d->generation)
                return;
            KeyWriteResult result;
            if (!r.ok()) {
                learnKeyDenial(id, access::KeyVerb::Rotate, r.error);
                result.error = r.error;
                if (r.error.kind == ApiError::Kind::Http && r.error.httpStatus == 409) {
                    // Rotating again is blocked until the previous secret expires (ADMIN-API.md §9).
                    result.message = r.error.withServerMessage(
                        tr("This key is still in the transition period of an earlier rotation, so it cannot "
                           "be rotated now. Rotate it again after the transition period ends."));
                    return done(result);
                }
                if (!r.error.writeMayHaveApplied()) {
                    result.message = r.error.userText();
                    return done(result);
                }
                // Never re-sent: a second rotation would be refused during the transition period anyway.
                qCWarning(lcSync) << "rotate reply for key" << id << "lost; reading the key back";
                result.message =
                    own ? tr("This profile's own key may have been rotated, but Portkey's reply with the new "
                             "secret was lost. If it was, the secret this profile uses stops working when "
                             "the transition period ends: rotate it again after the transition period ends "
                             "(with another Admin key if needed), or replace this profile's key.")
                        : tr("The key may have been rotated, but Portkey's reply with the new secret was "
                             "lost. If it was, its previous secret keeps working until the transition "
                             "period ends; rotate it again after the transition period ends to get a new "
                             "secret.");
                return refreshKey(id, std::move(result), done);
            }
            result.secret = r.value;
            qCInfo(lcSync) << "key" << id << "rotated";
            if (!own) {
                result.message = tr("Key rotated. Its new secret is shown only once: copy it now.");
                return refreshKey(id, std::move(result), done);
            }
            // The profile's own credential: the keychain gets the new secret before anything else, then the
            // client switches to it (the old secret stops working when the transition period ends).
            d->credentials.write(
                CredentialStore::apiKeyEntry(m_profile.id), r.value.secret,
                [this, gen, id, result, done](KeychainResult w) {
                    if (gen != d->generation)
                        return;
                    KeyWriteResult final = result;
                    m_client->setApiKey(
                        QByteArray(final.secret.secret.constData(), final.secret.secret.size()));
                    d->engine->setKeyHint(final.secret.secret);
                    access::ResolverInput hint;
                    hint.setKeyHint(final.secret.secret);
                    d->keyHead = hint.keyHead;
                    d->keyTail = hint.keyTail;
                    if (w.ok()) {
                        final.message = tr("This profile's own key was rotated; the new secret "
                                           "is stored in the keychain and in use.");
                    } else {
                        final.error = localError(ApiError::Kind::Invalid, w.message);
                        final.message = tr("This profile's own key was rotated, but the new secret could not "
                                           "be stored in the keychain (%1). Copy it now and add the profile "
                                           "again with it: the old secret stops working when the transition "
                                           "period ends.")
                                            .arg(w.message);
                    }
                    refreshKey(id, std::move(final), done);
                });
        });
}

} // namespace pk
