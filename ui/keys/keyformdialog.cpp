#include "keyformdialog.h"

#include "dialoghooks.h"
#include "domain/scopes.h"
#include "keyfieldeditors.h"
#include "logging.h"
#include "scopepicker.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace pk::ui {

namespace {

QLabel *makeMessageLabel(QWidget *parent, const QString &objectName, const QString &style)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setStyleSheet(style);
    label->hide();
    return label;
}

const QString kErrorStyle = QStringLiteral("color: #b3261e;");

} // namespace

KeyFormDialog::KeyFormDialog(const QString &acceptText, QWidget *parent) : QDialog(parent)
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("keyFormTabs"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("keyName"));
    m_name->setPlaceholderText(tr("e.g. search-backend-prod"));
    m_description = new QLineEdit(this);
    m_description->setObjectName(QStringLiteral("keyDescription"));
    m_description->setPlaceholderText(tr("optional"));
    m_expiry = new ExpiryEditor(this);
    m_scopes = new ScopePicker(this);
    m_scopes->setObjectName(QStringLiteral("scopePicker"));
    m_rateLimits = new RateLimitsEditor(this);
    m_rateLimits->setObjectName(QStringLiteral("rateLimits"));
    m_usage = new UsageLimitEditor(this);
    m_usage->setObjectName(QStringLiteral("usageLimit"));
    m_rotation = new RotationPolicyEditor(this);
    m_rotation->setObjectName(QStringLiteral("rotationPolicy"));
    m_alertEmails = new QLineEdit(this);
    m_alertEmails->setObjectName(QStringLiteral("alertEmails"));
    m_alertEmails->setPlaceholderText(tr("ops@example.com, finance@example.com"));
    m_metadata = new QPlainTextEdit(this);
    m_metadata->setObjectName(QStringLiteral("defaultMetadata"));
    m_metadata->setPlaceholderText(tr("{\"team\": \"search\"}"));
    m_metadata->setTabChangesFocus(true);
    m_metadata->setFixedHeight(m_metadata->fontMetrics().lineSpacing() * 4 + 12);
    m_metadata->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_configId = new QLineEdit(this);
    m_configId->setObjectName(QStringLiteral("defaultConfigId"));
    m_configId->setPlaceholderText(tr("optional, e.g. pc-default-1a2b3c"));

    m_keyForm = addPage(tr("Key"));
    addField(m_keyForm, tr("Name"), m_name, KeyField::Name);
    addField(m_keyForm, tr("Description"), m_description, KeyField::Description);
    addField(m_keyForm, tr("Expiry"), m_expiry, KeyField::ExpiresAt);
    addField(m_keyForm, tr("Scopes"), m_scopes, KeyField::Scopes);

    QFormLayout *limits = addPage(tr("Limits"));
    addField(limits, tr("Rate limits"), m_rateLimits, KeyField::RateLimits);
    addField(limits, tr("Usage limit"), m_usage, KeyField::UsageLimits);
    auto *limitsNote = new QLabel(tr("An empty field means no limit. A limit of 0 blocks all traffic through "
                                     "the key."),
                                  this);
    limitsNote->setWordWrap(true);
    limitsNote->setEnabled(false);
    limits->addRow(limitsNote);

    QFormLayout *more = addPage(tr("Rotation and defaults"));
    addField(more, tr("Rotation"), m_rotation, KeyField::RotationPolicy);
    addField(more, tr("Alert e-mails"), m_alertEmails, KeyField::AlertEmails);
    addField(more, tr("Default metadata"), m_metadata, KeyField::Metadata);
    addField(more, tr("Default config id"), m_configId, KeyField::ConfigId);

    m_warnings = makeMessageLabel(this, QStringLiteral("leastPrivilegeWarnings"),
                                  QStringLiteral("color: #7a5200; background: #fff4d6; padding: 6px; "
                                                 "border: 1px solid #e8c66a; border-radius: 3px;"));
    m_error = makeMessageLabel(this, QStringLiteral("formError"), kErrorStyle);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(acceptText);
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("acceptButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_warnings);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
}

KeyFormDialog::~KeyFormDialog() = default;

QFormLayout *KeyFormDialog::addPage(const QString &title)
{
    auto *page = new QWidget(m_tabs);
    auto *form = new QFormLayout(page);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    m_tabs->addTab(page, title);
    return form;
}

void KeyFormDialog::addField(QFormLayout *form, const QString &label, QWidget *editor, const QString &field,
                             int row)
{
    auto *box = new QWidget(form->parentWidget());
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    editor->setParent(box);
    v->addWidget(editor);
    QLabel *message = makeMessageLabel(box, QStringLiteral("error_") + field, kErrorStyle);
    v->addWidget(message);
    if (label.isEmpty())
        form->insertRow(row, box);
    else
        form->insertRow(row, label, box);
    m_errorLabels.insert(field, message);
    m_fieldEditors.insert(field, editor);
    m_fieldForms.insert(field, form);
    watchEdits(editor, field);
}

void KeyFormDialog::watchEdits(QWidget *editor, const QString &field)
{
    const auto edited = [this, field] {
        fieldEdited(field);
    };
    if (auto *line = qobject_cast<QLineEdit *>(editor))
        connect(line, &QLineEdit::textChanged, this, edited);
    else if (auto *text = qobject_cast<QPlainTextEdit *>(editor))
        connect(text, &QPlainTextEdit::textChanged, this, edited);
    else if (auto *combo = qobject_cast<QComboBox *>(editor))
        connect(combo, &QComboBox::currentIndexChanged, this, edited);
    else if (auto *scopes = qobject_cast<ScopePicker *>(editor))
        connect(scopes, &ScopePicker::scopesChanged, this, edited);
    else if (auto *rate = qobject_cast<RateLimitsEditor *>(editor))
        connect(rate, &RateLimitsEditor::changed, this, edited);
    else if (auto *usage = qobject_cast<UsageLimitEditor *>(editor))
        connect(usage, &UsageLimitEditor::changed, this, edited);
    else if (auto *expiry = qobject_cast<ExpiryEditor *>(editor))
        connect(expiry, &ExpiryEditor::changed, this, edited);
    else if (auto *rotation = qobject_cast<RotationPolicyEditor *>(editor))
        connect(rotation, &RotationPolicyEditor::changed, this, edited);
}

void KeyFormDialog::fieldEdited(const QString &field)
{
    QLabel *label = m_errorLabels.value(field);
    if (!label || label->text().isEmpty())
        return;
    // The message described the old value; it comes back on the next validation if still true.
    setFieldError(field, {});
    if (!m_summaryShown)
        return;
    int marked = 0;
    for (const QLabel *l : std::as_const(m_errorLabels))
        marked += l->text().isEmpty() ? 0 : 1;
    if (marked == 0) {
        m_error->clear();
        m_error->hide();
        m_summaryShown = false;
        return;
    }
    m_error->setText(marked == 1 ? tr("Fix the marked field before sending.")
                                 : tr("Fix the %1 marked fields before sending.").arg(marked));
}

void KeyFormDialog::setFieldVisible(const QString &field, bool visible)
{
    QWidget *editor = m_fieldEditors.value(field);
    QFormLayout *form = m_fieldForms.value(field);
    if (editor && form)
        form->setRowVisible(editor->parentWidget(), visible);
}

void KeyFormDialog::setFieldError(const QString &field, const QString &message)
{
    QLabel *label = m_errorLabels.value(field);
    if (!label)
        return;
    label->setText(message);
    label->setVisible(!message.isEmpty());
}

void KeyFormDialog::clearFieldErrors()
{
    for (QLabel *label : std::as_const(m_errorLabels)) {
        label->clear();
        label->hide();
    }
    m_error->clear();
    m_error->hide();
    m_summaryShown = false;
}

QString KeyFormDialog::fieldError(const QString &field) const
{
    const QLabel *label = m_errorLabels.value(field);
    return label ? label->text() : QString();
}

QString KeyFormDialog::errorText() const
{
    return m_error->text();
}

QStringList KeyFormDialog::warnings() const
{
    return m_warnings->text().isEmpty() ? QStringList() : m_warnings->text().split(QLatin1Char('\n'));
}

void KeyFormDialog::showField(const QString &field)
{
    QWidget *editor = m_fieldEditors.value(field);
    if (!editor)
        return;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->isAncestorOf(editor)) {
            m_tabs->setCurrentIndex(i);
            break;
        }
    }
    editor->setFocus(Qt::OtherFocusReason);
}

void KeyFormDialog::showErrors(const QMap<QString, QString> &errors)
{
    clearFieldErrors();
    if (errors.isEmpty())
        return;
    for (auto it = errors.begin(); it != errors.end(); ++it)
        setFieldError(it.key(), it.value());
    QString first; // the first error in page order
    for (int i = 0; i < m_tabs->count() && first.isEmpty(); ++i) {
        for (auto it = errors.begin(); it != errors.end(); ++it) {
            const QWidget *editor = m_fieldEditors.value(it.key());
            if (editor && m_tabs->widget(i)->isAncestorOf(editor)) {
                first = it.key();
                break;
            }
        }
    }
    showField(first.isEmpty() ? errors.firstKey() : first);
    m_error->setText(errors.size() == 1 ? tr("Fix the marked field before sending.")
                                        : tr("Fix the %1 marked fields before sending.").arg(errors.size()));
    m_error->show();
    m_summaryShown = true;
}

void KeyFormDialog::setWarnings(const QStringList &lines)
{
    m_warnings->setText(lines.join(QLatin1Char('\n')));
    m_warnings->setVisible(!lines.isEmpty());
}

void KeyFormDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_tabs->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy && !m_sendBlocked);
    if (busy) {
        m_summaryShown = false;
        m_error->setText(tr("Sending…"));
        m_error->setStyleSheet(QString());
        m_error->show();
    } else {
        m_error->setStyleSheet(kErrorStyle);
        m_error->hide();
    }
}

QString KeyFormDialog::applyServerError(const ApiError &error)
{
    setBusy(false);
    clearFieldErrors();
    QString field;
    if (error.kind == ApiError::Kind::Http && error.httpStatus == 400) {
        field = fieldForServerMessage(error.message);
        if (!m_fieldEditors.contains(field))
            field.clear();
    }
    if (!field.isEmpty()) {
        setFieldError(field, error.message);
        showField(field);
        m_error->setText(tr("Portkey refused the %1 field; see the message there.").arg(field));
    } else {
        m_error->setText(error.userText());
    }
    if (error.kind == ApiError::Kind::OutcomeUnknown) {
        // The request may have been applied: never offer to send it again from here (ARCHITECTURE.md: a
        // lost answer means re-list, not re-send). The caller re-lists and closes the dialog.
        m_sendBlocked = true;
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    }
    m_error->show();
    qCInfo(lcUiKeys) << "server error shown on the key form; field:"
                     << (field.isEmpty() ? QStringLiteral("-") : field) << "status" << error.httpStatus
                     << error.code;
    return field;
}

void KeyFormDialog::validateShared(QMap<QString, QString> *errors, const QDateTime &nowUtc,
                                   bool requireFutureExpiry) const
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty())
        errors->insert(KeyField::Name, tr("Enter a name."));
    else if (name.size() > kMaxKeyNameLength)
        errors->insert(KeyField::Name, tr("The name has %1 characters; at most %2 are allowed.")
                                           .arg(name.size())
                                           .arg(kMaxKeyNameLength));
    const QString description = m_description->text().trimmed();
    if (description.size() > kMaxKeyDescriptionLength)
        errors->insert(KeyField::Description, tr("The description has %1 characters; at most %2 are allowed.")
                                                  .arg(description.size())
                                                  .arg(kMaxKeyDescriptionLength));
    const QStringList scopes = m_scopes->scopes();
    if (scopes.isEmpty()) {
        errors->insert(KeyField::Scopes, tr("Choose at least one scope."));
    } else if (m_scopes->keyType() == KeyType::WorkspaceUser) {
        for (const QString &scope : scopes) {
            if (isKeyManagementScope(scope)) {
                errors->insert(KeyField::Scopes, tr("User keys cannot manage keys; remove %1.").arg(scope));
                break;
            }
        }
    }
    QString e = m_rateLimits->validationError();
    if (!e.isEmpty())
        errors->insert(KeyField::RateLimits, e);
    e = m_usage->validationError();
    if (!e.isEmpty())
        errors->insert(KeyField::UsageLimits, e);
    if (requireFutureExpiry) {
        e = m_expiry->validationError(nowUtc);
        if (!e.isEmpty())
            errors->insert(KeyField::ExpiresAt, e);
    }
    e = m_rotation->validationError();
    if (!e.isEmpty())
        errors->insert(KeyField::RotationPolicy, e);
    QStringList emails;
    e = parseAlertEmails(m_alertEmails->text(), &emails);
    if (!e.isEmpty())
        errors->insert(KeyField::AlertEmails, e);
    QJsonObject metadata;
    e = parseMetadata(m_metadata->toPlainText(), &metadata);
    if (!e.isEmpty())
        errors->insert(KeyField::Metadata, e);
    if (m_configId->text().trimmed().contains(QLatin1Char(' ')))
        errors->insert(KeyField::ConfigId, tr("A config id has no spaces."));
}

QStringList KeyFormDialog::sharedZeroLimits() const
{
    return m_rateLimits->zeroLimits() + m_usage->zeroLimits();
}

QStringList KeyFormDialog::sharedWarnings() const
{
    QStringList out;
    if (!m_expiry->expiresAt().isValid())
        out << tr("No expiry: the key works until it is revoked. Consider an expiry date.");
    const std::optional<UsageLimits> usage = m_usage->usageLimits();
    if (!usage || !usage->creditLimit)
        out << tr("No usage limit: spending through this key is unbounded. Consider a credit limit.");
    QStringList management;
    for (const QString &scope : m_scopes->scopes()) {
        if (isKeyManagementScope(scope))
            management << scope;
    }
    if (!management.isEmpty())
        out << tr("Key-management scopes (%1 of them, e.g. %2): this key can create, change or revoke other "
                  "keys. Leave them out unless it needs to.")
                   .arg(management.size())
                   .arg(management.first());
    return out;
}

void KeyFormDialog::confirmZeroLimits(const QStringList &zeroLimits, std::function<void()> proceed)
{
    if (zeroLimits.isEmpty()) {
        proceed();
        return;
    }
    auto *box =
        new QMessageBox(QMessageBox::Warning, tr("Block all traffic?"),
                        tr("A limit of 0 blocks all traffic through this key:\n\n• %1\n\nTo set no limit "
                           "instead, leave the field empty or remove the row.")
                            .arg(zeroLimits.join(QStringLiteral("\n• "))),
                        QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("confirmZeroLimits"));
    box->button(QMessageBox::Yes)->setText(tr("Keep 0 (block all traffic)"));
    box->button(QMessageBox::No)->setText(tr("Go back"));
    box->setDefaultButton(QMessageBox::No);
    askQuestion(box, this, [proceed](int answer) {
        if (answer == QMessageBox::Yes)
            proceed();
    });
}

} // namespace pk::ui
