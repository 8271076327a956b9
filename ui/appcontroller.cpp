#include "appcontroller.h"

#include "connectdialog.h"
#include "dialoghook.h"
#include "logging.h"
#include "mainwindow.h"

#include "secrets/credentialstore.h"
#include "storage/profilestore.h"
#include "sync/sandboxlauncher.h"
#include "sync/session.h"

#include <QApplication>
#include <QImage>
#include <QPixmap>
#include <QPointer>
#include <QTimer>
#include <QUuid>

#include <optional>

namespace pk::ui {

namespace {
/// How long `--screenshot` waits for the first sync before giving up, in ms.
constexpr int kScreenshotTimeoutMs = 90000;
} // namespace

struct AppController::Private
{
    StartOptions options;
    std::unique_ptr<Session> session;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<SandboxLauncher> sandbox;
    std::unique_ptr<CredentialStore> credentials;
    bool firstSyncSeen = false;
    bool hasFailed = false;
    /// QGuiApplication::quitOnLastWindowClosed() as found by start(), restored once the main window shows.
    std::optional<bool> quitOnLastWindowClosed;
    QTimer screenshotTimeout;

    /// Puts back the application's quit-on-last-window rule that start() suspended.
    void restoreQuitOnLastWindowClosed()
    {
        if (quitOnLastWindowClosed)
            QApplication::setQuitOnLastWindowClosed(*quitOnLastWindowClosed);
        quitOnLastWindowClosed.reset();
    }
};

AppController::AppController(const StartOptions &options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->options = options;
    d->session = std::make_unique<Session>();
    d->credentials = std::make_unique<CredentialStore>();
    d->screenshotTimeout.setSingleShot(true);
    connect(&d->screenshotTimeout, &QTimer::timeout, this, [this] {
        if (!d->firstSyncSeen)
            fail(tr("No first sync within %1 s: the keychain or the server did not answer. Check that a "
                    "Secret Service (gnome-keyring or KWallet) is running and unlocked.")
                     .arg(kScreenshotTimeoutMs / 1000),
                 5);
    });
    connect(d->session.get(), &Session::syncFinished, this, [this](const ApiError &error, const SyncDiff &) {
        firstSyncFinished(!error.isError(), error.userText());
    });
    connect(d->session.get(), &Session::openFailed, this,
            [this](const QString &error, const QString &remedy, bool) {
                firstSyncFinished(false, remedy.isEmpty() ? error : tr("%1 %2").arg(error, remedy));
            });
}

AppController::~AppController()
{
    d->restoreQuitOnLastWindowClosed();
    // The window refers to the session; close it first.
    d->window.reset();
    d->session->close();
}

MainWindow *AppController::mainWindow() const
{
    return d->window.get();
}

Session *AppController::session() const
{
    return d->session.get();
}

SandboxLauncher *AppController::sandbox() const
{
    return d->sandbox.get();
}

void AppController::start()
{
    // Between the first-run dialog closing and the main window showing no window is visible (the keychain
    // write and the sandbox start are asynchronous); the default rule would quit the app right there, with
    // the key not yet stored. Start-up ends through the main window, failed() or cancelled() instead.
    if (!d->quitOnLastWindowClosed) {
        d->quitOnLastWindowClosed = QApplication::quitOnLastWindowClosed();
        QApplication::setQuitOnLastWindowClosed(false);
    }
    if (!d->options.screenshotPath.isEmpty())
        d->screenshotTimeout.start(kScreenshotTimeoutMs);
    if (d->options.sandbox) {
        startSandbox(d->options.persona);
        return;
    }
    chooseProfile();
}

void AppController::chooseProfile()
{
    ProfileStore store;
    const QList<Profile> profiles = store.profiles();
    if (!d->options.profileName.isEmpty()) {
        const std::optional<Profile> named = store.profileByName(d->options.profileName);
        if (!named) {
            QStringList names;
            for (const Profile &p : profiles)
                names.append(p.name);
            fail(names.isEmpty()
                     ? tr("No profile named \"%1\": no profile exists yet. Start without --profile to "
                          "connect.")
                           .arg(d->options.profileName)
                     : tr("No profile named \"%1\". Known profiles: %2.")
                           .arg(d->options.profileName, names.join(QLatin1String(", "))),
                 2);
            return;
        }
        named->isSandbox() ? startSandbox(named->persona) : openProfile(*named);
        return;
    }
    std::optional<Profile> chosen = store.profile(store.lastUsed());
    if (!chosen && !profiles.isEmpty())
        chosen = profiles.first();
    if (!chosen) {
        if (!d->options.screenshotPath.isEmpty()) {
            fail(tr("No profile to render: connect once first, or add --sandbox."), 2);
            return;
        }
        showConnectDialog({});
        return;
    }
    // A sandbox profile's server lived in the previous process: start a new one for the same persona.
    chosen->isSandbox() ? startSandbox(chosen->persona) : openProfile(*chosen);
}

void AppController::showConnectDialog(const QString &error)
{
    auto *dialog = new ConnectDialog;
    dialog->setWindowIcon(QIcon(QStringLiteral(":/icons/app.svg")));
    dialog->showError(error);
    openDialog(dialog, [this, dialog](int result) {
        if (result != QDialog::Accepted) {
            emit cancelled();
            return;
        }
        if (dialog->target() == ConnectDialog::Target::Sandbox) {
            startSandbox({});
            return;
        }
        Profile profile;
        profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        profile.name = dialog->profileName();
        profile.baseUrl = dialog->baseUrl();
        profile.email = dialog->email();
        QByteArray key = dialog->connectionKey().toUtf8();
        dialog->clearConnectionKey();
        // The key goes to the keychain first and the profile is saved only after that succeeded, so a
        // saved profile always has its key (an interrupted start-up leaves at most an unused entry).
        d->credentials->write(CredentialStore::apiKeyEntry(profile.id), key,
                              [this, profile](KeychainResult written) { keyStored(profile, written); });
        key.fill('\0');
    });
}

void AppController::keyStored(Profile profile, const KeychainResult &written)
{
    if (!written.ok()) {
        qCWarning(lcUi) << "keychain write failed for new profile" << profile.id;
        showConnectDialog(
            tr("The API key could not be stored in the system keychain: %1").arg(written.message));
        return;
    }
    ProfileStore store;
    QString problem;
    const QString id = store.add(profile, &problem);
    if (id.isEmpty()) {
        // Nothing may stay half set up: drop the stored key, ask again with the reason.
        d->credentials->remove(CredentialStore::apiKeyEntry(profile.id), [](const KeychainResult &) {});
        showConnectDialog(problem);
        return;
    }
    profile.id = id;
    qCInfo(lcUi) << "profile" << profile.id << "added with its key in the keychain";
    openProfile(profile);
}

void AppController::startSandbox(const QString &persona)
{
    d->sandbox = std::make_unique<SandboxLauncher>();
    d->sandbox->start(persona, [this](const QString &error, const Profile &profile) {
        if (!error.isEmpty()) {
            fail(tr("Cannot start the sandbox: %1").arg(error), 3);
            return;
        }
        openProfile(profile);
    });
}

void AppController::openProfile(const Profile &profile)
{
    {
        ProfileStore store;
        if (store.profile(profile.id))
            store.setLastUsed(profile.id);
    }
    if (!d->window) {
        d->window = std::make_unique<MainWindow>(d->session.get());
        if (!d->options.screenshotPath.isEmpty())
            d->window->resize(1280, 800);
        d->window->show();
        // From now on closing the main window ends the app, as usual.
        d->restoreQuitOnLastWindowClosed();
    }
    d->window->setWindowTitle(tr("%1 — Portkey Key Manager").arg(profile.name));
    qCInfo(lcUi) << "opening profile" << profile.id;
    d->session->open(profile);
}

void AppController::firstSyncFinished(bool ok, const QString &error)
{
    if (d->firstSyncSeen)
        return;
    d->firstSyncSeen = true;
    d->screenshotTimeout.stop();
    emit ready(ok);
    if (d->options.screenshotPath.isEmpty())
        return;
    if (!ok) {
        fail(tr("The first sync failed, so no screenshot was taken: %1").arg(error), 3);
        return;
    }
    // Let the window lay out the new rows before rendering it.
    QTimer::singleShot(100, this, [this] { saveScreenshot(); });
}

void AppController::fail(const QString &message, int exitCode)
{
    if (d->hasFailed)
        return;
    d->hasFailed = true;
    d->screenshotTimeout.stop();
    qCWarning(lcUi) << "start-up failed:" << message;
    emit failed(message, exitCode);
}

void AppController::saveScreenshot()
{
    if (!d->window) {
        fail(tr("No window to render."), 4);
        return;
    }
    const QPixmap pixmap = d->window->grab();
    if (pixmap.isNull() || !pixmap.save(d->options.screenshotPath, "PNG")) {
        fail(tr("Cannot write the screenshot to %1: check that the folder exists and is writable.")
                 .arg(d->options.screenshotPath),
             4);
        return;
    }
    emit screenshotSaved(d->options.screenshotPath);
}

} // namespace pk::ui
