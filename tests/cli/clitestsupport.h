#pragma once

// The start shared by the CLI tests that drive a SandboxServer of their own: an "Owner" profile holding the
// owner persona's Admin API key, synced once.

#include "processrun.h"
#include "sandbox/sandboxserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <memory>

namespace pktest {

/// Test-case check (QVERIFY): starts a SandboxServer on 127.0.0.1 in `*server`, then adds the profile "Owner"
/// for its owner persona with the CLI at `program` in `env` (the key on stdin, never argv) and syncs it. Call
/// it from initTestCase() and return when QTest::currentTestFailed() is then true.
inline void startSandboxWithOwnerProfile(const QString &program, const QProcessEnvironment &env,
                                         std::unique_ptr<pk::sandbox::SandboxServer> *server)
{
    *server = std::make_unique<pk::sandbox::SandboxServer>();
    QVERIFY((*server)->listen());
    const pk::sandbox::Persona owner = *(*server)->persona(QStringLiteral("owner"));
    ProcessResult r = runProcess(program,
                                 {QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("--name"),
                                  QStringLiteral("Owner"), QStringLiteral("--url"),
                                  (*server)->baseUrl().toString(), QStringLiteral("--email"), owner.email},
                                 owner.apiKey.toUtf8(), env);
    QVERIFY2(r.code == 0, r.err.constData());
    r = runProcess(program, {QStringLiteral("sync"), QStringLiteral("--profile"), QStringLiteral("Owner")},
                   {}, env);
    QVERIFY2(r.code == 0, r.err.constData());
}

/// Test-case check (QVERIFY2): removes the profile "Owner" (and its keychain entry) with the CLI at
/// `program`.
inline void removeOwnerProfile(const QString &program, const QProcessEnvironment &env)
{
    const ProcessResult r = runProcess(
        program, {QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("Owner")}, {}, env);
    QVERIFY2(r.code == 0, r.err.constData());
}

/// How many requests other than GET `server` recorded: the writes that reached it.
inline int writesSeen(const pk::sandbox::SandboxServer &server)
{
    int n = 0;
    for (const pk::sandbox::RecordedRequest &r : server.recordedRequests())
        n += r.method != QLatin1String("GET") ? 1 : 0;
    return n;
}

/// The object of `array` whose `field` is `value` (case-insensitive); empty when there is none.
inline QJsonObject findIn(const QJsonArray &array, const QString &field, const QString &value)
{
    for (const QJsonValue &v : array) {
        if (v.toObject().value(field).toString().compare(value, Qt::CaseInsensitive) == 0)
            return v.toObject();
    }
    return {};
}

} // namespace pktest
