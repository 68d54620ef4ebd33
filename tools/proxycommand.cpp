// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc proxy LISTEN_ADDRESS TARGET_ADDRESS
//
// For every connection accepted on LISTEN_ADDRESS the proxy opens one to
// TARGET_ADDRESS and forwards every message both ways: requests become
// requests of the proxy on the other connection under the same request id,
// and the updates and the response of each are
// passed back along the pair of RpcRequest objects that stand for the same
// transaction on the two connections. Streams are forwarded as streams.
// Bodies, service ids and file descriptors pass unchanged.

#include "commands.h"
#include "toolcommon.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QPointer>

using namespace Fizyr;

namespace Tool {

namespace {

struct ProxySettings
{
    QString command;
    Printer printer;
    QString targetAddress;
};

enum class Side {
    Client, // the connection accepted on LISTEN_ADDRESS
    Target, // the connection the proxy opened to TARGET_ADDRESS
};

QString sideName(Side side)
{
    return side == Side::Client ? QStringLiteral("client") : QStringLiteral("target");
}

// One accepted connection and the one opened for it. The link owns both
// peers and is the context of every connection made here; it deletes itself
// when both are closed. (A QObject for ownership only: no signals of its own.)
class Link : public QObject
{
public:
    Link(const ProxySettings &settings, int number, RpcPeer *client, RpcPeer *target,
         QObject *parent)
        : QObject(parent), m_settings(settings), m_number(number)
    {
        m_peers[0] = client;
        m_peers[1] = target;
        for (RpcPeer *peer : m_peers) {
            peer->setParent(this);
            peer->setAutoDeleteRequests(true);
        }
        wire(Side::Client);
        wire(Side::Target);
    }

    // The peers go first, while the link they call into is still whole.
    ~Link() override
    {
        delete m_peers[0];
        delete m_peers[1];
    }

private:
    RpcPeer *peer(Side side) const { return m_peers[side == Side::Client ? 0 : 1]; }
    static Side other(Side side) { return side == Side::Client ? Side::Target : Side::Client; }

    QString label(Side from) const
    {
        return QStringLiteral("[%1] %2 -> %3")
                .arg(m_number)
                .arg(sideName(from), sideName(other(from)));
    }

    QJsonObject extra(Side from) const
    {
        return {{QStringLiteral("connection"), m_number},
                {QStringLiteral("direction"),
                 QString(sideName(from) + QStringLiteral("->") + sideName(other(from)))}};
    }

    void print(Side from, const RpcMessage &message, const QJsonObject &more = {},
               const QString &suffix = {}) const
    {
        QJsonObject json = extra(from);
        for (auto it = more.begin(); it != more.end(); ++it)
            json.insert(it.key(), it.value());
        m_settings.printer.message(message, label(from), json, suffix);
    }

    void warn(Side from, const QString &text) const
    {
        printError(m_settings.command, label(from) + QStringLiteral(": ") + text);
    }

    // Forwards what arrives on from's connection to the other one.
    void wire(Side from)
    {
        RpcPeer *source = peer(from);
        RpcPeer *destination = peer(other(from));
        QObject::connect(source, &RpcPeer::streamReceived, this,
                         [this, from, destination](const RpcMessage &message) {
                             print(from, message);
                             if (!destination->sendStream(message.serviceId(), message.body(),
                                                          message.fileDescriptors())) {
                                 warn(from,
                                      QStringLiteral("stream message not forwarded: ")
                                              + destination->errorString());
                             }
                         });
        QObject::connect(source, &RpcPeer::requestReceived, this,
                         [this, from](RpcRequest *incoming) { forwardRequest(from, incoming); });
        QObject::connect(source, &RpcPeer::errorOccurred, this, [this, from, source](RpcError e) {
            if (e != RpcError::RemoteClosed)
                printError(m_settings.command,
                           QStringLiteral("[%1] %2: %3")
                                   .arg(m_number)
                                   .arg(sideName(from), source->errorString()));
        });
        QObject::connect(source, &RpcPeer::disconnected, this, [this, from] { closed(from); });
    }

    void forwardRequest(Side from, RpcRequest *incoming)
    {
        const RpcMessage request = incoming->requestMessage();
        // Under the same request id: the transaction looks the same on both
        // connections.
        RpcRequest *outgoing
                = peer(other(from))
                          ->sendRequestWithId(request.requestId(), request.serviceId(),
                                              request.body(), request.fileDescriptors());
        // The pair (incoming, outgoing) is one transaction seen from both
        // connections; the connections below carry its messages across.
        if (outgoing->isOpen()) {
            print(from, request,
                  {{QStringLiteral("forwarded_request_id"), qint64(outgoing->requestId())}},
                  QStringLiteral(" [forwarded as #%1]").arg(outgoing->requestId()));
        } else {
            print(from, request); // not sent: its finished() says why
        }

        // Requester updates: from -> other.
        QObject::connect(incoming, &RpcRequest::updateReceived, outgoing,
                         [this, from, outgoing](const RpcMessage &update) {
                             print(from, update);
                             if (!outgoing->sendUpdate(update.serviceId(), update.body(),
                                                       update.fileDescriptors())) {
                                 warn(from,
                                      QStringLiteral("update not forwarded: ")
                                              + outgoing->errorString());
                             }
                         });
        // Responder updates: other -> from.
        QObject::connect(outgoing, &RpcRequest::updateReceived, incoming,
                         [this, from, incoming](const RpcMessage &update) {
                             print(other(from), update);
                             if (!incoming->sendUpdate(update.serviceId(), update.body(),
                                                       update.fileDescriptors())) {
                                 warn(other(from),
                                      QStringLiteral("update not forwarded: ")
                                              + incoming->errorString());
                             }
                         });
        // The response (or the reason there is none): other -> from.
        QObject::connect(
                outgoing, &RpcRequest::finished, incoming, [this, from, incoming, outgoing] {
                    const RpcMessage response = outgoing->response();
                    const bool gotResponse = response.type() == RpcMessage::Response
                            && (outgoing->error() == RpcError::NoError
                                || outgoing->error() == RpcError::RemoteError);
                    if (gotResponse) {
                        print(other(from), response);
                        if (incoming->sendResponse(response.serviceId(), response.body(),
                                                   response.fileDescriptors())) {
                            return;
                        }
                        warn(other(from),
                             QStringLiteral("response not forwarded: ") + incoming->errorString());
                        incoming->sendErrorResponse(
                                QStringLiteral("proxy: response not forwarded: ")
                                + incoming->errorString());
                        return;
                    }
                    warn(from,
                         QStringLiteral("request #%1 failed: %2")
                                 .arg(incoming->requestId())
                                 .arg(outgoing->errorString()));
                    incoming->sendErrorResponse(QStringLiteral("proxy: ")
                                                + outgoing->errorString());
                });
        // The requester is gone: nobody waits for the response any more.
        QObject::connect(incoming, &RpcRequest::finished, outgoing, [outgoing] {
            if (outgoing->isOpen())
                outgoing->abort();
        });
    }

    void closed(Side side)
    {
        m_settings.printer.event(
                QStringLiteral("[%1] %2 disconnected").arg(m_number).arg(sideName(side)),
                {{QStringLiteral("type"), QStringLiteral("disconnected")},
                 {QStringLiteral("connection"), m_number},
                 {QStringLiteral("side"), sideName(side)}});
        RpcPeer *remaining = peer(other(side));
        if (remaining->state() != RpcPeer::UnconnectedState) {
            // Writes what is queued (error responses for open requests too).
            remaining->disconnectFromServer();
            return;
        }
        // Both closed: done. Deferred, as this runs inside a peer's signal.
        deleteLater();
    }

    const ProxySettings &m_settings;
    int m_number;
    RpcPeer *m_peers[2];
};

void printConnected(const ProxySettings &settings, int number, RpcPeer *client)
{
    QString line = QStringLiteral("[%1] client connected").arg(number);
    QJsonObject json{{QStringLiteral("type"), QStringLiteral("connected")},
                     {QStringLiteral("connection"), number},
                     {QStringLiteral("target"), settings.targetAddress}};
    describeRemote(client, &line, &json);
    line += QStringLiteral(", forwarding to ") + settings.targetAddress;
    settings.printer.event(line, json);
}

struct ProxyState
{
    const ProxySettings &settings;
    RpcServer &server;
    QObject &links; // parent of the links, which go with it at exit
    int connections = 0;
};

void targetConnected(ProxyState &state, RpcPeer *target)
{
    RpcPeer *client = state.server.nextPendingConnection();
    if (!client) {
        target->deleteLater();
        return;
    }
    const int number = ++state.connections;
    printConnected(state.settings, number, client);
    new Link(state.settings, number, client, target, &state.links);
}

void targetFailed(ProxyState &state, RpcPeer *target)
{
    printError(state.settings.command, connectErrorText(*target, state.settings.targetAddress));
    target->deleteLater();
    // Turn away the connection that waited for this one.
    if (RpcPeer *client = state.server.nextPendingConnection()) {
        client->abort();
        client->deleteLater();
    }
}

} // namespace

int runProxy(const QStringList &args)
{
    CommandLine commandLine(
            QStringLiteral("proxy"), QStringLiteral("LISTEN_ADDRESS TARGET_ADDRESS"),
            QStringLiteral(
                    "Accept connections on LISTEN_ADDRESS; for each, connect to TARGET_ADDRESS "
                    "and forward every message both ways unchanged (service ids, bodies, file "
                    "descriptors between seqpacket sockets), printing each one decoded. The "
                    "two addresses may use different transports. When either side closes, the "
                    "proxy closes the other.\n"
                    "Prints \"listening on ADDRESS\" when ready; runs until SIGINT or SIGTERM, "
                    "then exits with 0."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("LISTEN_ADDRESS"),
                                 QStringLiteral("Where clients connect (tcp://HOST:PORT, "
                                                "unix:/PATH or seqpacket:/PATH)."));
    parser.addPositionalArgument(QStringLiteral("TARGET_ADDRESS"),
                                 QStringLiteral("The service to forward to."));
    addOutputOptions(parser, false);

    if (std::optional<int> exit = commandLine.parse(args, 2, 2))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<Printer> printer = printerFromOptions(commandLine, false, &exitCode);
    if (!printer)
        return exitCode;
    QString error;
    const RpcAddress listenAddress = parseAddress(parser.positionalArguments().at(0), &error);
    if (!listenAddress.isValid())
        return commandLine.failure(error);
    const RpcAddress targetAddress = parseAddress(parser.positionalArguments().at(1), &error);
    if (!targetAddress.isValid())
        return commandLine.failure(error);
    const ProxySettings settings{commandLine.command(), *printer, targetAddress.toString()};

    RpcServer server;
    if (!server.listen(listenAddress.toString())) {
        return commandLine.failure(
                QStringLiteral("cannot listen on %1: %2")
                        .arg(listenAddress.toString(), listenErrorText(server, listenAddress)));
    }
    // A new connection waits (unread) in the server until the connection to
    // the target is up; then it is taken and the two are linked.
    QObject links;
    ProxyState state{settings, server, links};
    QObject::connect(&server, &RpcServer::newConnection, &server, [&state] {
        auto *target = new RpcPeer(&state.server);
        auto *setup = new QObject(target); // context of the two connections below
        QObject::connect(target, &RpcPeer::connected, setup, [&state, target, setup] {
            ProxyState &s = state; // (the captures go with setup)
            RpcPeer *t = target;
            delete setup;
            targetConnected(s, t);
        });
        QObject::connect(target, &RpcPeer::errorOccurred, setup, [&state, target, setup] {
            if (target->state() != RpcPeer::UnconnectedState)
                return;
            ProxyState &s = state;
            RpcPeer *t = target;
            delete setup;
            targetFailed(s, t);
        });
        target->connectToServer(state.settings.targetAddress);
    });
    QObject::connect(&server, &RpcServer::errorOccurred, &server, [&] {
        printError(settings.command, QStringLiteral("accept failed: ") + server.errorString());
    });
    onTerminationSignal([](int) { QCoreApplication::quit(); });
    settings.printer.event(QStringLiteral("listening on ") + server.serverAddress().toString(),
                           {{QStringLiteral("type"), QStringLiteral("listening")},
                            {QStringLiteral("address"), server.serverAddress().toString()},
                            {QStringLiteral("target"), settings.targetAddress}});
    QCoreApplication::exec();
    server.close();
    return ExitSuccess;
}

} // namespace Tool
