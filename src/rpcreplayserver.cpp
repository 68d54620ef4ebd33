// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcreplayserver.h"
#include "rpcreplayserver_p.h"

#include "rpcfiledescriptor.h"
#include "rpcmessage.h"
#include "rpcpeer.h"
#include "rpcpeer_p.h"
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
#    include "transport/rpcseqpackettransport_p.h"
#endif
#include "rpcrequest.h"
#include "rpcserver.h"

#include <QtCore/QPointer>
#include <QtCore/QTimer>

#include <memory>

#ifdef Q_OS_UNIX
#    include <fcntl.h>
#    include <unistd.h>
#endif

namespace Fizyr {

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
