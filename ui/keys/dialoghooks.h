#pragma once

#include <QMessageBox>

#include <functional>

namespace pk::ui {

/// Test hooks for the questions the key dialogs ask (close a secret unseen, confirm a 0 limit). GUI tests
/// set `question` to answer them without an event loop: when set, it is called with the fully prepared
/// box (title, text, buttons, default button) instead of showing it, and its return value (a
/// QMessageBox::StandardButton) is taken as the answer. Production code leaves it empty. The KeePassXC
/// `tests/gui/TestGui.cpp` habit (ARCHITECTURE.md habit 11).
namespace DialogHooks {
inline std::function<int(QMessageBox *)> question;
} // namespace DialogHooks

/// Asks `box` without blocking: through DialogHooks::question when set, otherwise window-modal with
/// QMessageBox::open(). `done` receives the clicked QMessageBox::StandardButton (QMessageBox::NoButton
/// when the box was dismissed) exactly once; `box` is deleted afterwards. `context` guards the callback:
/// if it is destroyed first, `done` is not called.
void askQuestion(QMessageBox *box, QObject *context, std::function<void(int)> done);

} // namespace pk::ui
