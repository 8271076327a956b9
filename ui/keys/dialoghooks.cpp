#include "dialoghooks.h"

#include <QAbstractButton>

namespace pk::ui {

void askQuestion(QMessageBox *box, QObject *context, std::function<void(int)> done)
{
    if (DialogHooks::question) {
        const int answer = DialogHooks::question(box);
        box->deleteLater();
        done(answer);
        return;
    }
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    // The connection dies with `context`, so `done` never runs on a destroyed owner.
    QObject::connect(box, &QMessageBox::finished, context, [box, done]() {
        QAbstractButton *clicked = box->clickedButton();
        done(clicked ? int(box->standardButton(clicked)) : int(QMessageBox::NoButton));
    });
    box->open();
}

} // namespace pk::ui
