#pragma once

#include <QDateTime>
#include <QHash>
#include <QWidget>

class QFormLayout;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace pk {
struct ApiKey;
}

namespace pk::ui {

/// The details of one API key, laid out in three columns for a pane below the keys table (issue 2 "GUI"):
/// name, masked key, id, type, workspace, status, scopes, rate limits, usage limit, expiry (local time with
/// zone and the UTC instant), rotation policy and transition state ("old secret valid until <local time with
/// zone> (<UTC>)" while a rotation's transition period runs), created and updated. Every instant shows both.
/// It shows only what the model holds: the masked key, never a secret. Value labels are selectable and named
/// `detail<Field>` (e.g. `detailMaskedKey`, `detailExpires`); the scopes list is `detailScopes`.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPane(QWidget *parent = nullptr);

    /// Shows `key` (nullptr: the placeholder). `workspaceName` is the display name of its workspace
    /// (empty for organisation-level keys); `nowUtc` decides the rotation state and relative texts.
    void showKey(const ApiKey *key, const QString &workspaceName, const QDateTime &nowUtc);
    /// Shows the placeholder text instead of a key (e.g. "3 keys selected").
    void showPlaceholder(const QString &text);

    /// The text shown for a field (the label's object name without `detail`), for tests.
    QString fieldText(const QString &field) const;

private:
    QLabel *addField(QFormLayout *form, const QString &field, const QString &label);

    QStackedWidget *m_stack = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_title = nullptr;
    QFormLayout *m_form = nullptr;
    QListWidget *m_scopes = nullptr;
    QLabel *m_scopesTitle = nullptr;
    QHash<QString, QLabel *> m_fields;
};

} // namespace pk::ui
