// portkey-sandbox: serves the sandbox's Admin API on 127.0.0.1 until SIGINT/SIGTERM. At start it prints one
// JSON document on stdout: {"base_url", "personas": [{"name", "org_role", "workspace_roles", "key_type",
// "workspace", "api_key", ...}]}.
#include "sandboxserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace {

#ifdef Q_OS_UNIX
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &byte, 1);
}

/// Quits the event loop on SIGINT or SIGTERM through a self-pipe (the handler itself only writes a byte).
void quitOnSignals(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}
#else
void quitOnSignals(QCoreApplication &) {}
#endif

int intOption(const QCommandLineParser &parser, const QString &name, int fallback, bool &ok)
{
    if (!parser.isSet(name))
        return fallback;
    bool parsed = false;
    const int value = parser.value(name).toInt(&parsed);
    if (!parsed || value < 0) {
        std::fprintf(stderr, "portkey-sandbox: --%s needs a non-negative integer\n", qPrintable(name));
        ok = false;
    }
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"portkey-sandbox"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"A local Portkey Admin API over a seeded organisation, on 127.0.0.1."_s);
    parser.addHelpOption();
    parser.addOptions({
        {u"port"_s, u"TCP port on 127.0.0.1 (0 picks a free one)."_s, u"N"_s, u"0"_s},
        {u"seed"_s, u"Seed number; the same seed gives the same organisation."_s, u"N"_s, u"1"_s},
        {u"keys"_s, u"Number of API keys (at least 40)."_s, u"N"_s},
        {u"workspaces"_s, u"Number of workspaces (at least 3)."_s, u"N"_s},
        {u"users"_s, u"Number of users (at least 10)."_s, u"N"_s},
        {u"epoch"_s, u"UTC instant (ISO 8601) the seeded times are relative to; default today 00:00 UTC."_s,
         u"TIME"_s},
    });
    parser.process(app);

    bool ok = true;
    pk::sandbox::SeedOptions options;
    const int port = intOption(parser, u"port"_s, 0, ok);
    options.seed = quint32(intOption(parser, u"seed"_s, 1, ok));
    options.keys = intOption(parser, u"keys"_s, options.keys, ok);
    options.workspaces = intOption(parser, u"workspaces"_s, options.workspaces, ok);
    options.users = intOption(parser, u"users"_s, options.users, ok);
    if (parser.isSet(u"epoch"_s)) {
        options.epoch = QDateTime::fromString(parser.value(u"epoch"_s), Qt::ISODateWithMs);
        if (!options.epoch.isValid()) {
            std::fprintf(stderr, "portkey-sandbox: --epoch needs an ISO 8601 date-time\n");
            ok = false;
        }
    }
    if (!ok || port > 65535) {
        if (port > 65535)
            std::fprintf(stderr, "portkey-sandbox: --port must be at most 65535\n");
        return 2;
    }

    pk::sandbox::SandboxServer server(options);
    if (!server.listen(quint16(port))) {
        std::fprintf(stderr, "portkey-sandbox: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    const QByteArray line = QJsonDocument(server.describe()).toJson(QJsonDocument::Compact);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);

    quitOnSignals(app);
    return app.exec();
}
