#include "revokedialog.h"

#include "logging.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QTableWidget>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>

namespace pk::ui {

namespace {

// Each key once, in the given order: a key listed twice would be revoked once and then reported as failed.
QList<ApiKey> uniqueById(const QList<ApiKey> &keys)
{
    QList<ApiKey> unique;
    QSet<QString> seen;
    for (const ApiKey &k : keys) {
        if (!seen.contains(k.id)) {
            seen.insert(k.id);
            unique.append(k);
        }
    }
    return unique;
}

} // namespace

RevokeDialog::RevokeDialog(const QList<ApiKey> &keys, const QHash<QString, QString> &workspaceNames,
                           QWidget *parent)
    : QDialog(parent), m_keys(uniqueById(keys))
{
    setObjectName(QStringLiteral("revokeDialog"));
    const int n = int(m_keys.size());
    setWindowTitle(n == 1 ? tr("Revoke key") : tr("Revoke %1 keys").arg(n));

    auto *intro =
        new QLabel(n == 1 ? tr("Revoke this key? Every request that uses it will fail from now on. This "
                               "cannot be undone.")
                          : tr("Revoke these %1 keys? Every request that uses them will fail from now "
                               "on. This cannot be undone.")
                                .arg(n),
                   this);
    intro->setWordWrap(true);

    auto *table = new QTableWidget(n, 4, this);
    table->setObjectName(QStringLiteral("revokeKeys"));
    table->setHorizontalHeaderLabels({tr("Name"), tr("Type"), tr("Workspace"), tr("Key")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    for (int row = 0; row < n; ++row) {
        const ApiKey &k = m_keys.at(row);
        const QString workspace =
            k.workspaceId.isEmpty() ? tr("organisation") : workspaceNames.value(k.workspaceId, k.workspaceId);
        const QStringList cells{k.name.isEmpty() ? k.id : k.name, keyTypeLabel(k.keyType()), workspace,
                                k.maskedKey};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            // Escaped: a tooltip renders anything that looks like HTML, and names come from the server.
            // The name column elides long names in the middle; its tooltip carries the full name and the id.
            item->setToolTip(
                Qt::convertFromPlainText(col == 0 ? tr("%1\nid %2").arg(cells.at(0), k.id) : cells.at(col)));
            table->setItem(row, col, item);
        }
    }
    // Type, workspace and masked key keep their full width; the name column takes what is left and elides
    // a long name in the middle, so its start and end stay readable.
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideMiddle);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QHeaderView *header = table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(0, QHeaderView::Stretch);
    int fixedWidth = 0;
    for (int col = 1; col < table->columnCount(); ++col) {
        header->setSectionResizeMode(col, QHeaderView::ResizeToContents);
        table->resizeColumnToContents(col); // the wider of its cells and its header
        fixedWidth += table->columnWidth(col);
    }
    // Room for about 24 characters of a name (never less than its header) next to the other columns.
    const int nameWidth = std::max(table->fontMetrics().averageCharWidth() * 24, header->sectionSizeHint(0));
    table->setMinimumWidth(fixedWidth + nameWidth + 2 * table->frameWidth() +
                           (n > 8 ? table->verticalScrollBar()->sizeHint().width() : 0));
    table->resizeRowsToContents();
    // Show up to 8 keys without scrolling; more scroll.
    int rowsHeight = 0;
    for (int row = 0; row < std::min(n, 8); ++row)
        rowsHeight += table->rowHeight(row);
    table->setFixedHeight(table->horizontalHeader()->sizeHint().height() + rowsHeight +
                          2 * table->frameWidth());

    auto *buttons = new QDialogButtonBox(this);
    m_revoke = buttons->addButton(n == 1 ? tr("Revoke key") : tr("Revoke %1 keys").arg(n),
                                  QDialogButtonBox::DestructiveRole);
    m_revoke->setObjectName(QStringLiteral("revokeButton"));
    m_revoke->setAutoDefault(false);
    m_revoke->setDefault(false);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setDefault(true);
    connect(m_revoke, &QPushButton::clicked, this, &RevokeDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(table);
    layout->addWidget(buttons);
    m_cancel->setFocus();
    setMinimumWidth(minimumSizeHint().width());
    resize(std::max(600, minimumWidth()), sizeHint().height());
}

void RevokeDialog::warnOwnConnectionKey(const QString &keyId, const QString &profileName)
{
    const auto own = std::find_if(m_keys.cbegin(), m_keys.cend(),
                                  [&keyId](const ApiKey &k) { return !keyId.isEmpty() && k.id == keyId; });
    if (own == m_keys.cend())
        return;
    auto *warning = new QLabel(
        tr("\"%1\" is the connection key of profile \"%2\": this app uses it to talk to Portkey. If you "
           "revoke it, the app loses access at once and can do nothing more until you enter a new key.")
            .arg(own->name.isEmpty() ? own->id : own->name, profileName),
        this);
    warning->setObjectName(QStringLiteral("revokeOwnKeyWarning"));
    warning->setTextFormat(Qt::PlainText); // names come from the server and the profile
    warning->setWordWrap(true);
    warning->setStyleSheet(QStringLiteral("color: palette(highlighted-text); background: #b3261e;"
                                          " padding: 6px; border-radius: 3px;"));
    if (auto *box = qobject_cast<QVBoxLayout *>(layout()))
        box->insertWidget(1, warning);
    m_cancel->setDefault(true);
    m_cancel->setFocus();
    resize(width(), sizeHint().height());
}

QStringList RevokeDialog::capturedIds() const
{
    QStringList ids;
    for (const ApiKey &k : m_keys)
        ids.append(k.id);
    return ids;
}

bool RevokeDialog::keysStillMatch(const QList<ApiKey> &current) const
{
    for (const ApiKey &captured : m_keys) {
        const auto it = std::find_if(current.begin(), current.end(),
                                     [&captured](const ApiKey &k) { return k.id == captured.id; });
        if (it == current.end())
            return false;
        if (it->name != captured.name || it->type != captured.type ||
            it->workspaceId != captured.workspaceId || it->maskedKey != captured.maskedKey)
            return false;
    }
    return true;
}

void RevokeDialog::accept()
{
    const QStringList ids = capturedIds();
    qCInfo(lcUiKeys) << "revoke confirmed for" << ids.size() << "keys:" << ids;
    emit revokeRequested(ids);
    QDialog::accept();
}

} // namespace pk::ui
