#pragma once

#include <QString>

namespace pk {

/// Keeps secrets held in this process's memory (API keys, cache keys) out of crash dumps. Call it first
/// thing in main() of every program that handles secrets (the desktop app and the CLI).
///
/// Linux: `prctl(PR_SET_DUMPABLE, 0)` (no core file, no ptrace attach by other processes of the same user,
/// /proc/<pid>/mem unreadable to them) and `setrlimit(RLIMIT_CORE, 0)` (no core file even where the
/// dumpable flag is restored, e.g. after an exec of a set-id program). macOS: `setrlimit(RLIMIT_CORE, 0)`
/// and `ptrace(PT_DENY_ATTACH)` is NOT used (it breaks crash reporters and debuggers of the user). Windows:
/// `SetErrorMode(SEM_NOGPFAULTERRORBOX)` so Windows Error Reporting shows no dialog; WER's own dump
/// collection is configured per machine and cannot be switched off from inside the process.
///
/// Returns true when every step applied on this platform succeeded; otherwise false and, when `error` is
/// given, which step failed with the OS error text (the process keeps running either way). Logs nothing:
/// it runs before logging is set up, so the caller reports a failure where it sees fit.
bool hardenProcess(QString *error = nullptr);

/// True when this process can no longer write a core file: RLIMIT_CORE is 0 and (Linux) the process is not
/// dumpable. Always false on platforms without those controls. For tests and `--verbose` diagnostics.
bool coreDumpsDisabled();

} // namespace pk
