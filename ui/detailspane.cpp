#include "detailspane.h"

#include "domain/apikey.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace pk::ui {

namespace {

QString unitText(const QString &unit)
{
    if (unit == QLatin1String("rps"))
        return DetailsPane::tr("per second");
    if (unit == QLatin1String("rpm"))
        return DetailsPane::tr("per minute");
    if (unit == QLatin1String("rph"))
        return DetailsPane::tr("per hour");
    if (unit == QLatin1String("rpd"))
        return DetailsPane::tr("per day");
    if (unit == QLatin1String("rpw"))
        return DetailsPane::tr("per week");
    return unit;
}

/// Local time with zone plus the UTC instant, always both: "2026-12-03 14:05 CET (13:05 UTC)", with the
/// UTC date too when it differs from the local one ("2026-12-04 00:30 CET (2026-12-03 23:30 UTC)").
/// `noneText` for none; unparseable values as "unknown (raw)".
QString instantText(const Timestamp &t, const QString &noneText)
{
    if (t.isNone())
        return noneText;
    if (!t.isValid())
        return t.toLocalDisplay();
    const QDateTime utc = t.utc().toUTC();
    const QDateTime local = utc.toLocalTime();
    const QString utcText = utc.date() == local.date()
                                ? utc.toString(QStringLiteral("HH:mm 'UTC'"))
                                : utc.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    return DetailsPane::tr("%1 (%2)").arg(t.toLocalDisplay(), utcText);
}

QString amountText(const QString &type, double value)
{
    const QLocale locale;
    if (type == QLatin1String("tokens"))
        return DetailsPane::tr("%1 tokens").arg(locale.toString(qint64(value)));
    if (type == QLatin1String("cost") || type.isEmpty())
        return DetailsPane::tr("%1 USD").arg(locale.toString(value, 'f', 2));
    return DetailsPane::tr("%1 (%2)").arg(locale.toString(value), type);
}

QString rateLimitsText(const RateLimits &limits)
{
    if (limits.isEmpty())
        return DetailsPane::tr("none");
    QStringList lines;
    const QLocale locale;
    for (const RateLimit &limit : limits) {
        QString line =
            DetailsPane::tr("%1 %2 %3").arg(locale.toString(limit.value), limit.type, unitText(limit.unit));
        if (limit.value == 0)
            line += DetailsPane::tr(" (blocks all traffic)");
        lines.append(line);
    }
    return lines.join(QLatin1Char('\n'));
}

QString usageLimitText(const std::optional<UsageLimits> &usage)
{
    if (!usage || !usage->creditLimit)
        return DetailsPane::tr("no limit");
    QStringList parts;
    parts.append(DetailsPane::tr("limit %1").arg(amountText(usage->type, *usage->creditLimit)));
    if (usage->alertThreshold)
        parts.append(DetailsPane::tr("alert at %1").arg(amountText(usage->type, *usage->alertThreshold)));
    if (usage->periodicResetDays)
        parts.append(DetailsPane::tr("resets every %1 days").arg(*usage->periodicResetDays));
    else if (!usage->periodicReset.isEmpty())
        parts.append(DetailsPane::tr("resets %1").arg(usage->periodicReset));
    if (usage->nextUsageResetAt.isValid())
        parts.append(DetailsPane::tr("next reset %1").arg(instantText(usage->nextUsageResetAt, {})));
    return parts.join(QLatin1String("\n"));
}

QString rotationText(const ApiKey &key, const QDateTime &nowUtc)
{
    QStringList parts;
    if (key.rotationPolicy) {
        const RotationPolicy &p = *key.rotationPolicy;
        if (p.rotationPeriodDays)
            parts.append(DetailsPane::tr("automatic, every %1 days").arg(*p.rotationPeriodDays));
        else if (!p.rotationPeriod.isEmpty())
            parts.append(DetailsPane::tr("automatic, %1").arg(p.rotationPeriod));
        if (p.nextRotationAt.isValid())
            parts.append(DetailsPane::tr("next rotation %1").arg(instantText(p.nextRotationAt, {})));
        if (p.keyTransitionPeriodMs)
            parts.append(DetailsPane::tr("transition period %1 min").arg(*p.keyTransitionPeriodMs / 60000));
    } else {
        parts.append(DetailsPane::tr("manual only (no rotation policy)"));
    }
    if (key.inTransition(nowUtc))
        parts.append(DetailsPane::tr("rotation in progress: old secret valid until %1")
                         .arg(instantText(key.keyTransitionExpiresAt, {})));
    return parts.join(QLatin1Char('\n'));
}

QString statusText(const ApiKey &key, const QDateTime &nowUtc)
{
    QString text = key.status.isEmpty() ? DetailsPane::tr("unknown") : key.status;
    if (key.keyStatus() == KeyStatus::Active && key.isPastExpiry(nowUtc))
        text += DetailsPane::tr(" (expiry passed)");
    if (key.keyStatus() == KeyStatus::Exhausted)
        text += DetailsPane::tr(" (usage limit reached)");
    return text;
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("detailsPane"));
    m_stack = new QStackedWidget(this);

    m_placeholder = new QLabel(tr("Select a key to see its details."), m_stack);
    m_placeholder->setObjectName(QStringLiteral("detailsPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false);
    m_stack->addWidget(m_placeholder);

    auto *page = new QWidget;
    m_title = new QLabel(page);
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setTextFormat(Qt::PlainText); // the key's name, set by whoever created it
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Three columns side by side: identity, limits and dates, scopes.
    const auto makeForm = [] {
        auto *form = new QFormLayout;
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setRowWrapPolicy(QFormLayout::DontWrapRows);
        form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
        form->setVerticalSpacing(4);
        return form;
    };
    m_form = makeForm();
    addField(m_form, QStringLiteral("MaskedKey"), tr("Key:"));
    addField(m_form, QStringLiteral("Id"), tr("Id:"));
    addField(m_form, QStringLiteral("Type"), tr("Type:"));
    addField(m_form, QStringLiteral("Workspace"), tr("Workspace:"));
    addField(m_form, QStringLiteral("Status"), tr("Status:"));
    addField(m_form, QStringLiteral("Description"), tr("Description:"));
    QFormLayout *limits = makeForm();
    addField(limits, QStringLiteral("RateLimits"), tr("Rate limits:"));
    addField(limits, QStringLiteral("UsageLimit"), tr("Usage limit:"));
    addField(limits, QStringLiteral("Expires"), tr("Expires:"));
    addField(limits, QStringLiteral("Rotation"), tr("Rotation:"));
    addField(limits, QStringLiteral("Created"), tr("Created:"));
    addField(limits, QStringLiteral("Updated"), tr("Updated:"));
    addField(limits, QStringLiteral("AlertEmails"), tr("Alert e-mails:"));

    m_scopes = new QListWidget(page);
    m_scopes->setObjectName(QStringLiteral("detailScopes"));
    m_scopes->setSelectionMode(QAbstractItemView::NoSelection);
    m_scopes->setFocusPolicy(Qt::NoFocus);
    m_scopes->setMinimumWidth(220);
    m_scopes->setWordWrap(true);
    m_scopes->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scopes->setTextElideMode(Qt::ElideNone);
    m_scopesTitle = new QLabel(tr("Scopes:"), page);
    auto *scopes = new QVBoxLayout;
    scopes->setSpacing(2);
    scopes->addWidget(m_scopesTitle);
    scopes->addWidget(m_scopes, 1);

    auto *columns = new QHBoxLayout;
    columns->setSpacing(18);
    columns->addLayout(m_form, 4);
    columns->addLayout(limits, 4);
    columns->addLayout(scopes, 3);

    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(8, 6, 8, 6);
    pageLayout->addWidget(m_title);
    pageLayout->addLayout(columns, 1);

    auto *scroll = new QScrollArea(m_stack);
    scroll->setWidget(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_stack->addWidget(scroll);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    setMinimumHeight(150);
}

QLabel *DetailsPane::addField(QFormLayout *form, const QString &field, const QString &label)
{
    auto *value = new QLabel;
    value->setObjectName(QStringLiteral("detail") + field);
    value->setWordWrap(true);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(label, value);
    m_fields.insert(field, value);
    return value;
}

void DetailsPane::showPlaceholder(const QString &text)
{
    m_placeholder->setText(text);
    m_stack->setCurrentIndex(0);
}

void DetailsPane::showKey(const ApiKey *key, const QString &workspaceName, const QDateTime &nowUtc)
{
    if (!key) {
        showPlaceholder(tr("Select a key to see its details."));
        return;
    }
    m_title->setText(key->name.isEmpty() ? tr("(unnamed key)") : key->name);
    const auto set = [this](const QString &field, const QString &text) {
        m_fields.value(field)->setText(text);
    };
    set(QStringLiteral("MaskedKey"),
        key->maskedKey.isEmpty() ? tr("not shown by the server") : key->maskedKey);
    set(QStringLiteral("Id"), key->id);
    set(QStringLiteral("Type"), key->keyType() == KeyType::Unknown
                                    ? key->type
                                    : tr("%1 (%2)").arg(keyTypeLabel(key->keyType()), key->type));
    set(QStringLiteral("Workspace"),
        key->workspaceId.isEmpty() ? tr("organisation level (all workspaces)") : workspaceName);
    set(QStringLiteral("Status"), statusText(*key, nowUtc));
    set(QStringLiteral("Description"), key->description.isEmpty() ? tr("none") : key->description);
    m_scopes->clear();
    m_scopesTitle->setText(tr("Scopes (%1):").arg(key->scopes.size()));
    if (key->scopes.isEmpty())
        m_scopes->addItem(tr("(no scopes)"));
    else
        m_scopes->addItems(key->scopes);
    set(QStringLiteral("RateLimits"), rateLimitsText(key->rateLimits));
    set(QStringLiteral("UsageLimit"), usageLimitText(key->usageLimits));
    QString expires = instantText(key->expiresAt, tr("never"));
    if (key->isPastExpiry(nowUtc))
        expires += tr(" — expired");
    set(QStringLiteral("Expires"), expires);
    set(QStringLiteral("Rotation"), rotationText(*key, nowUtc));
    set(QStringLiteral("Created"), instantText(key->createdAt, tr("unknown")));
    set(QStringLiteral("Updated"), instantText(key->lastUpdatedAt, tr("unknown")));
    set(QStringLiteral("AlertEmails"),
        key->alertEmails.isEmpty() ? tr("none") : key->alertEmails.join(QLatin1String(", ")));
    m_stack->setCurrentIndex(1);
}

QString DetailsPane::fieldText(const QString &field) const
{
    if (field == QLatin1String("Title"))
        return m_title->text();
    if (field == QLatin1String("Scopes")) {
        QStringList items;
        for (int i = 0; i < m_scopes->count(); ++i)
            items.append(m_scopes->item(i)->text());
        return items.join(QLatin1Char('\n'));
    }
    const QLabel *label = m_fields.value(field);
    return label ? label->text() : QString();
}

} // namespace pk::ui
