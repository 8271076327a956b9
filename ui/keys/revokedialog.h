#pragma once

#include "domain/apikey.h"

#include <QDialog>
#include <QHash>
#include <QList>

class QPushButton;

namespace pk::ui {

/// Confirms revoking (deleting, `DELETE /api-keys/{id}`, ADMIN-API.md §2) one or many keys. Names each
/// key (name, type, workspace, masked key); Cancel is the default button so Enter never revokes. The ids
/// are captured when the dialog opens; the caller revokes exactly capturedIds() after checking
/// keysStillMatch() against its current list (issue 4: abort if they changed or vanished).
class RevokeDialog : public QDialog
{
    Q_OBJECT
public:
    /// `keys` are the selected keys; `workspaceNames` maps workspace id or slug to a display name
    /// (missing entries show the id).
    RevokeDialog(const QList<ApiKey> &keys, const QHash<QString, QString> &workspaceNames = {},
                 QWidget *parent = nullptr);

    /// The key ids captured at construction, in the given order, each once (a key given twice is listed
    /// and revoked once).
    QStringList capturedIds() const;
    /// True when every captured key is still in `current` with the same id, name, type, workspace and
    /// masked key (a rotation changes the masked key; a re-created key changes the id).
    bool keysStillMatch(const QList<ApiKey> &current) const;

    /// When `keyId` is among the captured keys, says plainly above the list that it is the connection key
    /// of profile `profileName` (the key this app signs its requests with), so revoking it ends the app's
    /// access until a new key is entered. Cancel stays the default button. Does nothing otherwise.
    void warnOwnConnectionKey(const QString &keyId, const QString &profileName);

    QPushButton *revokeButton() const { return m_revoke; }
    QPushButton *cancelButton() const { return m_cancel; }

public slots:
    /// Revoke: emits revokeRequested(capturedIds()) and closes with Accepted.
    void accept() override;

signals:
    void revokeRequested(const QStringList &ids);

private:
    QList<ApiKey> m_keys;
    QPushButton *m_revoke = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace pk::ui
