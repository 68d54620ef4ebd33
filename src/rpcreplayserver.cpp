// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcreplayserver.h"

#include "rpcfiledescriptor.h"
#include "rpcmessage.h"
#include "rpcpeer.h"
#include "rpcpeer_p.h"
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
#    include "transport/rpcseqpackettransport_p.h"
#endif
#include "rpcrequest.h"
#include "rpcserver.h"

#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QPointer>
#include <QtCore/QStringList>
#include <QtCore/QTimer>

#include <memory>

#ifdef Q_OS_UNIX
#    include <fcntl.h>
#    include <unistd.h>
#endif

namespace Fizyr {

namespace {

// A message the server sent: a responder update or the response of a
// transaction, or one the server started (a stream message, a request, a
// requester update of such a request).
struct RecordedReply
{
    RpcMessage::Type type = RpcMessage::Response;
    qint32 serviceId = 0;
    QByteArray body;
    double delay = 0; // seconds after the request (or the connection's start)
    int fds = 0; // descriptors that came with it (sent again on seqpacket)
    int parent = -1; // a requester update: the index of its request in the list
};

struct Transaction
{
    int line = 0; // of the request in the file, from 1
    qint32 serviceId = 0;
    QByteArray body;
    QList<RecordedReply> replies; // responder updates, then the response
    // What the server started on the connection after this request and
    // before the next one: stream messages, requests and their updates.
    QList<RecordedReply> followUps;
    double startedAt = 0; // the request's "elapsed"
    bool used = false;
};

bool isUnsafeForTerminal(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x061c
            || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
            || (c >= 0x2066 && c <= 0x2069);
}

// The same escaping as the tool's output: control characters and bidi marks
// become visible escapes, so that an error text is safe to print.
QString escapeControls(const QString &text)
{
    QString result;
    result.reserve(text.size());
    for (const QChar qc : text) {
        const char16_t c = qc.unicode();
        if (!isUnsafeForTerminal(c)) {
            result += qc;
        } else if (c == u'\n') {
            result += QLatin1String("\\n");
        } else if (c == u'\r') {
            result += QLatin1String("\\r");
        } else if (c == u'\t') {
            result += QLatin1String("\\t");
        } else if (c < 0x100) {
            result += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
        } else {
            result += QStringLiteral("\\u%1").arg(uint(c), 4, 16, QLatin1Char('0'));
        }
    }
    return result;
}

QString bodyText(const QByteArray &body)
{
    QString text = QString::fromUtf8(body);
    if (text.size() > 60)
        text = text.left(60) + QStringLiteral("...");
    return QLatin1Char('"') + escapeControls(text) + QLatin1Char('"');
}

QString describeRequest(qint32 serviceId, const QByteArray &body)
{
    return QStringLiteral("service %1 with body %2").arg(serviceId).arg(bodyText(body));
}

bool bodyOf(const QJsonObject &line, QByteArray *body)
{
    if (line.contains(QStringLiteral("body"))) {
        *body = line.value(QStringLiteral("body")).toString().toUtf8();
        return true;
    }
    const auto decoded = QByteArray::fromBase64Encoding(
            line.value(QStringLiteral("body_base64")).toString().toLatin1(),
            QByteArray::AbortOnBase64DecodingErrors);
    *body = decoded.decoded;
    return bool(decoded);
}

} // namespace

class RpcReplayServerPrivate
{
public:
    QList<Transaction> transactions;
    // Per recorded connection, in the order of the file: what the server
    // started before the client's first request.
    QList<QList<RecordedReply>> greetings;
    int acceptedConnections = 0;
    RpcReplayServer::MatchMode matchMode = RpcReplayServer::MatchByServiceAndBody;
    RpcReplayServer::Timing timing = RpcReplayServer::RecordedTiming;
    QString errorString;
    RpcServer *server = nullptr;

    bool load(const QString &path);
    Transaction *find(RpcRequest *request, QString *expected);
    void sendServerMessages(RpcPeer *peer, const QList<RecordedReply> &messages, QObject *context);
};

namespace {

// Fresh descriptors in the recorded number, for a message sent on a
// seqpacket connection (the recording keeps the number only): /dev/null,
// opened for reading. None on the other transports, which cannot carry them.
QList<RpcFileDescriptor> descriptorsFor(const RpcPeer *peer, int count)
{
    QList<RpcFileDescriptor> descriptors;
#ifdef Q_OS_UNIX
    // An accepted seqpacket peer has no address (its client's socket is
    // unnamed): ask the transport.
    if (count <= 0 || !peer)
        return descriptors;
#    ifdef FIZYRRPCQT_HAVE_SEQPACKET
    RpcPeerPrivate *pd = RpcPeerPrivate::get(const_cast<RpcPeer *>(peer));
    if (!dynamic_cast<RpcSeqpacketTransport *>(pd->transport))
        return descriptors;
#    else
    return descriptors;
#    endif
    for (int i = 0; i < count; ++i) {
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        descriptors.append(RpcFileDescriptor::fromOwned(fd));
    }
#else
    Q_UNUSED(peer);
    Q_UNUSED(count);
#endif
    return descriptors;
}

} // namespace

bool RpcReplayServerPrivate::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        errorString = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return false;
    }
    // First pass: the lines, and which way each connection went. The tool's
    // recordings say client->server / server->client; the library hook's
    // (FIZYR_RPC_RECORD) say sent / received, from the recording process's
    // side: its "role" says which side that was, or else the first request
    // of the connection does (a process that received it was the server).
    QList<std::pair<int, QJsonObject>> lines;
    QHash<int, bool> processIsServer; // hook files: connection -> role
    int number = 0;
    while (!file.atEnd()) {
        const QByteArray text = file.readLine();
        ++number;
        if (text.trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
        if (!document.isObject()) {
            errorString = QStringLiteral("%1:%2: not a JSON object: %3")
                                  .arg(path)
                                  .arg(number)
                                  .arg(parseError.errorString());
            return false;
        }
        const QJsonObject line = document.object();
        const int connection = line.value(QStringLiteral("connection")).toInt();
        const QString direction = line.value(QStringLiteral("direction")).toString();
        const QString role = line.value(QStringLiteral("role")).toString();
        if (!processIsServer.contains(connection)) {
            if (role == QLatin1String("server") || role == QLatin1String("client")) {
                processIsServer.insert(connection, role == QLatin1String("server"));
            } else if (line.value(QStringLiteral("type")).toString()
                               == RpcMessage::typeName(RpcMessage::Request)
                       && (direction == QLatin1String("sent")
                           || direction == QLatin1String("received"))) {
                processIsServer.insert(connection, direction == QLatin1String("received"));
            }
        }
        lines.append({number, line});
    }

    QList<Transaction> loaded;
    QList<QList<RecordedReply>> loadedGreetings;
    QHash<int, qsizetype> connectionIndex; // connection -> index in loadedGreetings
    QHash<int, double> connectionStart;
    QHash<int, qsizetype> lastTransaction; // connection -> its latest transaction
    QHash<QString, qsizetype> open; // "connection/request id" -> index
    QHash<QString, double> openedAt;
    // A request the server sent: where it went (-1: the greeting, or the
    // transaction's index) and its index in that list.
    QHash<QString, std::pair<qsizetype, int>> serverRequests;
    for (const auto &[lineNumber, line] : std::as_const(lines)) {
        const int connection = line.value(QStringLiteral("connection")).toInt();
        const double elapsed = line.value(QStringLiteral("elapsed")).toDouble();
        if (!connectionIndex.contains(connection)) {
            connectionIndex.insert(connection, loadedGreetings.size());
            connectionStart.insert(connection, elapsed);
            loadedGreetings.append(QList<RecordedReply>());
        }
        const QString type = line.value(QStringLiteral("type")).toString();
        if (type.isEmpty())
            continue; // connection events
        const QString direction = line.value(QStringLiteral("direction")).toString();
        bool fromClient = direction == QLatin1String("client->server");
        if (direction == QLatin1String("sent") || direction == QLatin1String("received")) {
            const bool processServes = processIsServer.value(connection, false);
            fromClient = (direction == QLatin1String("received")) == processServes;
        }
        const QString key = QStringLiteral("%1/%2")
                                    .arg(connection)
                                    .arg(line.value(QStringLiteral("request_id")).toInteger());
        QByteArray body;
        if (!bodyOf(line, &body)) {
            errorString = QStringLiteral("%1:%2: invalid body_base64").arg(path).arg(lineNumber);
            return false;
        }
        const qint32 serviceId = line.value(QStringLiteral("service_id")).toInt();
        const int fds = line.value(QStringLiteral("fds")).toInt();
        const bool request = type == RpcMessage::typeName(RpcMessage::Request);
        const bool response = type == RpcMessage::typeName(RpcMessage::Response);
        const bool update = type == RpcMessage::typeName(RpcMessage::ResponderUpdate);
        const bool stream = type == RpcMessage::typeName(RpcMessage::Stream);
        const bool requesterUpdate = type == RpcMessage::typeName(RpcMessage::RequesterUpdate);
        if (fromClient) {
            if (request) {
                Transaction transaction;
                transaction.line = lineNumber;
                transaction.serviceId = serviceId;
                transaction.body = body;
                transaction.startedAt = elapsed;
                open.insert(key, loaded.size());
                openedAt.insert(key, elapsed);
                lastTransaction.insert(connection, loaded.size());
                loaded.append(transaction);
            }
            continue; // client streams, updates and responses: the client's part
        }
        if ((response || update) && open.contains(key)) {
            Transaction &transaction = loaded[open.value(key)];
            transaction.replies.append(
                    {response ? RpcMessage::Response : RpcMessage::ResponderUpdate, serviceId, body,
                     qMax(0.0, elapsed - openedAt.value(key)), fds, -1});
            if (response)
                open.remove(key);
            continue;
        }
        // Started by the server: after the connection's latest request, or
        // before its first one.
        const QString serverKey = QStringLiteral("s") + key;
        const auto place = [&](qsizetype where, RecordedReply reply) -> int {
            if (where < 0) {
                reply.delay = qMax(0.0, elapsed - connectionStart.value(connection));
                QList<RecordedReply> &list = loadedGreetings[connectionIndex.value(connection)];
                list.append(reply);
                return int(list.size() - 1);
            }
            Transaction &transaction = loaded[where];
            reply.delay = qMax(0.0, elapsed - transaction.startedAt);
            transaction.followUps.append(reply);
            return int(transaction.followUps.size() - 1);
        };
        if (stream || request) {
            const qsizetype where = lastTransaction.value(connection, -1);
            const int index = place(where,
                                    {stream ? RpcMessage::Stream : RpcMessage::Request, serviceId,
                                     body, 0, fds, -1});
            if (request)
                serverRequests.insert(serverKey, {where, index});
        } else if (requesterUpdate && serverRequests.contains(serverKey)) {
            const auto [where, parent] = serverRequests.value(serverKey);
            place(where, {RpcMessage::RequesterUpdate, serviceId, body, 0, fds, parent});
        }
    }
    transactions = std::move(loaded);
    greetings = std::move(loadedGreetings);
    errorString.clear();
    return true;
}

void RpcReplayServerPrivate::sendServerMessages(RpcPeer *peer, const QList<RecordedReply> &messages,
                                                QObject *context)
{
    if (messages.isEmpty())
        return;
    // The requests sent, for their requester updates.
    auto sent = std::make_shared<QList<QPointer<RpcRequest>>>(messages.size());
    const QPointer<RpcPeer> guard(peer);
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const RecordedReply message = messages.at(i);
        auto send = [guard, sent, message, i] {
            if (!guard || guard->state() != RpcPeer::ConnectedState)
                return;
            const QList<RpcFileDescriptor> fds = descriptorsFor(guard, message.fds);
            switch (message.type) {
            case RpcMessage::Stream:
                guard->sendStream(message.serviceId, message.body, fds);
                break;
            case RpcMessage::Request:
                (*sent)[i] = guard->sendRequest(message.serviceId, message.body, fds);
                break;
            case RpcMessage::RequesterUpdate:
                if (message.parent >= 0 && message.parent < sent->size()) {
                    if (RpcRequest *request = sent->at(message.parent);
                        request && request->isOpen())
                        request->sendUpdate(message.serviceId, message.body, fds);
                }
                break;
            default:
                break;
            }
        };
        if (timing == RpcReplayServer::Immediate)
            send();
        else
            QTimer::singleShot(int(message.delay * 1000), context, send);
    }
}

Transaction *RpcReplayServerPrivate::find(RpcRequest *request, QString *expected)
{
    if (matchMode == RpcReplayServer::MatchByOrder) {
        for (Transaction &transaction : transactions) {
            if (transaction.used)
                continue;
            if (transaction.serviceId == request->serviceId()
                && transaction.body == request->body()) {
                return &transaction;
            }
            *expected = QStringLiteral("expected %1 (line %2)")
                                .arg(describeRequest(transaction.serviceId, transaction.body))
                                .arg(transaction.line);
            return nullptr;
        }
        *expected = QStringLiteral("every recorded request was replayed");
        return nullptr;
    }
    // By service id and body: an unused one first, then any.
    Transaction *reused = nullptr;
    for (Transaction &transaction : transactions) {
        if (transaction.serviceId != request->serviceId() || transaction.body != request->body())
            continue;
        if (!transaction.used)
            return &transaction;
        if (!reused)
            reused = &transaction;
    }
    if (reused)
        return reused;
    QStringList known;
    for (const Transaction &transaction : std::as_const(transactions)) {
        if (transaction.serviceId == request->serviceId())
            known.append(bodyText(transaction.body));
    }
    if (!known.isEmpty()) {
        known.removeDuplicates();
        *expected = QStringLiteral("recorded bodies for service %1: %2")
                            .arg(request->serviceId())
                            .arg(known.join(QStringLiteral(", ")));
    } else {
        QStringList services;
        for (const Transaction &transaction : std::as_const(transactions))
            services.append(QString::number(transaction.serviceId));
        services.removeDuplicates();
        *expected = services.isEmpty()
                ? QStringLiteral("the recording has no requests")
                : QStringLiteral("recorded services: %1").arg(services.join(QStringLiteral(", ")));
    }
    return nullptr;
}

/*!
    \class Fizyr::RpcReplayServer
    \inmodule FizyrRpcQt
    \brief Plays the server side of a JSON Lines recording, for tests.

    RpcReplayServer answers requests as a recorded service did: load() reads
    a recording made with \c{fizyr-rpc proxy --record FILE.jsonl} or
    \c{fizyr-rpc listen --record FILE.jsonl}, listen() accepts clients, and
    each incoming request is matched to a recorded one (see matchMode) and
    answered with the recorded responder updates and response, spaced as
    recorded or at once (see timing). A request that matches nothing gets an
    error response that starts with \c{"replay: no recorded request for
    service N with body ..."} and says what the recording has, the same text
    as \c{fizyr-rpc replay} sends (that tool uses this class).

    A recorded transaction is a request a client sent with the responder
    updates and the response the server sent for it (same connection, same
    request id). Requester updates received during a replay are ignored; a
    recorded request without a response is answered, after its recorded
    updates, with an error response saying so.

    What the server started itself is replayed too: stream messages,
    requests and the requester updates of those requests, sent to the client
    after the request they followed in the recording (with their spacing
    from it), or, for those sent before the connection's first request, when
    the client connects (see handleConnection()).

    A recording keeps the number of file descriptors of each message, not
    the descriptors: on a Unix seqpacket connection each replayed message
    carries that number of fresh descriptors, of \c{/dev/null} opened for
    reading; on the other transports none.

    Both kinds of JSON Lines recordings load: the tool's (\c{--record}),
    whose \c{direction} is \c{client->server} or \c{server->client}, and
    the library hook's (\c{FIZYR_RPC_RECORD}), whose \c{direction} is
    \c{sent} or \c{received} from the recording process's side: its
    \c{role} field says which side that process was on each connection
    (\c{client} or \c{server}), or, without it, the first request of the
    connection does (the process that received it was the server).

    After the client under test has run, unusedTransactionCount() and
    allTransactionsUsed() tell whether every recorded transaction was
    replayed.

    RpcReplayServer lives in the thread that created it; use it from that
    thread only, with a running event loop. It owns the server that listen()
    creates and the peers it accepts; deleting the replay server closes them
    and drops the replies that were still waiting for their recorded time.

    \sa RpcServer
*/

/*!
    \enum Fizyr::RpcReplayServer::MatchMode

    How an incoming request is matched to a recorded one.

    \value MatchByServiceAndBody
        A recorded request with the same service id and body; one that has not
        been used yet first, then a used one (a client may repeat itself). The
        default.
    \value MatchByOrder
        The next unused recorded request, in the order of the recording; the
        request must have its service id and body.
*/

/*!
    \enum Fizyr::RpcReplayServer::Timing

    When the recorded replies are sent.

    \value RecordedTiming
        Each reply is sent as long after the request as it was in the
        recording. The default.
    \value Immediate
        All replies are sent at once.
*/

/*!
    Creates a replay server with no recording, not listening, as a child of
    \a parent.
*/
RpcReplayServer::RpcReplayServer(QObject *parent)
    : QObject(parent), d_ptr(std::make_unique<RpcReplayServerPrivate>())
{ }

/*!
    Destroys the replay server, its server and its peers. Replies still
    waiting for their recorded time are not sent.
*/
RpcReplayServer::~RpcReplayServer()
{
    // The peers (children of the server) go before the private data.
    delete d_ptr->server;
}

/*!
    Reads the recording \a jsonlFile and returns \c true, replacing any
    recording loaded before (and its usage). On failure returns \c false,
    keeps the previous recording, and errorString() says why, with the file
    name and the line number (\c{FILE:LINE: ...}) for a bad line.
*/
bool RpcReplayServer::load(const QString &jsonlFile)
{
    Q_D(RpcReplayServer);
    const bool ok = d->load(jsonlFile);
    Q_EMIT errorChanged();
    return ok;
}

/*!
    Returns the number of recorded transactions (requests from clients).
*/
int RpcReplayServer::transactionCount() const
{
    Q_D(const RpcReplayServer);
    return int(d->transactions.size());
}

/*!
    Returns the number of recorded transactions that no request has matched
    yet.

    \sa allTransactionsUsed(), resetUsage()
*/
int RpcReplayServer::unusedTransactionCount() const
{
    Q_D(const RpcReplayServer);
    return int(std::count_if(d->transactions.cbegin(), d->transactions.cend(),
                             [](const Transaction &transaction) { return !transaction.used; }));
}

/*!
    Returns \c true when every recorded transaction has been matched by a
    request.

    \sa unusedTransactionCount()
*/
bool RpcReplayServer::allTransactionsUsed() const
{
    return unusedTransactionCount() == 0;
}

/*!
    Marks every recorded transaction unused, and counts connections from the
    first again (see handleConnection()), so that the recording can be
    replayed again from its start.
*/
void RpcReplayServer::resetUsage()
{
    Q_D(RpcReplayServer);
    for (Transaction &transaction : d->transactions)
        transaction.used = false;
    d->acceptedConnections = 0;
}

/*!
    \property Fizyr::RpcReplayServer::matchMode
    \brief How incoming requests are matched to recorded ones.

    The default is MatchByServiceAndBody.
*/
RpcReplayServer::MatchMode RpcReplayServer::matchMode() const
{
    Q_D(const RpcReplayServer);
    return d->matchMode;
}

void RpcReplayServer::setMatchMode(MatchMode mode)
{
    Q_D(RpcReplayServer);
    if (d->matchMode == mode)
        return;
    d->matchMode = mode;
    Q_EMIT matchModeChanged();
}

/*!
    \property Fizyr::RpcReplayServer::timing
    \brief Whether replies keep their recorded spacing or are sent at once.

    The default is RecordedTiming.
*/
RpcReplayServer::Timing RpcReplayServer::timing() const
{
    Q_D(const RpcReplayServer);
    return d->timing;
}

void RpcReplayServer::setTiming(Timing timing)
{
    Q_D(RpcReplayServer);
    if (d->timing == timing)
        return;
    d->timing = timing;
    Q_EMIT timingChanged();
}

/*!
    Starts accepting clients on \a address (see RpcAddress), returns \c true
    on success. On failure errorString() says why. Each accepted peer answers
    its requests through handleRequest() and is deleted when it disconnects.
*/
bool RpcReplayServer::listen(const QString &address)
{
    return listen(RpcAddress::fromString(address));
}

/*!
    \overload
*/
bool RpcReplayServer::listen(const RpcAddress &address)
{
    Q_D(RpcReplayServer);
    if (!d->server) {
        d->server = new RpcServer(this);
        connect(d->server, &RpcServer::newConnection, this, [this] {
            Q_D(RpcReplayServer);
            while (RpcPeer *peer = d->server->nextPendingConnection()) {
                peer->setParent(d->server);
                peer->setAutoDeleteRequests(true);
                connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
                connect(peer, &RpcPeer::requestReceived, this, &RpcReplayServer::handleRequest);
                handleConnection(peer);
            }
        });
    }
    const bool ok = d->server->listen(address);
    d->errorString = ok ? QString() : d->server->errorString();
    Q_EMIT errorChanged();
    return ok;
}

/*!
    Stops accepting clients. Connected peers stay.
*/
void RpcReplayServer::close()
{
    Q_D(RpcReplayServer);
    if (d->server)
        d->server->close();
}

/*!
    Returns the address clients connect to (with the port chosen for
    \c{tcp://HOST:0}), or an invalid address when not listening.
*/
RpcAddress RpcReplayServer::serverAddress() const
{
    Q_D(const RpcReplayServer);
    return d->server ? d->server->serverAddress() : RpcAddress();
}

/*!
    Returns the server that listen() created, owned by this object, or
    \c nullptr before listen(). Use it to configure the server (for example
    RpcServer::setConfig()) before or between listen() calls.
*/
RpcServer *RpcReplayServer::server() const
{
    Q_D(const RpcReplayServer);
    return d->server;
}

/*!
    Answers \a request from the recording: emits requestMatched() and sends
    the recorded replies, or emits requestUnmatched() and sends an error
    response. Peers accepted by listen() call this for each request; call it
    yourself to replay on a peer you manage (connect it to
    RpcPeer::requestReceived()). Pending replies are sent while \a request
    lives and is open; they are dropped when it is deleted.
*/
void RpcReplayServer::handleRequest(Fizyr::RpcRequest *request)
{
    Q_D(RpcReplayServer);
    QString expected;
    Transaction *match = d->find(request, &expected);
    if (!match) {
        const QString text
                = QStringLiteral("replay: no recorded request for %1; %2")
                          .arg(describeRequest(request->serviceId(), request->body()), expected);
        QPointer<RpcRequest> guard(request);
        Q_EMIT requestUnmatched(request, text);
        if (guard && guard->isOpen())
            guard->sendErrorResponse(text);
        return;
    }
    match->used = true;
    const QList<RecordedReply> replies = match->replies;
    const QList<RecordedReply> followUps = match->followUps;
    const int line = match->line;
    RpcPeer *peer = request->peer();
    const bool fast = d->timing == Immediate;
    QPointer<RpcRequest> guard(request);
    Q_EMIT requestMatched(request, line);
    if (!guard)
        return;
    for (const RecordedReply &reply : replies) {
        auto send = [guard, reply] {
            if (!guard || !guard->isOpen())
                return;
            const QList<RpcFileDescriptor> fds = descriptorsFor(guard->peer(), reply.fds);
            if (reply.type == RpcMessage::Response)
                guard->sendResponse(reply.serviceId, reply.body, fds);
            else
                guard->sendUpdate(reply.serviceId, reply.body, fds);
        };
        if (fast)
            send();
        else
            QTimer::singleShot(int(reply.delay * 1000), request, send);
    }
    if (replies.isEmpty() || replies.last().type != RpcMessage::Response) {
        // The recording ends before the response: say so rather than leave
        // the requester waiting.
        auto fail = [guard, line] {
            if (guard && guard->isOpen()) {
                guard->sendErrorResponse(
                        QStringLiteral("replay: the recording has no response for the "
                                       "request of line %1")
                                .arg(line));
            }
        };
        if (fast || replies.isEmpty())
            fail();
        else
            QTimer::singleShot(int(replies.last().delay * 1000), request, fail);
    }
    // What the server started after this request: on the peer, which
    // outlives the request.
    if (peer)
        d->sendServerMessages(peer, followUps, peer);
}

/*!
    Sends \a peer what the server of the recording started on a connection
    before the client's first request (stream messages, requests and their
    requester updates), spaced as recorded or at once (see timing): the first
    peer passed here gets what the recording's first connection got, the
    second the second's, and so on; peers beyond the recorded connections get
    nothing. Peers accepted by listen() are passed here when they connect;
    call it yourself for a peer you manage. Requests sent this way are
    answered by the client or not; their responses are not checked.

    \sa handleRequest()
*/
void RpcReplayServer::handleConnection(Fizyr::RpcPeer *peer)
{
    Q_D(RpcReplayServer);
    const int index = d->acceptedConnections++;
    if (peer && index < d->greetings.size())
        d->sendServerMessages(peer, d->greetings.at(index), peer);
}

/*!
    \property Fizyr::RpcReplayServer::errorString
    \brief Why the last load() or listen() failed; empty after a success.
*/
QString RpcReplayServer::errorString() const
{
    Q_D(const RpcReplayServer);
    return d->errorString;
}

/*!
    \fn void Fizyr::RpcReplayServer::requestMatched(Fizyr::RpcRequest *request, int line)

    Emitted when \a request matched the recorded request of \a line (from 1)
    of the recording, before its replies are sent.
*/

/*!
    \fn void Fizyr::RpcReplayServer::requestUnmatched(Fizyr::RpcRequest *request, const QString &errorText)

    Emitted when \a request matched no recorded request, before the error
    response \a errorText is sent to it.
*/

/*!
    \fn void Fizyr::RpcReplayServer::matchModeChanged()
    Emitted when matchMode changes.
*/

/*!
    \fn void Fizyr::RpcReplayServer::timingChanged()
    Emitted when timing changes.
*/

/*!
    \fn void Fizyr::RpcReplayServer::errorChanged()
    Emitted after load() and listen(), when errorString may have changed.
*/

} // namespace Fizyr
