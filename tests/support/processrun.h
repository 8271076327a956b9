#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

class QTemporaryDir;

namespace pktest {

/// What a finished child process left: its exit code (-1 when it did not start, crashed or was killed after
/// the timeout) and everything it wrote to stdout and stderr.
struct ProcessResult
{
    int code = -1;
    QByteArray out;
    QByteArray err;

    /// stdout parsed as JSON; a null document when it is not JSON.
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    /// True when stderr is exactly one line starting with "error: ".
    bool oneErrorLine() const
    {
        return err.startsWith("error: ") && err.endsWith('\n') && err.count('\n') == 1;
    }
};

/// The system environment with HOME at `home` and XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_CACHE_HOME in its
/// `config`, `data` and `cache` folders, without QT_LOGGING_RULES, so a child process touches nothing of the
/// user's and logs only its defaults.
QProcessEnvironment privateHomeEnvironment(const QTemporaryDir &home);

/// Starts `program` with `args` and `env`, writes `input` to its stdin and closes it, and waits at most
/// `timeoutMs` milliseconds for it to end while spinning this process's event loop (so a SandboxServer
/// living here keeps answering); a process still running then is killed. Never throws.
ProcessResult runProcess(const QString &program, const QStringList &args, const QByteArray &input,
                         const QProcessEnvironment &env, int timeoutMs = 60000);

/// Test-case check (QVERIFY2) that `program` exists, that a D-Bus session bus is present (the project's test
/// command provides one with an unlocked gnome-keyring) and that `home` is usable. Call it from
/// initTestCase() and return when QTest::currentTestFailed() is then true.
void verifyProcessPrerequisites(const QString &program, const QTemporaryDir &home);

} // namespace pktest
