#include "keyfieldeditors.h"

#include "keyformdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <cmath>

namespace pk::ui {

namespace {

struct Choice
{
    const char *wire;
    const char *label;
};

constexpr Choice kLimitTypes[] = {{"requests", "requests"}, {"tokens", "tokens"}};
constexpr Choice kLimitUnits[] = {{"rps", "per second"},
                                  {"rpm", "per minute"},
                                  {"rph", "per hour"},
                                  {"rpd", "per day"},
                                  {"rpw", "per week"}};

QComboBox *choiceCombo(const Choice *begin, const Choice *end, const QString &current, QWidget *parent)
{
    auto *combo = new QComboBox(parent);
    for (const Choice *c = begin; c != end; ++c)
        combo->addItem(QCoreApplication::translate("pk::ui", c->label), QString::fromLatin1(c->wire));
    int index = combo->findData(current);
    if (index < 0 && !current.isEmpty()) {
        // A value this version does not know: keep it as the server sent it.
        combo->addItem(current, current);
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(std::max(index, 0));
    return combo;
}

/// Selects the item of `combo` whose data is `value`, first adding one (labelled with the value itself) when
/// the box does not offer it: a value this version does not know is kept as the server sent it.
void selectData(QComboBox *combo, const QString &value)
{
    int index = combo->findData(value);
    if (index < 0) {
        combo->addItem(value, value);
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
}

/// Adds the choices a period box ends with, monthly (1st, 00:00 UTC; data "monthly") and every N days (data
/// "days"), and returns a new spin box for N named `daysName`: 1–365 days, starting at `days`.
QSpinBox *addMonthlyAndDays(QComboBox *periodBox, const QString &daysName, int days, QWidget *parent)
{
    periodBox->addItem(QCoreApplication::translate("pk::ui", "Monthly (1st, 00:00 UTC)"),
                       QStringLiteral("monthly"));
    periodBox->addItem(QCoreApplication::translate("pk::ui", "Every N days"), QStringLiteral("days"));
    auto *spin = new QSpinBox(parent);
    spin->setObjectName(daysName);
    spin->setRange(1, 365);
    spin->setValue(days);
    spin->setSuffix(QCoreApplication::translate("pk::ui", " days"));
    return spin;
}

/// Shows a period in a box made with addMonthlyAndDays(): `days` selects "days" and puts the count in
/// `daysBox`; otherwise `period` (empty for none) is selected with selectData().
void showPeriod(QComboBox *periodBox, QSpinBox *daysBox, const QString &period, std::optional<int> days)
{
    if (days) {
        periodBox->setCurrentIndex(periodBox->findData(QStringLiteral("days")));
        daysBox->setValue(*days);
    } else {
        selectData(periodBox, period);
    }
}

/// The cells of one row of the rate-limits table: the type and unit boxes, and the value when its text is a
/// whole number ≥ 0 (std::nullopt otherwise).
struct RateLimitRow
{
    const QComboBox *type;
    const QComboBox *unit;
    std::optional<qint64> value;
};

RateLimitRow rateLimitRow(const QTableWidget *table, int row)
{
    const auto *edit = qobject_cast<QLineEdit *>(table->cellWidget(row, 2));
    bool ok = false;
    const qint64 value = edit->text().trimmed().toLongLong(&ok);
    return {qobject_cast<QComboBox *>(table->cellWidget(row, 0)),
            qobject_cast<QComboBox *>(table->cellWidget(row, 1)),
            ok && value >= 0 ? std::optional<qint64>(value) : std::nullopt};
}

QString unitLabel(const QString &unit)
{
    for (const Choice &c : kLimitUnits) {
        if (unit == QLatin1String(c.wire))
            return QString::fromLatin1(c.label);
    }
    return unit;
}

/// Parses a non-negative number typed by a person; accepts the C locale and the system locale.
std::optional<double> parseAmount(const QString &text)
{
    const QString t = text.trimmed();
    bool ok = false;
    double v = t.toDouble(&ok);
    if (!ok)
        v = QLocale().toDouble(t, &ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

QString formatAmount(double v)
{
    return QString::number(v, 'g', 15);
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// RateLimitsEditor

RateLimitsEditor::RateLimitsEditor(QWidget *parent) : QWidget(parent)
{
    m_table = new QTableWidget(0, 3, this);
    m_table->setObjectName(QStringLiteral("rateLimitsTable"));
    m_table->setHorizontalHeaderLabels({tr("Limit on"), tr("Unit"), tr("Value")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() + 3 * 30 + 4);
    m_table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    auto *add = new QPushButton(tr("Add"), this);
    add->setObjectName(QStringLiteral("addRateLimit"));
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removeRateLimit"));
    connect(add, &QPushButton::clicked, this, [this] {
        addRow(QStringLiteral("requests"), QStringLiteral("rpm"), QString());
        m_table->setCurrentCell(m_table->rowCount() - 1, 2);
        if (QWidget *w = m_table->cellWidget(m_table->rowCount() - 1, 2))
            w->setFocus();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0) {
            m_table->removeRow(row);
            emit changed();
        }
    });

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1, Qt::AlignTop);
    layout->addLayout(buttons);
    layout->setAlignment(buttons, Qt::AlignTop);
}

void RateLimitsEditor::addRow(const QString &type, const QString &unit, const QString &value)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *typeCombo = choiceCombo(std::begin(kLimitTypes), std::end(kLimitTypes), type, m_table);
    auto *unitCombo = choiceCombo(std::begin(kLimitUnits), std::end(kLimitUnits), unit, m_table);
    auto *edit = new QLineEdit(value, m_table);
    edit->setPlaceholderText(tr("count (0 blocks all traffic)"));
    m_table->setCellWidget(row, 0, typeCombo);
    m_table->setCellWidget(row, 1, unitCombo);
    m_table->setCellWidget(row, 2, edit);
    connect(typeCombo, &QComboBox::currentIndexChanged, this, &RateLimitsEditor::changed);
    connect(unitCombo, &QComboBox::currentIndexChanged, this, &RateLimitsEditor::changed);
    connect(edit, &QLineEdit::textChanged, this, &RateLimitsEditor::changed);
    emit changed();
}

int RateLimitsEditor::rowCount() const
{
    return m_table->rowCount();
}

void RateLimitsEditor::setRateLimits(const RateLimits &limits)
{
    m_table->setRowCount(0);
    for (const RateLimit &l : limits)
        addRow(l.type, l.unit, QString::number(l.value));
    emit changed();
}

RateLimits RateLimitsEditor::rateLimits() const
{
    RateLimits out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const RateLimitRow r = rateLimitRow(m_table, row);
        if (!r.value)
            continue;
        RateLimit l;
        l.type = r.type->currentData().toString();
        l.unit = r.unit->currentData().toString();
        l.value = *r.value;
        out.append(l);
    }
    return out;
}

QString RateLimitsEditor::validationError() const
{
    QStringList seen;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const RateLimitRow r = rateLimitRow(m_table, row);
        if (!r.value) {
            return tr("Rate limit %1: enter a whole number of %2 %3, 0 or more (remove the row for no "
                      "limit).")
                .arg(row + 1)
                .arg(r.type->currentText(), r.unit->currentText());
        }
        const QString pair =
            r.type->currentData().toString() + QLatin1Char('/') + r.unit->currentData().toString();
        if (seen.contains(pair))
            return tr("Rate limit %1 repeats %2 %3.")
                .arg(row + 1)
                .arg(r.type->currentText(), r.unit->currentText());
        seen.append(pair);
    }
    return {};
}

QStringList RateLimitsEditor::zeroLimits() const
{
    QStringList out;
    for (const RateLimit &l : rateLimits()) {
        if (l.value == 0)
            out.append(tr("rate limit: %1 %2").arg(l.type, unitLabel(l.unit)));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// UsageLimitEditor

UsageLimitEditor::UsageLimitEditor(QWidget *parent) : QWidget(parent)
{
    m_credit = new QLineEdit(this);
    m_credit->setObjectName(QStringLiteral("creditLimit"));
    m_credit->setPlaceholderText(tr("no limit"));
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("usageLimitType"));
    m_type->addItem(tr("USD (cost)"), QStringLiteral("cost"));
    m_type->addItem(tr("tokens"), QStringLiteral("tokens"));
    m_alert = new QLineEdit(this);
    m_alert->setObjectName(QStringLiteral("alertThreshold"));
    m_alert->setPlaceholderText(tr("no alert"));
    m_reset = new QComboBox(this);
    m_reset->setObjectName(QStringLiteral("periodicReset"));
    m_reset->addItem(tr("Never"), QString());
    m_reset->addItem(tr("Weekly (Sunday 00:00 UTC)"), QStringLiteral("weekly"));
    m_resetDays = addMonthlyAndDays(m_reset, QStringLiteral("periodicResetDays"), 30, this);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(new QLabel(tr("Credit limit"), this), 0, 0);
    grid->addWidget(m_credit, 0, 1);
    grid->addWidget(m_type, 0, 2);
    grid->addWidget(new QLabel(tr("Alert at"), this), 1, 0);
    grid->addWidget(m_alert, 1, 1);
    grid->addWidget(new QLabel(tr("Reset usage"), this), 2, 0);
    grid->addWidget(m_reset, 2, 1);
    grid->addWidget(m_resetDays, 2, 2);
    grid->setColumnStretch(1, 1);

    connect(m_credit, &QLineEdit::textChanged, this, &UsageLimitEditor::changed);
    connect(m_alert, &QLineEdit::textChanged, this, &UsageLimitEditor::changed);
    connect(m_type, &QComboBox::currentIndexChanged, this, &UsageLimitEditor::changed);
    connect(m_reset, &QComboBox::currentIndexChanged, this, &UsageLimitEditor::updateEnabled);
    connect(m_reset, &QComboBox::currentIndexChanged, this, &UsageLimitEditor::changed);
    connect(m_resetDays, &QSpinBox::valueChanged, this, &UsageLimitEditor::changed);
    updateEnabled();
}

void UsageLimitEditor::updateEnabled()
{
    m_resetDays->setEnabled(m_reset->currentData().toString() == QLatin1String("days"));
}

void UsageLimitEditor::setUsageLimits(const std::optional<UsageLimits> &limits)
{
    const UsageLimits l = limits.value_or(UsageLimits{});
    m_credit->setText(l.creditLimit ? formatAmount(*l.creditLimit) : QString());
    m_alert->setText(l.alertThreshold ? formatAmount(*l.alertThreshold) : QString());
    selectData(m_type, l.type.isEmpty() ? QStringLiteral("cost") : l.type);
    showPeriod(m_reset, m_resetDays, l.periodicReset, l.periodicResetDays);
    m_extra = l.extra;
    updateEnabled();
}

std::optional<UsageLimits> UsageLimitEditor::usageLimits() const
{
    const QString reset = m_reset->currentData().toString();
    if (m_credit->text().trimmed().isEmpty() && m_alert->text().trimmed().isEmpty() && reset.isEmpty())
        return std::nullopt;
    UsageLimits l;
    l.type = m_type->currentData().toString();
    l.creditLimit = parseAmount(m_credit->text());
    if (!m_alert->text().trimmed().isEmpty())
        l.alertThreshold = parseAmount(m_alert->text());
    if (reset == QLatin1String("days"))
        l.periodicResetDays = m_resetDays->value();
    else
        l.periodicReset = reset;
    l.extra = m_extra;
    return l;
}

QString UsageLimitEditor::validationError() const
{
    const QString creditText = m_credit->text().trimmed();
    const QString alertText = m_alert->text().trimmed();
    const bool tokens = m_type->currentData().toString() == QLatin1String("tokens");
    const QString unit = tokens ? tr("tokens") : tr("USD");
    std::optional<double> credit;
    if (!creditText.isEmpty()) {
        credit = parseAmount(creditText);
        if (!credit || *credit < 0)
            return tr("Credit limit: enter an amount in %1, 0 or more, or leave it empty for no limit.")
                .arg(unit);
        if (tokens && std::floor(*credit) != *credit)
            return tr("Credit limit: a token limit is a whole number.");
    }
    if (!alertText.isEmpty()) {
        const std::optional<double> alert = parseAmount(alertText);
        if (!alert || *alert < 0)
            return tr("Alert threshold: enter an amount in %1, 0 or more, or leave it empty.").arg(unit);
        if (!credit)
            return tr("Alert threshold: set a credit limit first.");
        if (*alert > *credit)
            return tr("Alert threshold (%1) must not exceed the credit limit (%2 %3).")
                .arg(formatAmount(*alert), formatAmount(*credit), unit);
    }
    if (!m_reset->currentData().toString().isEmpty() && !credit)
        return tr("Periodic reset: set a credit limit first.");
    return {};
}

QStringList UsageLimitEditor::zeroLimits() const
{
    const std::optional<double> credit = parseAmount(m_credit->text());
    if (!m_credit->text().trimmed().isEmpty() && credit && *credit == 0.0)
        return {tr("usage limit: credit limit 0")};
    return {};
}

// ---------------------------------------------------------------------------------------------------------
// ExpiryEditor

ExpiryEditor::ExpiryEditor(QWidget *parent) : QWidget(parent)
{
    m_enabled = new QCheckBox(tr("Expires"), this);
    m_enabled->setObjectName(QStringLiteral("expiryEnabled"));
    m_edit = new QDateTimeEdit(this);
    m_edit->setObjectName(QStringLiteral("expiresAt"));
    m_edit->setTimeSpec(Qt::LocalTime);
    m_edit->setCalendarPopup(true);
    m_edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_edit->setDateTime(QDateTime::currentDateTime().addDays(90));
    m_utc = new QLabel(this);
    m_utc->setObjectName(QStringLiteral("expiresAtUtc"));
    m_utc->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *row = new QHBoxLayout;
    row->addWidget(m_enabled);
    row->addWidget(m_edit, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(m_utc);

    connect(m_enabled, &QCheckBox::toggled, this, [this](bool on) {
        m_edit->setEnabled(on);
        updateUtcLabel();
        emit changed();
    });
    connect(m_edit, &QDateTimeEdit::dateTimeChanged, this, [this] {
        updateUtcLabel();
        emit changed();
    });
    m_edit->setEnabled(false);
    updateUtcLabel();
}

void ExpiryEditor::updateUtcLabel()
{
    const QDateTime local = m_edit->dateTime();
    const QString zone = local.timeZoneAbbreviation();
    const int offsetS = local.offsetFromUtc();
    const QString offset = QStringLiteral("UTC%1%2:%3")
                               .arg(offsetS < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                               .arg(std::abs(offsetS) / 3600, 2, 10, QLatin1Char('0'))
                               .arg(std::abs(offsetS) % 3600 / 60, 2, 10, QLatin1Char('0'));
    if (!m_enabled->isChecked()) {
        m_utc->setText(tr("Never expires. Times are local (%1, %2).").arg(zone, offset));
        return;
    }
    m_utc->setText(tr("Local time (%1, %2); sent as %3 UTC")
                       .arg(zone, offset, expiresAt().utc().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
}

void ExpiryEditor::setExpiresAt(const Timestamp &expiresAt)
{
    if (expiresAt.isValid()) {
        m_edit->setDateTime(expiresAt.utc().toLocalTime());
        m_enabled->setChecked(true);
    } else {
        m_enabled->setChecked(false);
    }
    updateUtcLabel();
}

void ExpiryEditor::setLocalDateTime(const QDateTime &local)
{
    m_edit->setDateTime(local);
    m_enabled->setChecked(true);
    updateUtcLabel();
}

Timestamp ExpiryEditor::expiresAt() const
{
    if (!m_enabled->isChecked())
        return {};
    QDateTime local = m_edit->dateTime();
    local.setTime(QTime(local.time().hour(), local.time().minute()));
    return Timestamp::fromUtc(local.toUTC());
}

QString ExpiryEditor::validationError(const QDateTime &nowUtc) const
{
    const Timestamp t = expiresAt();
    if (t.isValid() && t.utc() <= nowUtc)
        return tr("Expiry must be in the future (now is %1 local time).")
            .arg(nowUtc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    return {};
}

// ---------------------------------------------------------------------------------------------------------
// RotationPolicyEditor

RotationPolicyEditor::RotationPolicyEditor(QWidget *parent) : QWidget(parent)
{
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("rotationPeriod"));
    m_period->addItem(tr("No automatic rotation"), QString());
    m_period->addItem(tr("Weekly (Monday 00:00 UTC)"), QStringLiteral("weekly"));
    m_days = addMonthlyAndDays(m_period, QStringLiteral("rotationPeriodDays"), 90, this);
    m_transition = new QSpinBox(this);
    m_transition->setObjectName(QStringLiteral("rotationTransitionMinutes"));
    m_transition->setRange(int(kMinTransitionPeriodMs / 60000), 365 * 24 * 60);
    m_transition->setValue(int(kMinTransitionPeriodMs / 60000));
    m_transition->setSuffix(tr(" min"));
    m_transition->setToolTip(
        tr("How long the old secret keeps working after each rotation (at least 30 minutes)."));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_period, 1);
    layout->addWidget(m_days);
    layout->addWidget(new QLabel(tr("transition"), this));
    layout->addWidget(m_transition);

    connect(m_period, &QComboBox::currentIndexChanged, this, &RotationPolicyEditor::updateEnabled);
    connect(m_period, &QComboBox::currentIndexChanged, this, &RotationPolicyEditor::changed);
    connect(m_days, &QSpinBox::valueChanged, this, &RotationPolicyEditor::changed);
    connect(m_transition, &QSpinBox::valueChanged, this, &RotationPolicyEditor::changed);
    updateEnabled();
}

void RotationPolicyEditor::updateEnabled()
{
    const QString period = m_period->currentData().toString();
    m_days->setEnabled(period == QLatin1String("days"));
    m_transition->setEnabled(!period.isEmpty());
}

void RotationPolicyEditor::setPolicy(const std::optional<RotationPolicy> &policy)
{
    if (!policy) {
        m_period->setCurrentIndex(0);
        m_extra = {};
        updateEnabled();
        return;
    }
    showPeriod(m_period, m_days, policy->rotationPeriod, policy->rotationPeriodDays);
    m_transition->setValue(int(policy->keyTransitionPeriodMs.value_or(kMinTransitionPeriodMs) / 60000));
    m_extra = policy->extra;
    updateEnabled();
}

std::optional<RotationPolicy> RotationPolicyEditor::policy() const
{
    const QString period = m_period->currentData().toString();
    if (period.isEmpty())
        return std::nullopt;
    RotationPolicy p;
    if (period == QLatin1String("days"))
        p.rotationPeriodDays = m_days->value();
    else
        p.rotationPeriod = period;
    p.keyTransitionPeriodMs = qint64(m_transition->value()) * 60000;
    p.extra = m_extra;
    return p;
}

QString RotationPolicyEditor::validationError() const
{
    const QString period = m_period->currentData().toString();
    if (period.isEmpty())
        return {};
    qint64 periodMinutes = 0;
    if (period == QLatin1String("weekly"))
        periodMinutes = 7 * 24 * 60;
    else if (period == QLatin1String("monthly"))
        periodMinutes = 28 * 24 * 60; // the shortest month
    else if (period == QLatin1String("days"))
        periodMinutes = qint64(m_days->value()) * 24 * 60;
    if (qint64(m_transition->value()) * 60000 < kMinTransitionPeriodMs)
        return tr("The transition period must be at least 30 minutes.");
    if (periodMinutes > 0 && m_transition->value() >= periodMinutes)
        return tr("The transition period must be shorter than the rotation period.");
    return {};
}

// ---------------------------------------------------------------------------------------------------------
// Free functions

QString parseAlertEmails(const QString &text, QStringList *out)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    static const QRegularExpression email(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    QStringList emails;
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        if (!email.match(part).hasMatch())
            return QCoreApplication::translate("pk::ui", "\"%1\" is not an e-mail address.").arg(part);
        if (!emails.contains(part, Qt::CaseInsensitive))
            emails.append(part);
    }
    *out = emails;
    return {};
}

QString parseMetadata(const QString &text, QJsonObject *out)
{
    if (text.trimmed().isEmpty()) {
        *out = {};
        return {};
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return QCoreApplication::translate("pk::ui", "Metadata is not valid JSON: %1 at character %2.")
            .arg(error.errorString())
            .arg(error.offset);
    if (!doc.isObject())
        return QCoreApplication::translate("pk::ui",
                                           "Metadata must be a JSON object such as {\"team\": \"search\"}.");
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString())
            return QCoreApplication::translate("pk::ui", "Metadata value of \"%1\" must be a string.")
                .arg(it.key());
    }
    *out = o;
    return {};
}

QString fieldForServerMessage(const QString &message)
{
    // Most specific names first; a name counts only as a whole word (so "name" in "workspace name" of
    // "workspace_id" does not match by accident: underscores and dots are part of the word).
    static const QList<QPair<QString, QString>> names = {
        {QStringLiteral("credit_limit"), KeyField::UsageLimits},
        {QStringLiteral("alert_threshold"), KeyField::UsageLimits},
        {QStringLiteral("periodic_reset_days"), KeyField::UsageLimits},
        {QStringLiteral("periodic_reset"), KeyField::UsageLimits},
        {QStringLiteral("usage_limits"), KeyField::UsageLimits},
        {QStringLiteral("rate_limits"), KeyField::RateLimits},
        {QStringLiteral("key_transition_period_ms"), KeyField::RotationPolicy},
        {QStringLiteral("rotation_period_days"), KeyField::RotationPolicy},
        {QStringLiteral("rotation_period"), KeyField::RotationPolicy},
        {QStringLiteral("next_rotation_at"), KeyField::RotationPolicy},
        {QStringLiteral("rotation_policy"), KeyField::RotationPolicy},
        {QStringLiteral("expires_at"), KeyField::ExpiresAt},
        {QStringLiteral("alert_emails"), KeyField::AlertEmails},
        {QStringLiteral("config_id"), KeyField::ConfigId},
        {QStringLiteral("metadata"), KeyField::Metadata},
        {QStringLiteral("workspace_id"), KeyField::Workspace},
        {QStringLiteral("user_id"), KeyField::User},
        {QStringLiteral("scopes"), KeyField::Scopes},
        {QStringLiteral("description"), KeyField::Description},
        {QStringLiteral("name"), KeyField::Name},
    };
    for (const auto &[wire, field] : names) {
        const QRegularExpression re(QStringLiteral("(?<![A-Za-z0-9_])(?:[A-Za-z0-9_]+\\.)*") +
                                    QRegularExpression::escape(wire) + QStringLiteral("(?![A-Za-z0-9_])"));
        if (re.match(message).hasMatch())
            return field;
    }
    return {};
}

} // namespace pk::ui
