#include "connectdialog.h"

#include "domain/profile.h"
#include "secrets/apikeytext.h"
#include "storage/profilestore.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QUrl>
#include <QVBoxLayout>

namespace pk::ui {

namespace {
/// Makes `dialog` tall enough for its layout at its current width: the word-wrapped error line needs more
/// height than the dialog opened with, and without growing the form rows get squeezed and cut off.
void growToFit(QDialog *dialog)
{
    QLayout *layout = dialog->layout();
    layout->activate();
    const int needed = layout->hasHeightForWidth() ? layout->totalHeightForWidth(dialog->width())
                                                   : layout->totalSizeHint().height();
    if (dialog->height() < needed)
        dialog->resize(dialog->width(), needed);
}

bool isLoopbackHost(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}
} // namespace

ConnectDialog::ConnectDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect to Portkey"));

    auto *intro = new QLabel(tr("Choose the Portkey control plane to manage. The connection key is kept in "
                                "your system keychain only, never in a file."),
                             this);
    intro->setWordWrap(true);

    m_cloud = new QRadioButton(tr("Portkey Cloud (%1)").arg(portkeyCloudUrl()), this);
    m_cloud->setObjectName(QStringLiteral("connectCloud"));
    m_selfHosted = new QRadioButton(tr("Self-hosted control plane"), this);
    m_selfHosted->setObjectName(QStringLiteral("connectSelfHosted"));
    m_sandbox = new QRadioButton(tr("Try the sandbox (a local demo organisation, no account needed)"), this);
    m_sandbox->setObjectName(QStringLiteral("connectSandbox"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_cloud);
    group->addButton(m_selfHosted);
    group->addButton(m_sandbox);
    m_cloud->setChecked(true);

    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("connectUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://portkey.example.com/v1"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("connectName"));
    m_name->setPlaceholderText(tr("Portkey Cloud"));
    m_email = new QLineEdit(this);
    m_email->setObjectName(QStringLiteral("connectEmail"));
    m_email->setPlaceholderText(tr("optional: you@example.com, to look up your roles"));
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("connectKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("Admin API key or workspace key"));
    m_key->setClearButtonEnabled(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Server URL:"), m_url);
    form->addRow(tr("Profile name:"), m_name);
    form->addRow(tr("Your e-mail:"), m_email);
    form->addRow(tr("API key:"), m_key);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("connectError"));
    m_error->setTextFormat(Qt::PlainText); // server and keychain text
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: palette(highlighted-text); background: #b3261e;"
                                          " padding: 6px; border-radius: 3px;"));
    m_error->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("connectButtons"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_cloud);
    layout->addWidget(m_selfHosted);
    layout->addWidget(m_sandbox);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(group, &QButtonGroup::buttonToggled, this, [this] { updateFields(); });
    updateFields();
    resize(520, sizeHint().height());
}

ConnectDialog::~ConnectDialog()
{
    clearConnectionKey();
}

ConnectDialog::Target ConnectDialog::target() const
{
    if (m_sandbox->isChecked())
        return Target::Sandbox;
    if (m_selfHosted->isChecked())
        return Target::SelfHosted;
    return Target::Cloud;
}

QString ConnectDialog::baseUrl() const
{
    switch (target()) {
    case Target::Cloud:
        return portkeyCloudUrl();
    case Target::SelfHosted: {
        QString url = m_url->text().trimmed();
        while (url.endsWith(QLatin1Char('/')))
            url.chop(1);
        return url;
    }
    case Target::Sandbox:
        break;
    }
    return {};
}

QString ConnectDialog::profileName() const
{
    const QString typed = m_name->text().trimmed();
    if (!typed.isEmpty())
        return typed;
    switch (target()) {
    case Target::Cloud:
        return tr("Portkey Cloud");
    case Target::SelfHosted:
        return QUrl(baseUrl()).host();
    case Target::Sandbox:
        break;
    }
    return tr("Sandbox");
}

QString ConnectDialog::email() const
{
    return m_email->text().trimmed();
}

QString ConnectDialog::connectionKey() const
{
    return target() == Target::Sandbox ? QString() : m_key->text().trimmed();
}

void ConnectDialog::clearConnectionKey()
{
    // Overwrite before clearing so the typed text does not linger in the widget's buffer.
    m_key->setText(QString(m_key->text().size(), QLatin1Char('\0')));
    m_key->clear();
}

void ConnectDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        growToFit(this);
}

QString ConnectDialog::validationError() const
{
    if (target() == Target::Sandbox)
        return {};
    if (target() == Target::SelfHosted) {
        const QUrl url(baseUrl(), QUrl::StrictMode);
        if (baseUrl().isEmpty() || !url.isValid() || url.host().isEmpty())
            return tr("Enter the control plane's URL, e.g. https://portkey.example.com/v1.");
        const bool https = url.scheme() == QLatin1String("https");
        const bool loopbackHttp = url.scheme() == QLatin1String("http") && isLoopbackHost(url.host());
        if (!https && !loopbackHttp)
            return tr("The URL must start with https:// (plain http is allowed for localhost only), so the "
                      "key is never sent unencrypted.");
        // No user info, query or fragment: the URL is saved in the settings file (ProfileStore's rule).
        if (const QString problem = ProfileStore::baseUrlProblem(baseUrl()); !problem.isEmpty())
            return problem;
    }
    QString key = connectionKey();
    if (key.isEmpty())
        return tr("Paste the API key to connect with: an Admin API key (organisation settings → API keys) "
                  "or a workspace key.");
    // The same check as the CLI's `profile add`: no line break can reach the request header.
    const QString keyProblem = apiKeyProblem(key);
    wipe(key);
    return keyProblem;
}

void ConnectDialog::accept()
{
    const QString problem = validationError();
    if (!problem.isEmpty()) {
        showError(problem);
        return;
    }
    showError({});
    QDialog::accept();
}

void ConnectDialog::updateFields()
{
    const Target t = target();
    m_url->setEnabled(t == Target::SelfHosted);
    m_name->setEnabled(t != Target::Sandbox);
    m_email->setEnabled(t != Target::Sandbox);
    m_key->setEnabled(t != Target::Sandbox);
    m_name->setPlaceholderText(t == Target::SelfHosted ? tr("e.g. the host name") : tr("Portkey Cloud"));
    m_buttons->button(QDialogButtonBox::Ok)
        ->setText(t == Target::Sandbox ? tr("Start sandbox") : tr("Connect"));
    showError({});
}

} // namespace pk::ui
