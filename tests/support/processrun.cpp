#include "processrun.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace pktest {

QProcessEnvironment privateHomeEnvironment(const QTemporaryDir &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    return env;
}

ProcessResult runProcess(const QString &program, const QStringList &args, const QByteArray &input,
                         const QProcessEnvironment &env, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program, args);
    ProcessResult r;
    if (!process.waitForStarted(timeoutMs))
        return r;
    process.write(input);
    process.closeWriteChannel();
    // Spin this process's event loop while waiting: the SandboxServer of some tests lives here.
    if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; }, timeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    r.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

void verifyProcessPrerequisites(const QString &program, const QTemporaryDir &home)
{
    QVERIFY2(QFile::exists(program), qPrintable(program));
    QVERIFY2(
        !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
        "no D-Bus session bus: run the tests through the project's test command (dbus-run-session with an "
        "unlocked gnome-keyring)");
    QVERIFY(home.isValid());
}

} // namespace pktest
