#include "secrets/processhardening.h"

#include <QStringList>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_LINUX)
#include <sys/prctl.h>
#include <sys/resource.h>
#elif defined(Q_OS_UNIX)
#include <sys/resource.h>
#elif defined(Q_OS_WIN)
#include <windows.h>
#endif

namespace pk {

namespace {

#ifdef Q_OS_UNIX
QString osError(const char *step)
{
    return QString(QLatin1String(step) + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno)));
}
#endif

} // namespace

bool hardenProcess(QString *error)
{
    QStringList failures;
#ifdef Q_OS_UNIX
    const rlimit none{0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        failures.append(osError("setrlimit(RLIMIT_CORE, 0)"));
#endif
#ifdef Q_OS_LINUX
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        failures.append(osError("prctl(PR_SET_DUMPABLE, 0)"));
#endif
#ifdef Q_OS_WIN
    SetErrorMode(GetErrorMode() | SEM_NOGPFAULTERRORBOX);
#endif
    if (!failures.isEmpty()) {
        if (error != nullptr)
            *error = failures.join(QStringLiteral("; "));
        return false;
    }
    return true;
}

bool coreDumpsDisabled()
{
#ifdef Q_OS_UNIX
    rlimit current{};
    if (getrlimit(RLIMIT_CORE, &current) != 0 || current.rlim_cur != 0)
        return false;
#ifdef Q_OS_LINUX
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
#else
    return true;
#endif
#else
    return false;
#endif
}

} // namespace pk
