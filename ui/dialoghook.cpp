#include "dialoghook.h"

#include <QPointer>

namespace pk::ui {

namespace {
DialogHook &hookStorage()
{
    static DialogHook hook;
    return hook;
}
} // namespace

void setDialogHook(DialogHook hook)
{
    hookStorage() = std::move(hook);
}

DialogHook dialogHook()
{
    return hookStorage();
}

void openDialog(QDialog *dialog, std::function<void(int result)> onFinished)
{
    Q_ASSERT(dialog);
    QObject::connect(dialog, &QDialog::finished, dialog, [dialog, onFinished](int result) {
        // A dialog finishes once; later finished() emissions (e.g. done() called twice) are ignored.
        if (dialog->property("pkFinished").toBool())
            return;
        dialog->setProperty("pkFinished", true);
        if (onFinished)
            onFinished(result);
        dialog->deleteLater();
    });
    const DialogHook hook = hookStorage();
    if (hook) {
        const int result = hook(dialog);
        QPointer<QDialog> guard(dialog);
        if (result != kDialogStaysOpen && guard && !guard->property("pkFinished").toBool())
            guard->done(result);
        return;
    }
    dialog->open();
}

} // namespace pk::ui
