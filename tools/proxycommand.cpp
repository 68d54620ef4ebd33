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

#include "commandline.h"
#include "commands.h"
#include "connection.h"
#include "interfaceoptions.h"
#include "output.h"
#include "recorder.h"
#include "serverloop.h"
#include "stats.h"
#include "tlsoptions.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QPointer>

#include <deque>

using namespace Fizyr;

namespace Tool {

namespace {

struct ProxySettings
{
    QString command;
    Printer printer;
    QString targetAddress;
    const InterfaceOptions *interface = nullptr; // --interface: bodies printed decoded
    Recorder *recorder = nullptr; // --record: the client connections' traffic
    Stats *stats = nullptr; // --stats
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
         const RpcAddress &listenAddress, QObject *parent)
        : QObject(parent), m_settings(settings), m_number(number)
    {
        if (m_settings.recorder) {
            m_settings.recorder->connectionOpened(describeConnection(
                    number, listenAddress, client->peerAddress(), client->config()));
        }
        m_peers[0] = client;
        m_peers[1] = target;
        for (RpcPeer *peer : m_peers) {
            peer->setParent(this);
            peer->setAutoDeleteRequests(true);
        }
        wire(Side::Client);
        wire(Side::Target);
        // A side may have closed before the link existed (the client while
        // it waited for the target, say): its disconnected() is past, so
        // handle the close from the event loop.
        QMetaObject::invokeMethod(
                this,
                [this] {
                    for (const Side side : {Side::Client, Side::Target}) {
                        if (peer(side)->state() == RpcPeer::UnconnectedState) {
                            closed(side);
                            return;
                        }
                    }
                },
                Qt::QueuedConnection);
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

    // requestServiceId: the service of the request an update or response
    // belongs to, for decoding.
    void print(Side from, const RpcMessage &message, qint32 requestServiceId = 0,
               const QJsonObject &more = {}, const QString &suffix = {}) const
    {
        if (m_settings.recorder) {
            // What went over the client's connection: from the client, or
            // forwarded to it from the target.
            m_settings.recorder->message(m_number,
                                         from == Side::Client ? RecordDirection::ToServer
                                                              : RecordDirection::ToClient,
                                         message, requestServiceId);
        }
        if (m_settings.stats) {
            m_settings.stats->message(m_number,
                                      from == Side::Client ? RecordDirection::ToServer
                                                           : RecordDirection::ToClient,
                                      message, requestServiceId);
        }
        QJsonObject json = extra(from);
        for (auto it = more.begin(); it != more.end(); ++it)
            json.insert(it.key(), it.value());
        m_settings.printer.message(message, label(from), json, suffix,
                                   m_settings.interface->decode(message, requestServiceId));
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
            if (e == RpcError::RemoteClosed)
                return; // an ordinary close: "disconnected" follows
            const QString text = QStringLiteral("[%1] %2: %3")
                                         .arg(m_number)
                                         .arg(sideName(from), source->errorString());
            // The library's contract: state() tells whether the connection
            // survived the error or is closing because of it.
            if (connectionSurvived(*source))
                printWarning(m_settings.command, text);
            else
                printError(m_settings.command, text);
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
            print(from, request, 0,
                  {{QStringLiteral("forwarded_request_id"), qint64(outgoing->requestId())}},
                  QStringLiteral(" [forwarded as #%1]").arg(outgoing->requestId()));
        } else {
            print(from, request); // not sent: its finished() says why
        }

        // Requester updates: from -> other.
        const qint32 service = request.serviceId();
        QObject::connect(incoming, &RpcRequest::updateReceived, outgoing,
                         [this, from, outgoing, service](const RpcMessage &update) {
                             print(from, update, service);
                             if (!outgoing->sendUpdate(update.serviceId(), update.body(),
                                                       update.fileDescriptors())) {
                                 warn(from,
                                      QStringLiteral("update not forwarded: ")
                                              + outgoing->errorString());
                             }
                         });
        // Responder updates: other -> from.
        QObject::connect(outgoing, &RpcRequest::updateReceived, incoming,
                         [this, from, incoming, service](const RpcMessage &update) {
                             print(other(from), update, service);
                             if (!incoming->sendUpdate(update.serviceId(), update.body(),
                                                       update.fileDescriptors())) {
                                 warn(other(from),
                                      QStringLiteral("update not forwarded: ")
                                              + incoming->errorString());
                             }
                         });
        // The response (or the reason there is none): other -> from.
        QObject::connect(outgoing, &RpcRequest::finished, incoming,
                         [this, from, incoming, outgoing, service] {
                             const RpcMessage response = outgoing->response();
                             const bool gotResponse = outgoing->hasResponse();
                             if (gotResponse) {
                                 print(other(from), response, service);
                                 if (incoming->sendResponse(response.serviceId(), response.body(),
                                                            response.fileDescriptors())) {
                                     return;
                                 }
                                 warn(other(from),
                                      QStringLiteral("response not forwarded: ")
                                              + incoming->errorString());
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
        if (side == Side::Client && m_settings.recorder)
            m_settings.recorder->connectionClosed(m_number);
        if (side == Side::Client && m_settings.stats)
            m_settings.stats->connectionClosed(m_number);
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

// The server keeps each accepted connection unread until it is taken, in
// the order of acceptance; the proxy opens one connection to the target per
// accepted one. The attempts wait here in the same order, so that each is
// paired with the connection it was opened for, whichever attempt finishes
// first.
struct Attempt
{
    QPointer<RpcPeer> target;
    enum Status { Connecting, Connected, Failed } status = Connecting;
};

struct ProxyState
{
    const ProxySettings &settings;
    QObject &links; // parent of the links and attempts, which go with it at exit
    Fizyr::RpcServer *server = nullptr;
    std::deque<Attempt> attempts;
    int connections = 0;
};

// Pairs the finished attempts at the head of the queue with their clients.
void settle(ProxyState &state)
{
    while (!state.attempts.empty() && state.attempts.front().status != Attempt::Connecting) {
        const Attempt attempt = state.attempts.front();
        state.attempts.pop_front();
        RpcPeer *client = state.server->nextPendingConnection();
        RpcPeer *target = attempt.target;
        if (attempt.status == Attempt::Failed && target) {
            printError(state.settings.command,
                       connectErrorText(*target, state.settings.targetAddress));
        }
        if (attempt.status == Attempt::Failed || !target || !client) {
            if (target) {
                target->abort();
                target->deleteLater(); // (its own signal may be running)
            }
            // Turn away the connection that waited for this one.
            if (client) {
                client->abort();
                client->deleteLater();
            }
            continue;
        }
        const int number = ++state.connections;
        printConnected(state.settings, number, client);
        new Link(state.settings, number, client, target, state.server->serverAddress(),
                 &state.links);
    }
}

void startAttempt(ProxyState &state)
{
    auto *target = new RpcPeer(&state.links);
    state.attempts.push_back({target, Attempt::Connecting});
    auto statusOf = [&state, target]() -> Attempt::Status * {
        for (Attempt &attempt : state.attempts) {
            if (attempt.target == target)
                return &attempt.status;
        }
        return nullptr;
    };
    auto *setup = new QObject(target); // context of the two connections below
    QObject::connect(target, &RpcPeer::connected, setup, [&state, setup, statusOf] {
        delete setup;
        if (Attempt::Status *status = statusOf())
            *status = Attempt::Connected;
        settle(state);
    });
    QObject::connect(target, &RpcPeer::errorOccurred, setup, [&state, target, setup, statusOf] {
        // The library's contract: a failed attempt is unconnected by now.
        if (target->state() != RpcPeer::UnconnectedState)
            return;
        delete setup;
        if (Attempt::Status *status = statusOf())
            *status = Attempt::Failed;
        settle(state);
    });
    applySecurityOptions(*target);
    target->connectToServer(state.settings.targetAddress);
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
                    "proxy closes the other. With --interface bodies are printed decoded by "
                    "the interface (they are still forwarded unchanged).\n"
                    "Prints \"listening on ADDRESS\" when ready; runs until SIGINT or SIGTERM, "
                    "then exits with 0."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("LISTEN_ADDRESS"),
                                 QStringLiteral("Where clients connect: ") + listenTargetHelp()
                                         + QLatin1Char('.'));
    parser.addPositionalArgument(QStringLiteral("TARGET_ADDRESS"),
                                 QStringLiteral("The service to forward to."));
    addOutputOptions(parser, false);
    InterfaceOptions::addOptions(parser);
    Recorder::addOptions(parser);
    Stats::addOptions(parser);

    if (std::optional<int> exit = commandLine.parse(args, 2, 2))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<Printer> printer = printerFromOptions(commandLine, false, &exitCode);
    if (!printer)
        return exitCode;
    const std::optional<InterfaceOptions> interface = InterfaceOptions::fromOptions(commandLine,
                                                                                    &exitCode);
    if (!interface)
        return exitCode;
    QString error;
    const std::optional<ListenTarget> listenTarget
            = parseListenTarget(parser.positionalArguments().at(0), &error);
    if (!listenTarget)
        return commandLine.failure(error);
    const RpcAddress targetAddress = parseAddress(parser.positionalArguments().at(1), &error);
    if (!targetAddress.isValid())
        return commandLine.failure(error);
    bool recordOk = false;
    const std::unique_ptr<Recorder> recorder
            = Recorder::fromOptions(commandLine, &*interface, &recordOk, &exitCode);
    if (!recordOk)
        return exitCode;
    bool statsOk = false;
    const std::unique_ptr<Stats> stats
            = Stats::fromOptions(commandLine, *printer, &statsOk, &exitCode);
    if (!statsOk)
        return exitCode;
    const ProxySettings settings{commandLine.command(), *printer,       targetAddress.toString(),
                                 &*interface,           recorder.get(), stats.get()};

    QObject links;
    ProxyState state{settings, links, nullptr, {}, 0};
    exitCode = runServerLoop(commandLine, settings.printer, *listenTarget,
                             {{QStringLiteral("target"), settings.targetAddress}},
                             [&state](RpcServer &server) {
                                 state.server = &server;
                                 startAttempt(state);
                             });
    if (stats)
        stats->print();
    if (recorder)
        reportRecording(commandLine, *recorder);
    return exitCode;
}

} // namespace Tool
