#include "mainwindow.h"

#include "actioncontroller.h"
#include "detailspane.h"
#include "dialoghook.h"
#include "keyviewproxy.h"
#include "logging.h"
#include "messagebar.h"
#include "preferencesdialog.h"
#include "shortcutsdialog.h"

#include "access/accesspolicy.h"
#include "models/keyfilterproxy.h"
#include "models/keylist.h"
#include "models/keytablemodel.h"
#include "models/memberlist.h"
#include "models/membertablemodel.h"
#include "models/navigationmodel.h"
#include "models/selectionkeeper.h"
#include "models/userlist.h"
#include "models/usertablemodel.h"
#include "secrets/apikeytext.h"
#include "secrets/credentialstore.h"
#include "storage/cachestore.h"
#include "storage/profilestore.h"
#include "sync/session.h"
#include "ui/keys/clipboardservice.h"
#include "ui/keys/dialoghooks.h"
#include "ui/keys/editkeydialog.h"
#include "ui/keys/newkeydialog.h"
#include "ui/keys/revokedialog.h"
#include "ui/keys/rotatedialog.h"
#include "ui/keys/secretdialog.h"
#include "ui/org/orgactions.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QRegularExpression>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocument>
#include <QTimeZone>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

static void initPortkeyResources()
{
    Q_INIT_RESOURCE(portkey);
}

namespace pk::ui {

namespace KeyList = models::KeyList;
namespace Navigation = models::Navigation;

namespace {

/// "2026-11-30 10:12 (CET)": local time with its zone, for the status bar.
QString localWithZone(const QDateTime &utc)
{
    const QDateTime local = utc.toLocalTime();
    return QStringLiteral("%1 (%2)").arg(local.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                         local.timeZoneAbbreviation());
}

QIcon resourceIcon(const QString &name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(name));
}

} // namespace

struct MainWindow::Private
{
    Session *session = nullptr;
    ClipboardService *clipboard = nullptr;
    CredentialStore *credentials = nullptr;

    models::KeyTableModel *keys = nullptr;
    KeyViewProxy *proxy = nullptr;
    models::NavigationModel *nav = nullptr;
    models::MemberTableModel *members = nullptr;
    QSortFilterProxyModel *memberProxy = nullptr;
    models::UserTableModel *users = nullptr;
    QSortFilterProxyModel *userProxy = nullptr;
    models::SelectionKeeper *keeper = nullptr;

    QTreeView *navView = nullptr;
    QTableView *table = nullptr;
    QLineEdit *search = nullptr;
    QComboBox *typeFilter = nullptr;
    QComboBox *statusFilter = nullptr;
    DetailsPane *details = nullptr;
    MessageBar *bar = nullptr;
    QProgressBar *progress = nullptr;
    QToolButton *cancelButton = nullptr;
    QAction *cancelAction = nullptr;
    QWidget *idFilterBar = nullptr;
    QLabel *idFilterText = nullptr;
    QAction *listAdminKeys = nullptr; ///< gating only: whether the connection may list Admin API keys
    QList<QAction *> tabActions;      ///< View → API keys / Members / Users, one per tab
    QLabel *syncStatus = nullptr;
    QLabel *principalLabel = nullptr;
    QTabWidget *tabs = nullptr;
    QTableView *membersView = nullptr;
    QLabel *membersHint = nullptr;
    QTableView *usersView = nullptr;
    QAction *showMembers = nullptr;
    QAction *showUsers = nullptr;
    QAction *listKeys = nullptr; ///< gating only: whether the connection may list service keys
    QHash<QString, QAction *> actions;
    OrgActions *org = nullptr; ///< workspaces, members, users, invites, audit log (ui/org)

    int writes = 0;                  ///< server writes in flight
    bool columnsSized = false;       ///< columns were fitted to the first non-empty content
    bool firstSelectionDone = false; ///< the first key was selected after the first load
    bool offline = false;            ///< the last sync failed for network reasons
    bool credentialRejected = false; ///< the last sync got 401
    QSet<QString> learnedMissingScopes;
    QString viewAsWorkspace; ///< "View as" preview: the workspace, empty when off
    QString viewAsRole;      ///< "View as" preview: `manager` or `member`
    QMenu *viewAsMenu = nullptr;
    QStringList viewAsWorkspaces; ///< the workspaces the menu was built for

    // A bulk revoke: one key at a time, so progress is real and Cancel stops between keys.
    bool revoking = false;
    bool revokeCancelled = false;
    QStringList revokeQueue;           ///< ids not yet sent
    int revokeTotal = 0;               ///< ids confirmed in the dialog
    RevokeKeysResult revokeResult;     ///< merged outcome so far
    QHash<QString, ApiKey> revokeKeys; ///< the keys as confirmed, for names in the result
};

MainWindow::MainWindow(Session *session, QWidget *parent) : QMainWindow(parent), d(new Private)
{
    initPortkeyResources();
    Q_ASSERT(session);
    d->session = session;
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Portkey Key Manager"));
    setWindowIcon(resourceIcon(QStringLiteral("app")));
    d->clipboard = new ClipboardService(this);
    d->credentials = new CredentialStore(this);
    m_controller = new ActionController(this);

    // Models.
    d->keys = new models::KeyTableModel(this);
    d->proxy = new KeyViewProxy(this);
    d->proxy->setSourceModel(d->keys);
    d->nav = new models::NavigationModel(this);
    d->members = new models::MemberTableModel(this);
    d->memberProxy = new QSortFilterProxyModel(this);
    d->memberProxy->setSourceModel(d->members);
    d->memberProxy->setFilterRole(models::MemberList::WorkspaceIdRole);
    d->memberProxy->setSortRole(models::MemberList::SortRole);
    d->users = new models::UserTableModel(this);
    d->userProxy = new QSortFilterProxyModel(this);
    d->userProxy->setSourceModel(d->users);
    d->userProxy->setSortRole(models::UserList::SortRole);

    // Navigation.
    d->navView = new QTreeView;
    d->navView->setObjectName(QStringLiteral("navigation"));
    d->navView->setModel(d->nav);
    d->navView->setHeaderHidden(true);
    d->navView->setUniformRowHeights(true);
    d->navView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->navView->setMinimumWidth(180);

    // Keys table with search and filters.
    d->search = new QLineEdit;
    d->search->setObjectName(QStringLiteral("searchBox"));
    d->search->setPlaceholderText(tr("Search name, key, id, scope… (Ctrl+F)"));
    d->search->setClearButtonEnabled(true);
    d->search->addAction(resourceIcon(QStringLiteral("find")), QLineEdit::LeadingPosition);
    d->search->installEventFilter(this); // Escape clears it

    d->typeFilter = new QComboBox;
    d->typeFilter->setObjectName(QStringLiteral("typeFilter"));
    d->typeFilter->addItem(tr("All types"), -1);
    for (KeyType t : {KeyType::OrganisationService, KeyType::WorkspaceService, KeyType::WorkspaceUser})
        d->typeFilter->addItem(keyTypeLabel(t), int(t));
    d->statusFilter = new QComboBox;
    d->statusFilter->setObjectName(QStringLiteral("statusFilter"));
    d->statusFilter->addItem(tr("All statuses"), -1);
    d->statusFilter->addItem(tr("Active"), int(KeyStatus::Active));
    d->statusFilter->addItem(tr("Exhausted"), int(KeyStatus::Exhausted));
    d->statusFilter->addItem(tr("Expired"), int(KeyStatus::Expired));

    d->table = new QTableView;
    d->table->setObjectName(QStringLiteral("keysTable"));
    d->table->setModel(d->proxy);
    d->table->setSortingEnabled(true);
    d->table->sortByColumn(KeyList::Name, Qt::AscendingOrder);
    d->table->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    d->table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->table->setAlternatingRowColors(true);
    d->table->setWordWrap(false);
    d->table->setTextElideMode(Qt::ElideRight);
    d->table->verticalHeader()->hide();
    d->table->verticalHeader()->setDefaultSectionSize(d->table->fontMetrics().height() + 10);
    d->table->horizontalHeader()->setHighlightSections(false);
    d->table->horizontalHeader()->setStretchLastSection(false);
    d->table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    d->table->horizontalHeader()->setSectionResizeMode(KeyList::Name, QHeaderView::Stretch);
    d->table->horizontalHeader()->setMinimumSectionSize(60);
    d->keeper = new models::SelectionKeeper(d->table->selectionModel(), KeyList::IdRole, this);

    auto *filters = new QHBoxLayout;
    filters->addWidget(d->search, 1);
    filters->addWidget(d->typeFilter);
    filters->addWidget(d->statusFilter);

    // "Only these keys" (e.g. from the expiry notice), with a button that shows all keys again.
    d->idFilterBar = new QFrame;
    d->idFilterBar->setObjectName(QStringLiteral("keyIdFilter"));
    d->idFilterBar->setStyleSheet(QStringLiteral(
        "QFrame#keyIdFilter { background: #eef3fb; border: 1px solid #b9cbe8; border-radius: 3px; }"));
    d->idFilterText = new QLabel;
    d->idFilterText->setObjectName(QStringLiteral("keyIdFilterText"));
    d->idFilterText->setTextFormat(Qt::PlainText); // ids and names from the server
    auto *showAll = new QToolButton;
    showAll->setObjectName(QStringLiteral("keyIdFilterClear"));
    showAll->setText(tr("Show all keys"));
    showAll->setAutoRaise(true);
    connect(showAll, &QToolButton::clicked, this, [this] { showOnlyKeys({}, {}); });
    auto *idFilterLayout = new QHBoxLayout(d->idFilterBar);
    idFilterLayout->setContentsMargins(8, 2, 2, 2);
    idFilterLayout->addWidget(d->idFilterText, 1);
    idFilterLayout->addWidget(showAll);
    d->idFilterBar->hide();
    d->details = new DetailsPane;
    auto *keysSplitter = new QSplitter(Qt::Vertical);
    keysSplitter->setObjectName(QStringLiteral("keysSplitter"));
    keysSplitter->addWidget(d->table);
    keysSplitter->addWidget(d->details);
    keysSplitter->setStretchFactor(0, 1);
    keysSplitter->setStretchFactor(1, 0);
    keysSplitter->setSizes({470, 250});
    keysSplitter->setChildrenCollapsible(false);
    auto *keysPage = new QWidget;
    auto *keysLayout = new QVBoxLayout(keysPage);
    keysLayout->setContentsMargins(0, 6, 0, 0);
    keysLayout->addLayout(filters);
    keysLayout->addWidget(d->idFilterBar);
    keysLayout->addWidget(keysSplitter, 1);

    // Members and users.
    d->membersView = new QTableView;
    d->membersView->setObjectName(QStringLiteral("membersTable"));
    d->membersView->setModel(d->memberProxy);
    d->usersView = new QTableView;
    d->usersView->setObjectName(QStringLiteral("usersTable"));
    d->usersView->setModel(d->userProxy);
    for (QTableView *view : {d->membersView, d->usersView}) {
        view->setSortingEnabled(true);
        view->sortByColumn(0, Qt::AscendingOrder);
        view->setSelectionBehavior(QAbstractItemView::SelectRows);
        view->setEditTriggers(QAbstractItemView::NoEditTriggers);
        view->setAlternatingRowColors(true);
        view->verticalHeader()->hide();
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        view->horizontalHeader()->setStretchLastSection(true);
    }
    d->membersHint = new QLabel;
    d->membersHint->setObjectName(QStringLiteral("membersHint"));
    d->membersHint->setTextFormat(Qt::PlainText); // "Members of <workspace name>"
    d->membersHint->setWordWrap(true);
    auto *membersPage = new QWidget;
    auto *membersLayout = new QVBoxLayout(membersPage);
    membersLayout->setContentsMargins(0, 6, 0, 0);
    membersLayout->addWidget(d->membersHint);
    membersLayout->addWidget(d->membersView, 1);

    d->tabs = new QTabWidget;
    d->tabs->setObjectName(QStringLiteral("mainTabs"));
    d->tabs->setDocumentMode(true);
    d->tabs->addTab(keysPage, tr("API keys"));
    d->tabs->addTab(membersPage, tr("Members"));
    d->tabs->addTab(d->usersView, tr("Users"));

    d->bar = new MessageBar;

    auto *centre = new QWidget;
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->addWidget(d->bar);
    centreLayout->addWidget(d->tabs, 1);

    auto *splitter = new QSplitter;
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(d->navView);
    splitter->addWidget(centre);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 1020});
    splitter->setChildrenCollapsible(false);
    auto *frame = new QWidget;
    auto *frameLayout = new QVBoxLayout(frame);
    frameLayout->setContentsMargins(6, 0, 6, 0);
    frameLayout->addWidget(splitter);
    setCentralWidget(frame);

    // Status bar.
    d->syncStatus = new QLabel;
    d->syncStatus->setObjectName(QStringLiteral("syncStatus"));
    d->syncStatus->setTextFormat(Qt::PlainText); // may quote a server error
    d->syncStatus->setContentsMargins(4, 0, 8, 0);
    d->progress = new QProgressBar;
    d->progress->setObjectName(QStringLiteral("syncProgress"));
    d->progress->setMaximumWidth(260);
    d->progress->setTextVisible(true);
    d->progress->hide();
    d->principalLabel = new QLabel;
    d->principalLabel->setObjectName(QStringLiteral("principalLabel"));
    d->principalLabel->setTextFormat(Qt::PlainText); // "Acting as <key name>, <e-mail>"
    statusBar()->addPermanentWidget(d->syncStatus);
    d->cancelButton = new QToolButton;
    d->cancelButton->setObjectName(QStringLiteral("syncCancel"));
    d->cancelButton->setText(tr("Cancel"));
    d->cancelButton->setToolTip(tr("Stop the running sync or revoke (Esc)"));
    d->cancelButton->setAutoRaise(true);
    d->cancelButton->hide();
    connect(d->cancelButton, &QToolButton::clicked, this, &MainWindow::cancelWork);
    statusBar()->addPermanentWidget(d->progress);
    statusBar()->addPermanentWidget(d->cancelButton);
    statusBar()->addPermanentWidget(d->principalLabel);

    // Actions.
    const auto makeAction = [this](const QString &name, const QString &text, const QString &icon,
                                   const QList<QKeySequence> &shortcuts) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        if (!icon.isEmpty())
            a->setIcon(resourceIcon(icon));
        a->setShortcuts(shortcuts);
        d->actions.insert(name, a);
        return a;
    };
    QAction *syncAction = makeAction(QStringLiteral("actionSync"), tr("&Sync"), QStringLiteral("sync"),
                                     {QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_R)});
    QAction *newAction = makeAction(QStringLiteral("actionNewKey"), tr("&New service key…"),
                                    QStringLiteral("key-new"), {QKeySequence(Qt::CTRL | Qt::Key_N)});
    QAction *editAction = makeAction(QStringLiteral("actionEdit"), tr("&Edit…"), QStringLiteral("edit"),
                                     {QKeySequence(Qt::Key_F2)});
    QAction *rotateAction =
        makeAction(QStringLiteral("actionRotate"), tr("R&otate…"), QStringLiteral("key-rotate"),
                   {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)});
    QAction *revokeAction = makeAction(QStringLiteral("actionRevoke"), tr("&Revoke…"),
                                       QStringLiteral("key-revoke"), {QKeySequence(Qt::Key_Delete)});
    QAction *copyAction =
        makeAction(QStringLiteral("actionCopyId"), tr("&Copy key id"), QStringLiteral("copy"),
                   {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)});
    QAction *findAction = makeAction(QStringLiteral("actionFind"), tr("&Find"), QStringLiteral("find"),
                                     {QKeySequence(Qt::CTRL | Qt::Key_F)});
    QAction *quitAction = makeAction(QStringLiteral("actionQuit"), tr("&Quit"), QStringLiteral("quit"),
                                     {QKeySequence(Qt::CTRL | Qt::Key_Q)});
    quitAction->setMenuRole(QAction::QuitRole);
    d->cancelAction = makeAction(QStringLiteral("actionCancel"), tr("&Cancel sync or revoke"), {},
                                 {QKeySequence(Qt::Key_Escape)});
    d->cancelAction->setEnabled(false);
    d->cancelAction->setToolTip(tr("Stop the running sync or bulk revoke (Esc)"));
    QAction *preferencesAction = makeAction(QStringLiteral("actionPreferences"), tr("&Preferences…"), {},
                                            {QKeySequence(Qt::CTRL | Qt::Key_Comma)});
    preferencesAction->setMenuRole(QAction::PreferencesRole);
    QAction *shortcutsAction = makeAction(QStringLiteral("actionShortcuts"), tr("&Keyboard shortcuts"), {},
                                          {QKeySequence(Qt::CTRL | Qt::Key_Slash)});
    QAction *whoAction = makeAction(QStringLiteral("actionWhoAmI"), tr("&Who am I?"), {},
                                    {QKeySequence(Qt::CTRL | Qt::Key_I)});
    QAction *aboutAction =
        makeAction(QStringLiteral("actionAbout"), tr("&About Portkey Key Manager"), {}, {});
    aboutAction->setMenuRole(QAction::AboutRole);
    const QStringList tabNames = {QStringLiteral("actionShowKeysTab"), QStringLiteral("actionShowMembersTab"),
                                  QStringLiteral("actionShowUsersTab")};
    const QStringList tabTexts = {tr("&API keys"), tr("&Members"), tr("&Users")};
    for (int i = 0; i < int(tabNames.size()); ++i) {
        QAction *tabAction =
            makeAction(tabNames.at(i), tabTexts.at(i), {}, {QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i))});
        connect(tabAction, &QAction::triggered, this, [this, i] {
            if (d->tabs->isTabEnabled(i))
                d->tabs->setCurrentIndex(i);
        });
        d->tabActions.append(tabAction);
    }
    d->showMembers = new QAction(tr("Members"), this);
    d->showMembers->setObjectName(QStringLiteral("actionShowMembers"));
    d->showUsers = new QAction(tr("Users"), this);
    d->showUsers->setObjectName(QStringLiteral("actionShowUsers"));
    d->listKeys = new QAction(tr("List keys"), this);
    d->listKeys->setObjectName(QStringLiteral("actionListKeys"));
    d->actions.insert(d->listKeys->objectName(), d->listKeys);
    d->listAdminKeys = new QAction(tr("List Admin API keys"), this);
    d->listAdminKeys->setObjectName(QStringLiteral("actionListAdminKeys"));
    d->actions.insert(d->listAdminKeys->objectName(), d->listAdminKeys);
    d->actions.insert(d->showMembers->objectName(), d->showMembers);
    d->actions.insert(d->showUsers->objectName(), d->showUsers);

    connect(syncAction, &QAction::triggered, this, &MainWindow::sync);
    connect(newAction, &QAction::triggered, this, &MainWindow::newServiceKey);
    connect(editAction, &QAction::triggered, this, &MainWindow::editSelected);
    connect(rotateAction, &QAction::triggered, this, &MainWindow::rotateSelected);
    connect(revokeAction, &QAction::triggered, this, &MainWindow::revokeSelected);
    connect(copyAction, &QAction::triggered, this, &MainWindow::copyKeyId);
    connect(findAction, &QAction::triggered, this, &MainWindow::focusSearch);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);
    connect(d->cancelAction, &QAction::triggered, this, &MainWindow::cancelWork);
    connect(preferencesAction, &QAction::triggered, this, &MainWindow::showPreferences);
    connect(shortcutsAction, &QAction::triggered, this, &MainWindow::showShortcuts);

    // What each action performs and needs (issue 5 "Gating in the UI").
    m_controller->addAction(syncAction, std::nullopt, NeedsConnection,
                            tr("Fetch workspaces, members and keys from the server (F5)"));
    m_controller->addAction(newAction, access::Action::ServiceKeyCreate, NeedsConnection | NeedsWorkspace,
                            tr("Issue a new workspace service key (Ctrl+N)"));
    m_controller->addKeyAction(editAction, access::KeyVerb::Update, NeedsConnection | NeedsOneKey,
                               tr("Change the selected key's name, scopes and limits (F2)"));
    m_controller->addKeyAction(
        rotateAction, access::KeyVerb::Rotate, NeedsConnection | NeedsOneKey,
        tr("Issue a new secret for the selected key; the old one works for a transition "
           "period (Ctrl+Shift+R)"));
    m_controller->addKeyAction(revokeAction, access::KeyVerb::Delete, NeedsConnection,
                               tr("Delete the selected keys on the server (Delete)"));
    m_controller->addAction(copyAction, std::nullopt, NeedsOneKey,
                            tr("Copy the selected key's id (not its secret) (Ctrl+Shift+C)"));
    m_controller->addAction(findAction, std::nullopt, NeedsNothing, tr("Search the keys (Ctrl+F)"));
    m_controller->addAction(quitAction, std::nullopt, NeedsNothing, tr("Quit (Ctrl+Q)"));
    m_controller->addAction(d->showMembers, access::Action::MemberList, NeedsWorkspace,
                            tr("The members of the selected workspace"));
    m_controller->addAction(d->showUsers, access::Action::UserList, NeedsNothing,
                            tr("The organisation's users"));
    m_controller->addAction(d->listKeys, access::Action::ServiceKeyList, NeedsNothing,
                            tr("List the workspace service keys"));
    m_controller->addAction(d->listAdminKeys, access::Action::AdminKeyList, NeedsNothing,
                            tr("Organisation-level Admin API keys"));

    // Menus and toolbar.
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(syncAction);
    fileMenu->addAction(d->cancelAction);
    fileMenu->addSeparator();
    fileMenu->addAction(quitAction);
    QMenu *keysMenu = menuBar()->addMenu(tr("&Keys"));
    keysMenu->addAction(newAction);
    keysMenu->addAction(editAction);
    keysMenu->addAction(rotateAction);
    keysMenu->addAction(revokeAction);
    keysMenu->addSeparator();
    keysMenu->addAction(copyAction);
    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    editMenu->addAction(findAction);
    editMenu->addSeparator();
    editMenu->addAction(preferencesAction);
    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addActions(d->tabActions);
    viewMenu->addSeparator();
    d->viewAsMenu = viewMenu->addMenu(tr("View &as"));
    d->viewAsMenu->setObjectName(QStringLiteral("menuViewAs"));
    d->viewAsMenu->setToolTipsVisible(true);
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(shortcutsAction);
    helpMenu->addAction(whoAction);
    connect(whoAction, &QAction::triggered, this, [this] {
        auto *box = new QMessageBox(QMessageBox::Information, tr("Who am I?"), d->principalLabel->text(),
                                    QMessageBox::Ok, this);
        box->setTextFormat(Qt::PlainText); // names and e-mails from the server
        box->setInformativeText(d->principalLabel->toolTip());
        askQuestion(box, this, [](int) {});
    });
    helpMenu->addSeparator();
    helpMenu->addAction(aboutAction);
    connect(aboutAction, &QAction::triggered, this, [this] {
        auto *box =
            new QMessageBox(QMessageBox::Information, tr("About Portkey Key Manager"),
                            tr("Portkey Key Manager %1\nManage the API keys, workspaces and members of "
                               "a Portkey organisation.")
                                .arg(QApplication::applicationVersion()),
                            QMessageBox::Ok, this);
        askQuestion(box, this, [](int) {});
    });

    // Organisation management: its own menus (before Help) and the members' and users' context menus.
    OrgViews orgViews;
    orgViews.navigation = d->navView;
    orgViews.tabs = d->tabs;
    orgViews.members = d->membersView;
    orgViews.users = d->usersView;
    orgViews.messageBar = d->bar;
    orgViews.clipboard = d->clipboard;
    d->org = new OrgActions(this, m_controller, session, orgViews);
    connect(d->org, &OrgActions::writingChanged, this, &MainWindow::refreshActions);

    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setIconSize(QSize(18, 18));
    toolbar->addAction(syncAction);
    toolbar->addSeparator();
    toolbar->addAction(newAction);
    toolbar->addAction(editAction);
    toolbar->addAction(rotateAction);
    toolbar->addAction(revokeAction);
    toolbar->addSeparator();
    toolbar->addAction(copyAction);

    d->table->setContextMenuPolicy(Qt::ActionsContextMenu);
    d->table->addActions({editAction, rotateAction, revokeAction, copyAction});
    connect(d->table, &QTableView::doubleClicked, this, [editAction] {
        if (editAction->isEnabled())
            editAction->trigger();
    });

    // Tab order: navigation, search and filters, the table, then the other tabs' tables.
    setTabOrder(d->navView, d->search);
    setTabOrder(d->search, d->typeFilter);
    setTabOrder(d->typeFilter, d->statusFilter);
    setTabOrder(d->statusFilter, d->table);
    setTabOrder(d->table, d->membersView);
    setTabOrder(d->membersView, d->usersView);

    // Filters and selection.
    connect(d->search, &QLineEdit::textChanged, d->proxy, &models::KeyFilterProxy::setSearchText);
    connect(d->typeFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int v = d->typeFilter->currentData().toInt();
        d->proxy->setKeyTypeFilter(v < 0 ? std::nullopt : std::optional<KeyType>(KeyType(v)));
    });
    connect(d->statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int v = d->statusFilter->currentData().toInt();
        d->proxy->setStatusFilter(v < 0 ? std::nullopt : std::optional<KeyStatus>(KeyStatus(v)));
    });
    connect(d->navView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { applyNavigation(); });
    connect(d->table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { selectionChanged(); });
    // Key actions act only while the keys view is shown (ActionContext::keysViewCurrent).
    connect(d->tabs, &QTabWidget::currentChanged, this, [this] { refreshActions(); });
    connect(d->proxy, &QAbstractItemModel::modelReset, this, [this] { selectionChanged(); });
    connect(d->proxy, &QAbstractItemModel::rowsRemoved, this, [this] { selectionChanged(); });
    connect(d->keys, &QAbstractItemModel::dataChanged, this, [this] { selectionChanged(); });

    // The session.
    connect(session, &Session::opened, this, [this] {
        d->credentialRejected = false;
        reloadSnapshot();
        if (m_syncOnOpen && !d->session->isSyncing())
            sync();
    });
    connect(session, &Session::openFailed, this,
            [this](const QString &error, const QString &remedy, bool canRebuild) {
                showOpenFailure(remedy.isEmpty() ? error : tr("%1 %2").arg(error, remedy), canRebuild);
                refreshActions();
                if (!canRebuild)
                    offerKeyEntryWhenMissing();
            });
    connect(session, &Session::snapshotChanged, this, [this] { reloadSnapshot(); });
    connect(session, &Session::stateChanged, this, [this] { refreshActions(); });
    connect(session, &Session::principalChanged, this, [this] {
        refreshPrincipal();
        refreshActions();
    });
    connect(session, &Session::syncStarted, this, [this] {
        showWorkProgress(tr("Connecting…"), 0, 0);
        d->progress->setToolTip(tr("Syncing"));
        refreshActions();
    });
    connect(session, &Session::syncProgress, this, [this](const QString &stage, int done, int total) {
        showWorkProgress(tr("%1 — %2 of %3").arg(stage).arg(done).arg(total), done, qMax(total, 1));
        d->progress->setToolTip(tr("Syncing: %1").arg(stage));
    });
    connect(session, &Session::syncFinished, this,
            [this](const ApiError &error, const SyncDiff &diff) { syncFinished(error, diff); });
    connect(session, &Session::credentialRejected, this, [this](const ApiError &) { credentialRejected(); });

    const ProfileStore store;
    applyPreferences(store.clipboardClearDelaySeconds(), store.expiryWarningDays());

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    if (settings.value(QStringLiteral("mainWindow/geometry")).isNull())
        resize(1280, 800);

    reloadSnapshot();
}

MainWindow::~MainWindow() = default;

void MainWindow::setSyncOnOpen(bool on)
{
    m_syncOnOpen = on;
}

ClipboardService *MainWindow::clipboardService() const
{
    return d->clipboard;
}

void MainWindow::applyPreferences(int clipboardClearDelaySeconds, int expiryWarningDays)
{
    const int seconds = qBound(PreferencesDialog::kMinClipboardSeconds, clipboardClearDelaySeconds,
                               PreferencesDialog::kMaxClipboardSeconds);
    const int days =
        qBound(PreferencesDialog::kMinWarningDays, expiryWarningDays, PreferencesDialog::kMaxWarningDays);
    d->clipboard->setClearDelayMs(seconds * 1000);
    d->keys->setExpiryWarningDays(days);
    qCInfo(lcUi) << "preferences: clipboard clear delay" << seconds << "s, expiry warning" << days << "days";
}

void MainWindow::showPreferences()
{
    auto *dialog = new PreferencesDialog(this);
    dialog->setClipboardClearDelaySeconds(d->clipboard->clearDelayMs() / 1000);
    dialog->setExpiryWarningDays(d->keys->expiryWarningDays());
    openDialog(dialog, [this, dialog](int result) {
        if (result != QDialog::Accepted)
            return;
        const int seconds = dialog->clipboardClearDelaySeconds();
        const int days = dialog->expiryWarningDays();
        ProfileStore store;
        store.setClipboardClearDelaySeconds(seconds);
        store.setExpiryWarningDays(days);
        if (!store.sync()) {
            d->bar->showMessage(MessageBar::Kind::Error,
                                tr("The preferences could not be saved to %1; they apply until you quit.")
                                    .arg(store.fileName()));
        }
        applyPreferences(seconds, days);
    });
}

void MainWindow::showShortcuts()
{
    openDialog(new ShortcutsDialog(menuBar(), this), {});
}

void MainWindow::cancelWork()
{
    if (d->revoking) {
        d->revokeCancelled = true;
        d->progress->setFormat(tr("Stopping after the current key…"));
        d->cancelButton->setEnabled(false);
        return;
    }
    if (d->session->isSyncing())
        d->session->cancelSync();
}

bool MainWindow::isRevoking() const
{
    return d->revoking;
}

QStringList MainWindow::attentionKeyIds() const
{
    const access::Principal principal = effectivePrincipal();
    const QDateTime now = d->keys->now();
    const QDateTime horizon = now.addDays(d->keys->expiryWarningDays());
    QStringList ids;
    for (const ApiKey &key : d->session->snapshot().keys) {
        const bool exhausted = key.keyStatus() == KeyStatus::Exhausted;
        const bool expiring =
            key.keyStatus() == KeyStatus::Active && key.expiresAt.isValid() && key.expiresAt.utc() <= horizon;
        if (!exhausted && !expiring)
            continue;
        bool manageable = false;
        for (access::KeyVerb verb :
             {access::KeyVerb::Update, access::KeyVerb::Rotate, access::KeyVerb::Delete}) {
            const auto action = access::keyAction(key.keyType(), verb);
            manageable =
                manageable ||
                (action &&
                 access::AccessPolicy::decide(principal, *action, access::Target::forKey(key)).allowed);
        }
        if (manageable)
            ids.append(key.id);
    }
    return ids;
}

void MainWindow::showAttentionNotice()
{
    const QStringList ids = attentionKeyIds();
    if (ids.isEmpty())
        return;
    int exhausted = 0;
    for (const QString &id : ids) {
        if (const ApiKey *key = d->keys->keyById(id); key && key->keyStatus() == KeyStatus::Exhausted)
            ++exhausted;
    }
    const int expiring = int(ids.size()) - exhausted;
    const int days = d->keys->expiryWarningDays();
    const QString dayText = days == 1 ? tr("1 day") : tr("%1 days").arg(days);
    QStringList parts;
    if (expiring > 0) {
        parts.append(expiring == 1 ? tr("1 key you manage expires within %1").arg(dayText)
                                   : tr("%1 keys you manage expire within %2").arg(expiring).arg(dayText));
    }
    if (exhausted > 0) {
        const QString subject = expiring > 0     ? QString::number(exhausted)
                                : exhausted == 1 ? tr("1 key you manage")
                                                 : tr("%1 keys you manage").arg(exhausted);
        parts.append(exhausted == 1 ? tr("%1 has reached its usage limit").arg(subject)
                                    : tr("%1 have reached their usage limit").arg(subject));
    }
    const QString text = parts.join(tr(" and ")) + QLatin1Char('.');
    qCInfo(lcUi) << "expiry notice:" << expiring << "expiring," << exhausted << "exhausted";
    d->bar->showMessage(MessageBar::Kind::Warning, text, tr("Show them"), [this, ids] {
        showOnlyKeys(
            ids,
            ids.size() == 1
                ? tr("Showing the key that expires soon or reached its usage limit.")
                : tr("Showing the %1 keys that expire soon or reached their usage limit.").arg(ids.size()));
    });
}

void MainWindow::showOnlyKeys(const QStringList &ids, const QString &description)
{
    if (!ids.isEmpty()) {
        d->search->clear();
        d->typeFilter->setCurrentIndex(0);
        d->statusFilter->setCurrentIndex(0);
        if (d->nav->rowCount() > 0)
            d->navView->setCurrentIndex(d->nav->organisationIndex());
        d->tabs->setCurrentIndex(0);
    }
    d->proxy->setIdFilter(QSet<QString>(ids.cbegin(), ids.cend()));
    d->idFilterText->setText(description);
    d->idFilterBar->setVisible(!ids.isEmpty());
    selectionChanged();
}

QStringList MainWindow::keyIdFilter() const
{
    const QSet<QString> &ids = d->proxy->idFilter();
    QStringList list(ids.cbegin(), ids.cend());
    list.sort();
    return list;
}

void MainWindow::showWorkProgress(const QString &text, int done, int total)
{
    d->progress->setFormat(text);
    d->progress->setRange(0, total);
    d->progress->setValue(total > 0 ? qMin(done, total) : 0);
    d->progress->show();
    d->cancelButton->setEnabled(true);
    d->cancelButton->show();
    d->cancelAction->setEnabled(true);
}

void MainWindow::hideWorkProgress()
{
    d->progress->hide();
    d->cancelButton->hide();
    d->cancelAction->setEnabled(false);
}

QAction *MainWindow::action(const QString &objectName) const
{
    if (QAction *a = d->actions.value(objectName))
        return a;
    return d->org ? d->org->action(objectName) : nullptr;
}

OrgActions *MainWindow::orgActions() const
{
    return d->org;
}

DetailsPane *MainWindow::detailsPane() const
{
    return d->details;
}

MessageBar *MainWindow::messageBar() const
{
    return d->bar;
}

QList<ApiKey> MainWindow::selectedKeys() const
{
    QModelIndexList rows = d->table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<ApiKey> keys;
    for (const QModelIndex &index : std::as_const(rows)) {
        if (const ApiKey *key = d->proxy->itemAt(index))
            keys.append(*key);
    }
    return keys;
}

QStringList MainWindow::selectedKeyIds() const
{
    QStringList ids;
    for (const ApiKey &key : selectedKeys())
        ids.append(key.id);
    return ids;
}

bool MainWindow::selectKey(const QString &id)
{
    if (!d->keys->keyById(id))
        return false;
    QModelIndex index = d->proxy->indexForId(id);
    if (!index.isValid()) {
        // Hidden by a filter: show everything, then select it.
        d->search->clear();
        d->typeFilter->setCurrentIndex(0);
        d->statusFilter->setCurrentIndex(0);
        d->navView->setCurrentIndex(d->nav->organisationIndex());
        index = d->proxy->indexForId(id);
    }
    if (!index.isValid())
        return false;
    d->table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                           QItemSelectionModel::Rows);
    d->table->scrollTo(index);
    return true;
}

void MainWindow::showOpenFailure(const QString &text, bool offerRebuild)
{
    if (offerRebuild) {
        d->bar->showMessage(MessageBar::Kind::Error,
                            tr("%1 The unreadable file is kept aside; nothing is deleted.").arg(text),
                            tr("Rebuild from server"), [this] { d->session->rebuildCache(); });
    } else {
        d->bar->showMessage(MessageBar::Kind::Error, text);
    }
    updateSyncStatus();
}

void MainWindow::sync()
{
    if (d->session->state() != Session::State::Open) {
        d->bar->showMessage(MessageBar::Kind::Warning, tr("Not connected: open a profile first."));
        return;
    }
    if (!d->session->sync())
        statusBar()->showMessage(tr("A sync is already running."), 3000);
}

void MainWindow::focusSearch()
{
    d->tabs->setCurrentIndex(0);
    d->search->setFocus(Qt::ShortcutFocusReason);
    d->search->selectAll();
}

std::optional<ApiKey> MainWindow::soleSelectedKey(const QString &actionName) const
{
    const QList<ApiKey> keys = selectedKeys();
    if (keys.size() != 1 || (!actionName.isEmpty() && !action(actionName)->isEnabled()))
        return std::nullopt;
    return keys.first();
}

void MainWindow::copyKeyId()
{
    const std::optional<ApiKey> key = soleSelectedKey();
    if (!key)
        return;
    d->clipboard->copy(key->id, false);
    statusBar()->showMessage(tr("Copied the id of \"%1\" (the id is not a secret).").arg(key->name), 4000);
}

void MainWindow::newServiceKey()
{
    if (!action(QStringLiteral("actionNewKey"))->isEnabled())
        return;
    const access::Principal principal = effectivePrincipal();
    const CacheSnapshot &snapshot = d->session->snapshot();

    // Offer each key type with the policy's decision; workspace types are allowed when some workspace
    // allows them.
    QList<KeyTypeChoice> choices;
    const auto choiceFor = [&](KeyType type, access::Action action) {
        KeyTypeChoice choice;
        choice.type = type;
        if (access::isWorkspaceAction(action)) {
            choice.allowed = !m_controller->allowedWorkspaces(action).isEmpty();
            if (!choice.allowed) {
                const QString ws = currentWorkspaceId().isEmpty() && !snapshot.workspaces.isEmpty()
                                       ? snapshot.workspaces.first().id
                                       : currentWorkspaceId();
                choice.reason =
                    access::AccessPolicy::decide(principal, action, access::Target::forWorkspace(ws)).reason;
            }
        } else {
            const access::Decision decision = access::AccessPolicy::decide(principal, action);
            choice.allowed = decision.allowed;
            choice.reason = decision.allowed ? QString() : decision.reason;
        }
        return choice;
    };
    choices.append(choiceFor(KeyType::WorkspaceService, access::Action::ServiceKeyCreate));
    choices.append(choiceFor(KeyType::WorkspaceUser, access::Action::UserKeyCreate));
    choices.append(choiceFor(KeyType::OrganisationService, access::Action::AdminKeyCreate));

    QStringList allowedIds = m_controller->allowedWorkspaces(access::Action::ServiceKeyCreate);
    for (const QString &id : m_controller->allowedWorkspaces(access::Action::UserKeyCreate)) {
        if (!allowedIds.contains(id))
            allowedIds.append(id);
    }
    QList<Workspace> workspaces;
    for (const Workspace &ws : snapshot.workspaces) {
        if (allowedIds.contains(ws.id))
            workspaces.append(ws);
    }

    auto *dialog = new NewKeyDialog(this);
    dialog->setKeyTypeChoices(choices);
    dialog->setWorkspaces(workspaces);
    dialog->setMembers(snapshot.members);
    dialog->selectKeyType(KeyType::WorkspaceService);
    if (!currentWorkspaceId().isEmpty())
        dialog->selectWorkspace(currentWorkspaceId());

    QPointer<NewKeyDialog> guard(dialog);
    connect(dialog, &NewKeyDialog::draftReady, this, [this, guard](const ApiKeyDraft &draft) {
        const QString path = keyTypeCreatePath(draft.keyType);
        const QString type = path.section(QLatin1Char('/'), 0, 0);
        const QString subType = path.section(QLatin1Char('/'), 1, 1);
        const access::Decision decision = access::AccessPolicy::decideCreateKey(
            effectivePrincipal(), type, subType, draft.workspaceId, draft.scopes);
        if (!decision.allowed) {
            ApiError refused;
            refused.kind = ApiError::Kind::Invalid;
            refused.message = ActionController::reasonFor(decision);
            if (guard)
                guard->applyServerError(refused);
            return;
        }
        if (guard)
            guard->setBusy(true);
        beginWrite();
        const std::optional<access::Action> action =
            access::keyAction(draft.keyType, access::KeyVerb::Create);
        const QString draftName = draft.name;
        d->session->createKey(draft, [this, guard, action, draftName](const CreateKeyResult &result) {
            endWrite();
            switch (result.outcome) {
            case CreateKeyResult::Outcome::Created: {
                if (guard)
                    guard->done(QDialog::Accepted);
                IssuedSecret secret = result.secret;
                showSecret(result.keyId, draftName, secret);
                d->bar->showMessage(MessageBar::Kind::Information,
                                    tr("Created the key \"%1\". Its secret is shown once; the table shows it "
                                       "masked.")
                                        .arg(draftName));
                selectKey(result.keyId);
                break;
            }
            case CreateKeyResult::Outcome::CreatedWithoutSecret:
                if (guard)
                    guard->done(QDialog::Accepted);
                d->bar->showMessage(MessageBar::Kind::Warning, result.message);
                selectKey(result.keyId);
                break;
            case CreateKeyResult::Outcome::NotCreated:
            case CreateKeyResult::Outcome::Unknown: {
                QString text = result.message.isEmpty() ? result.error.userText() : result.message;
                if (action)
                    text = explainForbidden(*action, result.error, text);
                if (guard) {
                    ApiError shown = result.error;
                    shown.message = text;
                    guard->applyServerError(shown);
                } else {
                    d->bar->showMessage(MessageBar::Kind::Error, text);
                }
                break;
            }
            }
        });
    });
    openDialog(dialog, {});
}

void MainWindow::revokeSelected()
{
    if (!action(QStringLiteral("actionRevoke"))->isEnabled())
        return;
    const QList<ApiKey> keys = selectedKeys();
    if (keys.isEmpty())
        return;
    QHash<QString, QString> names;
    for (const Workspace &ws : d->session->snapshot().workspaces) {
        names.insert(ws.id, ws.name);
        if (!ws.slug.isEmpty())
            names.insert(ws.slug, ws.name);
    }
    auto *dialog = new RevokeDialog(keys, names, this);
    dialog->warnOwnConnectionKey(d->session->principal().keyId, d->session->profile().name);
    openDialog(dialog, [this, dialog](int answer) {
        if (answer != QDialog::Accepted)
            return;
        const QStringList ids = dialog->capturedIds();
        if (!dialog->keysStillMatch(d->session->snapshot().keys)) {
            d->bar->showMessage(MessageBar::Kind::Warning,
                                tr("The selected keys changed while you were deciding (a sync or another "
                                   "change). Nothing was revoked; check the selection and try again."));
            return;
        }
        if (d->revoking)
            return; // one bulk revoke at a time
        d->revokeKeys.clear();
        for (const ApiKey &key : d->session->snapshot().keys) {
            if (ids.contains(key.id))
                d->revokeKeys.insert(key.id, key);
        }
        d->revoking = true;
        d->revokeCancelled = false;
        d->revokeQueue = ids;
        d->revokeTotal = int(ids.size());
        d->revokeResult = RevokeKeysResult();
        beginWrite();
        revokeNext();
    });
}

void MainWindow::revokeNext()
{
    const ApiError::Kind lastKind = d->revokeResult.error.kind;
    const bool unreachable = lastKind == ApiError::Kind::Network || lastKind == ApiError::Kind::Timeout ||
                             d->revokeResult.error.isUnauthorized();
    if (d->revokeQueue.isEmpty() || d->revokeCancelled || unreachable) {
        finishRevoke();
        return;
    }
    const QString id = d->revokeQueue.takeFirst();
    const int number = d->revokeTotal - int(d->revokeQueue.size());
    showWorkProgress(tr("Revoking %1 of %2…").arg(number).arg(d->revokeTotal), number - 1, d->revokeTotal);
    d->progress->setToolTip(
        Qt::convertFromPlainText(tr("Revoking \"%1\"").arg(d->revokeKeys.value(id).name)));
    d->session->revokeKeys({id}, [this](const RevokeKeysResult &result) {
        RevokeKeysResult &merged = d->revokeResult;
        merged.revokedIds += result.revokedIds;
        merged.failedIds += result.failedIds;
        for (auto it = result.errors.cbegin(); it != result.errors.cend(); ++it)
            merged.errors.insert(it.key(), it.value());
        if (result.error.isError() && !merged.error.isError())
            merged.error = result.error;
        revokeNext();
    });
}

void MainWindow::finishRevoke()
{
    const RevokeKeysResult result = d->revokeResult;
    const QStringList notSent = d->revokeQueue;
    const QHash<QString, ApiKey> byId = d->revokeKeys;
    d->revoking = false;
    d->revokeCancelled = false;
    d->revokeQueue.clear();
    d->revokeKeys.clear();
    if (d->session->isSyncing())
        showWorkProgress(tr("Syncing…"), 0, 0);
    else
        hideWorkProgress();
    endWrite();
    const auto nameOf = [&byId](const QString &id) {
        const QString name = byId.value(id).name;
        return name.isEmpty() ? id : name;
    };
    // Revoking the profile's own connection key ends the app's access: the server now answers 401.
    const QString ownKeyId = d->session->principal().keyId;
    const bool ownKeyRevoked = !ownKeyId.isEmpty() && result.revokedIds.contains(ownKeyId);
    const auto show = [this, ownKeyRevoked, &result, &nameOf, &ownKeyId](MessageBar::Kind kind,
                                                                         const QString &text) {
        if (!ownKeyRevoked && !result.error.isUnauthorized()) {
            d->bar->showMessage(kind, text);
            return;
        }
        d->credentialRejected = true;
        const QString lost =
            ownKeyRevoked ? tr("\"%1\" was this profile's connection key, so the app has no access now.")
                                .arg(nameOf(ownKeyId))
                          : tr("The connection key was rejected (revoked or expired).");
        d->bar->showMessage(MessageBar::Kind::Error,
                            tr("%1 %2 Enter a new key to continue; the cached data is kept.").arg(text, lost),
                            tr("Enter key…"), [this] { replaceConnectionKey(); });
        updateSyncStatus();
    };
    // Every DELETE confirmed (a re-list failing afterwards, e.g. with 401, does not undo that).
    if (result.failedIds.isEmpty() && notSent.isEmpty()) {
        show(MessageBar::Kind::Information,
             result.revokedIds.size() == 1 ? tr("Revoked \"%1\".").arg(nameOf(result.revokedIds.first()))
                                           : tr("Revoked %n keys.", nullptr, int(result.revokedIds.size())));
        return;
    }
    QString text = result.revokedIds.isEmpty()     ? tr("Nothing was revoked.")
                   : result.revokedIds.size() == 1 ? tr("Revoked 1 key;")
                                                   : tr("Revoked %1 keys;").arg(result.revokedIds.size());
    for (const QString &id : result.failedIds) {
        const ApiError error = result.errors.value(id, result.error);
        QString why = error.userText();
        if (const auto action = access::keyAction(byId.value(id).keyType(), access::KeyVerb::Delete))
            why = explainForbidden(*action, error, why);
        text += tr(" \"%1\" was not revoked: %2").arg(nameOf(id), why);
    }
    if (!notSent.isEmpty()) {
        QStringList names;
        for (const QString &id : notSent)
            names.append(nameOf(id));
        text += (notSent.size() == 1
                     ? tr(" Stopped before 1 key, which is unchanged: %1.")
                     : tr(" Stopped before %1 keys, which are unchanged: %2.").arg(notSent.size()))
                    .arg(names.join(QLatin1String(", ")));
    }
    show(result.failedIds.isEmpty() ? MessageBar::Kind::Warning : MessageBar::Kind::Error, text.trimmed());
}

void MainWindow::rotateSelected()
{
    const std::optional<ApiKey> one = soleSelectedKey(QStringLiteral("actionRotate"));
    if (!one)
        return;
    const ApiKey key = *one;
    auto *dialog = new RotateDialog(key, this);
    dialog->setOwnCredential(!key.id.isEmpty() && key.id == d->session->principal().keyId);
    connect(dialog, &RotateDialog::rotateRequested, this, [this, key](const QString &id, qint64 periodMs) {
        beginWrite();
        d->session->rotateKey(id, periodMs, [this, key](const KeyWriteResult &result) {
            endWrite();
            if (!result.secret.secret.isEmpty()) {
                IssuedSecret secret = result.secret;
                showSecret(key.id, key.name, secret);
            }
            if (result.error.isError()) {
                QString text = result.message.isEmpty() ? result.error.userText() : result.message;
                if (const auto action = access::keyAction(key.keyType(), access::KeyVerb::Rotate))
                    text = explainForbidden(*action, result.error, text);
                d->bar->showMessage(MessageBar::Kind::Error, text);
                return;
            }
            d->bar->showMessage(MessageBar::Kind::Information,
                                tr("Rotated \"%1\". %2").arg(key.name, result.message).trimmed());
        });
    });
    openDialog(dialog, {});
}

void MainWindow::editSelected()
{
    const std::optional<ApiKey> one = soleSelectedKey(QStringLiteral("actionEdit"));
    if (!one)
        return;
    const ApiKey key = *one;
    auto *dialog = new EditKeyDialog(key, this);
    QPointer<EditKeyDialog> guard(dialog);
    connect(dialog, &EditKeyDialog::patchReady, this,
            [this, guard, key](const QString &id, const QJsonObject &patch) {
                if (guard)
                    guard->setBusy(true);
                beginWrite();
                d->session->updateKey(id, patch, [this, guard, key](const KeyWriteResult &result) {
                    endWrite();
                    if (!result.error.isError()) {
                        if (guard)
                            guard->done(QDialog::Accepted);
                        d->bar->showMessage(MessageBar::Kind::Information, tr("Saved \"%1\".").arg(key.name));
                        return;
                    }
                    QString text = result.message.isEmpty() ? result.error.userText() : result.message;
                    if (const auto action = access::keyAction(key.keyType(), access::KeyVerb::Update))
                        text = explainForbidden(*action, result.error, text);
                    if (guard) {
                        ApiError shown = result.error;
                        shown.message = text;
                        guard->applyServerError(shown);
                    } else {
                        d->bar->showMessage(MessageBar::Kind::Error, text);
                    }
                });
            });
    openDialog(dialog, {});
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == d->search && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape && !d->search->text().isEmpty()) {
        d->search->clear();
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

// --- private ---------------------------------------------------------------------------------------------

access::Principal MainWindow::effectivePrincipal() const
{
    access::Principal principal = d->session->principal();
    principal.learnedMissingScopes.unite(d->learnedMissingScopes);
    if (!d->viewAsWorkspace.isEmpty()) {
        QStringList ids;
        for (const Workspace &ws : d->session->snapshot().workspaces)
            ids.append(ws.id);
        principal = ActionController::previewPrincipal(principal, d->viewAsWorkspace, d->viewAsRole, ids);
    }
    return principal;
}

bool MainWindow::isPreviewing() const
{
    return !d->viewAsWorkspace.isEmpty();
}

bool MainWindow::setViewAs(const QString &workspaceId, const QString &role)
{
    if (!workspaceId.isEmpty()) {
        if (!ActionController::viewAsDecision(d->session->principal()).allowed)
            return false;
        const QList<Workspace> &workspaces = d->session->snapshot().workspaces;
        const bool known = std::any_of(workspaces.cbegin(), workspaces.cend(),
                                       [&](const Workspace &ws) { return ws.id == workspaceId; });
        if (!known || (role != QLatin1String("manager") && role != QLatin1String("member")))
            return false;
    }
    d->viewAsWorkspace = workspaceId;
    d->viewAsRole = workspaceId.isEmpty() ? QString() : role;
    qCInfo(lcUi) << "view as" << (workspaceId.isEmpty() ? QStringLiteral("myself") : role) << workspaceId;
    rebuildViewAsMenu();
    refreshPrincipal();
    refreshActions();
    return true;
}

void MainWindow::rebuildViewAsMenu()
{
    const QList<Workspace> &workspaces = d->session->snapshot().workspaces;
    d->viewAsMenu->clear();
    auto *group = new QActionGroup(d->viewAsMenu);
    const auto add = [&](const QString &text, const QString &workspaceId, const QString &role) {
        QAction *a = d->viewAsMenu->addAction(text);
        a->setCheckable(true);
        a->setChecked(d->viewAsWorkspace == workspaceId && (workspaceId.isEmpty() || d->viewAsRole == role));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, workspaceId, role] { setViewAs(workspaceId, role); });
    };
    add(tr("Myself"), {}, {});
    d->viewAsMenu->addSeparator();
    for (const Workspace &ws : workspaces) {
        add(tr("Workspace manager of %1").arg(ws.name), ws.id, QStringLiteral("manager"));
        add(tr("Workspace member of %1").arg(ws.name), ws.id, QStringLiteral("member"));
    }
    d->viewAsWorkspaces.clear();
    for (const Workspace &ws : workspaces)
        d->viewAsWorkspaces.append(ws.id);
}

QString MainWindow::currentWorkspaceId() const
{
    const QModelIndex index = d->navView->currentIndex();
    if (!index.isValid())
        return {};
    if (Navigation::NodeKind(index.data(Navigation::NodeKindRole).toInt()) != Navigation::NodeKind::Workspace)
        return {};
    return index.data(Navigation::WorkspaceIdRole).toString();
}

void MainWindow::beginWrite()
{
    ++d->writes;
    refreshActions();
}

void MainWindow::endWrite()
{
    d->writes = qMax(0, d->writes - 1);
    refreshActions();
}

QString MainWindow::explainForbidden(access::Action action, const ApiError &error, const QString &text)
{
    if (!error.isForbidden())
        return text;
    access::Principal principal = effectivePrincipal();
    const QString scope = access::learnDenial(principal, action, error.httpStatus, error.code);
    if (scope.isEmpty())
        return text;
    d->learnedMissingScopes.unite(principal.learnedMissingScopes);
    qCInfo(lcUi) << "server refused" << access::actionName(action) << "- learned missing scope" << scope;
    refreshActions();
    return tr("The server refused this (403 %1): the connection key probably lacks the scope `%2`. Actions "
              "that need it are disabled for the rest of this session; ask an organisation admin to add "
              "the scope to the key.")
        .arg(error.code, scope);
}

void MainWindow::showSecret(const QString &keyId, const QString &name, IssuedSecret &secret)
{
    ApiKey key;
    if (const ApiKey *known = d->keys->keyById(keyId))
        key = *known;
    key.id = keyId;
    if (key.name.isEmpty())
        key.name = name;
    auto *dialog = new SecretDialog(key, secret, d->clipboard, this);
    QPointer<SecretDialog> guard(dialog);
    connect(dialog, &SecretDialog::storeRequested, this,
            [this, guard](const QString &entry, const QByteArray &bytes) {
                d->credentials->write(entry, bytes, [guard](KeychainResult result) {
                    if (guard)
                        guard->setStoreResult(result.ok(), result.message);
                });
            });
    openDialog(dialog, {});
}

void MainWindow::reloadSnapshot()
{
    const CacheSnapshot &snapshot = d->session->snapshot();
    d->keys->setWorkspaces(snapshot.workspaces);
    d->keys->setKeys(snapshot.keys);

    const bool firstNavigation = !d->navView->currentIndex().isValid();
    d->nav->setOrganisationName(d->session->profile().name);
    d->nav->setWorkspaces(snapshot.workspaces);
    d->nav->setKeyCounts(d->keys->keyCountsByWorkspace(), d->keys->organisationKeyCount());
    d->navView->expandAll();
    if (firstNavigation && d->nav->rowCount() > 0)
        d->navView->setCurrentIndex(d->nav->organisationIndex());

    QList<WorkspaceMember> members;
    for (auto it = snapshot.members.cbegin(); it != snapshot.members.cend(); ++it) {
        for (WorkspaceMember member : it.value()) {
            if (member.workspaceId.isEmpty())
                member.workspaceId = it.key();
            members.append(member);
        }
    }
    d->members->setMembers(members);
    d->users->setUsers(snapshot.users);

    if (!d->columnsSized && d->keys->rowCount() > 0) {
        d->columnsSized = true;
        QHeaderView *header = d->table->horizontalHeader();
        for (int c = 0; c < KeyList::ColumnCount; ++c) {
            if (c == KeyList::Name)
                continue;
            d->table->resizeColumnToContents(c);
            header->resizeSection(c, qMax(header->sectionSize(c), header->sectionSizeHint(c)) + 12);
        }
    }
    if (!d->firstSelectionDone && d->proxy->rowCount() > 0) {
        d->firstSelectionDone = true;
        if (d->table->selectionModel()->selectedRows().isEmpty()) {
            d->table->selectionModel()->setCurrentIndex(
                d->proxy->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        }
    }
    QStringList workspaceIds;
    for (const Workspace &ws : snapshot.workspaces)
        workspaceIds.append(ws.id);
    if (!d->viewAsWorkspace.isEmpty() && !workspaceIds.contains(d->viewAsWorkspace))
        d->viewAsWorkspace.clear();
    if (workspaceIds != d->viewAsWorkspaces || d->viewAsMenu->isEmpty())
        rebuildViewAsMenu();
    refreshPrincipal();
    updateSyncStatus();
    applyNavigation();
}

void MainWindow::applyNavigation()
{
    const QModelIndex index = d->navView->currentIndex();
    const auto kind = index.isValid() ? Navigation::NodeKind(index.data(Navigation::NodeKindRole).toInt())
                                      : Navigation::NodeKind::Organisation;
    const QString workspaceId = currentWorkspaceId();
    switch (kind) {
    case Navigation::NodeKind::Organisation:
        d->proxy->setWorkspaceFilter({});
        d->proxy->setAdminKeysOnly(false);
        break;
    case Navigation::NodeKind::AdminKeys:
        d->proxy->setAdminKeysOnly(true);
        break;
    case Navigation::NodeKind::Workspace:
        d->proxy->setWorkspaceFilter(workspaceId);
        break;
    }
    d->memberProxy->setFilterRegularExpression(
        workspaceId.isEmpty() ? QRegularExpression(QStringLiteral("^$.")) // nothing without a workspace
                              : QRegularExpression(QRegularExpression::anchoredPattern(
                                    QRegularExpression::escape(workspaceId))));
    const QString name = index.data(Navigation::NameRole).toString();
    d->membersHint->setText(workspaceId.isEmpty() ? tr("Select a workspace on the left to see its members.")
                                                  : tr("Members of %1").arg(name));
    selectionChanged();
}

void MainWindow::selectionChanged()
{
    refreshActions(); // first: the placeholder below reads the fresh decisions
    const QList<ApiKey> keys = selectedKeys();
    if (keys.size() == 1) {
        d->details->showKey(&keys.first(), d->keys->workspaceName(keys.first().workspaceId), d->keys->now());
    } else if (keys.isEmpty()) {
        QString text = tr("Select a key to see its details.");
        if (d->proxy->rowCount() == 0 && d->keys->rowCount() > 0) {
            text = tr("No key matches the search and filters.");
        } else if (d->keys->rowCount() == 0 && d->session->lastSyncedAtUtc().isValid()) {
            const access::Decision list = m_controller->decisionFor(d->listKeys);
            text = list.allowed ? tr("No API keys are visible to this connection.")
                                : tr("No API keys to show. %1").arg(ActionController::reasonFor(list));
        }
        d->details->showPlaceholder(text);
    } else {
        d->details->showPlaceholder(tr("%n keys selected.", nullptr, int(keys.size())));
    }
}

void MainWindow::refreshActions()
{
    ActionContext context;
    context.principal = effectivePrincipal();
    context.selectedKeys = selectedKeys();
    context.currentWorkspaceId = currentWorkspaceId();
    for (const Workspace &ws : d->session->snapshot().workspaces)
        context.visibleWorkspaceIds.append(ws.id);
    context.connected = d->session->state() == Session::State::Open;
    context.busy = d->session->isSyncing() || d->writes > 0 || (d->org && d->org->isWriting());
    context.keysViewCurrent = d->tabs->currentIndex() == 0;
    m_controller->update(context);

    // The Members and Users tabs follow their list actions.
    const int membersTab = 1;
    const int usersTab = 2;
    const bool membersAllowed = context.currentWorkspaceId.isEmpty()
                                    ? !m_controller->allowedWorkspaces(access::Action::MemberList).isEmpty()
                                    : d->showMembers->isEnabled();
    d->tabs->setTabEnabled(membersTab, membersAllowed);
    d->tabs->setTabToolTip(
        membersTab, membersAllowed ? d->showMembers->toolTip()
                                   : ActionController::reasonFor(m_controller->decisionFor(d->showMembers)));
    d->tabs->setTabEnabled(usersTab, d->showUsers->isEnabled());
    d->tabs->setTabToolTip(usersTab, d->showUsers->toolTip());
    for (int i = 0; i < int(d->tabActions.size()); ++i) {
        d->tabActions.at(i)->setEnabled(d->tabs->isTabEnabled(i));
        d->tabActions.at(i)->setToolTip(d->tabs->tabToolTip(i).isEmpty() ? d->tabs->tabText(i)
                                                                         : d->tabs->tabToolTip(i));
    }
    d->cancelAction->setEnabled(d->revoking || d->session->isSyncing());

    // "Admin keys" in the navigation follows whether the connection may list them (ROLES.md).
    const access::Decision listAdmin = m_controller->decisionFor(d->listAdminKeys);
    d->nav->setAdminKeysListable(listAdmin.allowed, ActionController::reasonFor(listAdmin));
    if (!listAdmin.allowed && d->navView->currentIndex() == d->nav->adminKeysIndex())
        d->navView->setCurrentIndex(d->nav->organisationIndex());

    // "View as" is decided on the real principal, never on a preview.
    const access::Decision viewAs = ActionController::viewAsDecision(d->session->principal());
    d->viewAsMenu->setEnabled(viewAs.allowed);
    d->viewAsMenu->menuAction()->setToolTip(viewAs.allowed
                                                ? tr("Preview the app as a workspace manager or member")
                                                : ActionController::reasonFor(viewAs));
    d->viewAsMenu->menuAction()->setStatusTip(d->viewAsMenu->menuAction()->toolTip());
}

void MainWindow::refreshPrincipal()
{
    const access::Principal p = d->session->principal();
    QStringList parts;
    QString key = p.keyType == KeyType::Unknown ? tr("unknown key type") : keyTypeLabel(p.keyType);
    if (!p.keyName.isEmpty())
        key += tr(" “%1”").arg(p.keyName);
    if (p.keyTypeKnowledge == access::Knowledge::Assumed)
        key += tr(" (assumed)");
    parts.append(key);
    if (!p.workspace.isEmpty())
        parts.append(tr("in %1").arg(p.workspaceLabel(p.workspace)));
    if (p.orgRole)
        parts.append(tr("org %1").arg(*p.orgRole));
    d->principalLabel->setText(tr("Acting as: %1").arg(parts.join(QStringLiteral(" · "))));
    d->principalLabel->setStyleSheet(QString());
    if (!d->viewAsWorkspace.isEmpty()) {
        const QString role =
            d->viewAsRole == QLatin1String("manager") ? tr("workspace manager") : tr("workspace member");
        d->principalLabel->setText(
            tr("Previewing as %1 of %2").arg(role, d->keys->workspaceName(d->viewAsWorkspace)));
        d->principalLabel->setStyleSheet(QStringLiteral(
            "background: #fff4d6; border: 1px solid #e8c46a; border-radius: 3px; padding: 0 6px;"));
    }
    QStringList tip;
    const auto section = [&tip](const QString &title, const QStringList &facts) {
        if (facts.isEmpty())
            return;
        tip.append(title);
        for (const QString &fact : facts)
            tip.append(QStringLiteral("  • ") + fact);
    };
    section(tr("Known:"), p.knownFacts());
    section(tr("Assumed:"), p.assumedFacts());
    section(tr("Unknown:"), p.unknownFacts());
    // Escaped: names and e-mails come from the server, and a tooltip renders anything that looks like HTML.
    d->principalLabel->setToolTip(Qt::convertFromPlainText(tip.join(QLatin1Char('\n'))));
}

void MainWindow::updateSyncStatus()
{
    const QDateTime synced = d->session->lastSyncedAtUtc();
    QString text;
    if (d->session->state() == Session::State::Opening)
        text = tr("Opening…");
    else if (d->session->state() != Session::State::Open)
        text = tr("Not connected");
    else if (!synced.isValid())
        text = d->offline ? tr("Offline — nothing cached yet") : tr("Never synced");
    else if (d->credentialRejected)
        text = tr("Connection key rejected — showing cache from %1").arg(localWithZone(synced));
    else if (d->offline)
        text = tr("Offline — showing cache from %1").arg(localWithZone(synced));
    else
        text = tr("Last synced %1").arg(localWithZone(synced));
    d->syncStatus->setText(text);
}

void MainWindow::syncFinished(const ApiError &error, const SyncDiff &diff)
{
    if (!d->revoking)
        hideWorkProgress();
    const bool ok = !error.isError();
    if (ok) {
        d->offline = false;
        d->credentialRejected = false;
        if (d->bar->kind() != MessageBar::Kind::Information)
            d->bar->dismiss();
        d->syncStatus->setToolTip(tr("Last sync: %1").arg(diff.summary()));
        showAttentionNotice();
    } else if (error.kind == ApiError::Kind::Network || error.kind == ApiError::Kind::Timeout) {
        d->offline = true;
        const QDateTime synced = d->session->lastSyncedAtUtc();
        d->bar->showMessage(
            MessageBar::Kind::Warning,
            tr("Cannot reach %1: %2 %3")
                .arg(d->session->profile().baseUrl, error.userText(),
                     synced.isValid()
                         ? tr("Showing the cache from %1; press F5 to try again.").arg(localWithZone(synced))
                         : tr("Press F5 to try again.")),
            tr("Retry"), [this] { sync(); });
    } else if (error.isUnauthorized()) {
        credentialRejected();
    } else if (error.kind != ApiError::Kind::Cancelled) {
        d->bar->showMessage(MessageBar::Kind::Error, tr("Sync failed: %1").arg(error.userText()), tr("Retry"),
                            [this] { sync(); });
    }
    updateSyncStatus();
    refreshActions();
    emit syncCompleted(ok);
}

void MainWindow::credentialRejected()
{
    d->credentialRejected = true;
    d->bar->showMessage(
        MessageBar::Kind::Error,
        tr("The connection key was rejected (revoked or expired) — enter a new key. The cached "
           "data is kept."),
        tr("Enter key…"), [this] { replaceConnectionKey(); });
    updateSyncStatus();
}

void MainWindow::offerKeyEntryWhenMissing()
{
    const Profile profile = d->session->profile();
    if (profile.id.isEmpty())
        return;
    d->credentials->read(CredentialStore::apiKeyEntry(profile.id), [this, profile](KeychainResult r) {
        // Only a missing entry is fixed by typing the key; other keychain errors keep their own remedy.
        if (r.error != KeychainError::NotFound || d->session->profile().id != profile.id ||
            d->session->state() != Session::State::Failed)
            return;
        d->bar->showMessage(MessageBar::Kind::Error,
                            tr("No API key is stored in the keychain for profile “%1” (%2). Enter the key to "
                               "connect; it is stored in the system keychain only.")
                                .arg(profile.name, profile.baseUrl),
                            tr("Enter key…"), [this] { replaceConnectionKey(); });
    });
}

void MainWindow::replaceConnectionKey()
{
    const Profile profile = d->session->profile();
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("replaceKeyDialog"));
    dialog->setWindowTitle(tr("New connection key"));
    dialog->setLabelText(tr("API key for %1 (%2). It is stored in the system keychain only.")
                             .arg(profile.name, profile.baseUrl));
    dialog->setTextEchoMode(QLineEdit::Password);
    openDialog(dialog, [this, dialog, profile](int result) {
        if (result != QDialog::Accepted)
            return;
        QString text = dialog->textValue();
        dialog->setTextValue(QString());
        trimApiKey(text);
        if (text.isEmpty())
            return;
        // The same check as the connect dialog and the CLI: no line break can reach the request header.
        if (const QString problem = apiKeyProblem(text); !problem.isEmpty()) {
            wipe(text);
            d->bar->showMessage(MessageBar::Kind::Error, problem, tr("Try again"),
                                [this] { replaceConnectionKey(); });
            return;
        }
        const SecretBuffer secret = SecretBuffer::takeUtf8(text);
        d->credentials->write(CredentialStore::apiKeyEntry(profile.id), secret,
                              [this, profile](KeychainResult r) {
                                  if (!r.ok()) {
                                      d->bar->showMessage(MessageBar::Kind::Error, r.message, tr("Try again"),
                                                          [this] { replaceConnectionKey(); });
                                      return;
                                  }
                                  d->session->open(profile);
                              });
    });
}

} // namespace pk::ui
