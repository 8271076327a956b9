#pragma once

#include <QDialog>

#include <functional>

namespace pk::ui {

/// Answers a dialog instead of a person. Tests install one so no dialog ever waits for input: it is called
/// with the fully set-up dialog (fields may be filled in or inspected) and returns the result code
/// (QDialog::Accepted, QDialog::Rejected, or any custom code) that the dialog then finishes with.
using DialogHook = std::function<int(QDialog *)>;

/// A hook's answer meaning "leave the dialog open": the dialog finishes on its own later (e.g. a form
/// whose accept() starts a server request and closes when the server answers).
inline constexpr int kDialogStaysOpen = -1;

/// Installs `hook` for every later openDialog() call; an empty function restores normal behaviour.
void setDialogHook(DialogHook hook);

/// The hook installed by setDialogHook(), or an empty function.
DialogHook dialogHook();

/// Shows `dialog` window-modally without a nested event loop (QDialog::open()) and calls `onFinished`
/// exactly once with the result code when it finishes. With a hook installed the hook answers instead and,
/// unless it returns kDialogStaysOpen, `onFinished` runs before this function returns. The dialog is deleted
/// (deleteLater) after `onFinished` returns, so callers read its fields inside `onFinished` only.
void openDialog(QDialog *dialog, std::function<void(int result)> onFinished);

} // namespace pk::ui
