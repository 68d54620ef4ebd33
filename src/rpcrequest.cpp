// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcrequest.h"
#include "rpcrequest_p.h"

#include "rpclogging_p.h"
#include "rpcpeer.h"
#include "rpcpeer_p.h"

#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>

#include <limits>
#include <utility>

namespace Fizyr {

/*!
    \class Fizyr::RpcRequest
    \inmodule FizyrRpcQt
    \brief One request transaction, sent or received.

    An RpcRequest is created by RpcPeer::sendRequest() (direction()
    Outgoing) or handed out by RpcPeer::requestReceived() (direction()
    Incoming). While the request is open, both sides may send updates:
    sendUpdate() sends one, updateReceived() reports one from the other
    side. The response closes the transaction.

    \section1 Outgoing requests

    finished() is emitted exactly once: when the response arrived, or when
    the request failed (connection lost, timeout(), abort(), or it could not
    be sent). On failure, and for an error response, errorOccurred() is
    emitted first; error() and errorString() then tell what happened (for an
    error response, RpcError::RemoteError and the text the other side sent).
    response() holds the response, including an error response. future()
    offers the same outcome as a QFuture.

    \section1 Incoming requests

    Answer with sendResponse() or sendErrorResponse(); finished() is emitted
    when the response was sent, or with RpcError::ConnectionLost if the
    connection closed first. A request destroyed before it was answered
    makes the peer send an error response, so the other side never waits
    forever.

    \section1 Ownership

    Requests are children of their RpcPeer. Delete a request when done with
    it, for example in a slot connected to finished(), or enable
    RpcPeer::setAutoDeleteRequests(). Both \c delete and deleteLater() are
    safe inside any of the request's own signals (updateReceived(),
    errorOccurred(), errorChanged(), finished()), and so is deleting its
    peer there. Requests still alive when the peer is destroyed are
    destroyed with it.
*/

/*!
    \enum Fizyr::RpcRequest::Direction
    \value Outgoing This side sent the request.
    \value Incoming The other side sent the request.
*/

/*!
    \fn void Fizyr::RpcRequest::updateReceived(const Fizyr::RpcMessage &update)
    Emitted when the other side sent an \a update for this open request.
*/
/*!
    \fn void Fizyr::RpcRequest::errorOccurred(Fizyr::RpcError error)
    Emitted when the request failed with \a error, right before finished().
*/
/*!
    \fn void Fizyr::RpcRequest::errorChanged()
    Emitted whenever error() or errorString() changes.
*/
/*!
    \fn void Fizyr::RpcRequest::finished()
    Emitted exactly once, when the request is over: see the class description.
*/
/*!
    \fn void Fizyr::RpcRequest::timeoutChanged(int msecs)
    Emitted when the timeout changes to \a msecs.
*/

RpcRequestPrivate::RpcRequestPrivate(RpcRequest *q, RpcPeer *owner, RpcRequest::Direction dir,
                                     const RpcMessage &message)
    : q_ptr(q), peer(owner), direction(dir), request(message)
{ }

void RpcRequestPrivate::finish(RpcError finishError, const QString &text, const RpcMessage &message)
{
    Q_Q(RpcRequest);
    if (finished)
        return;
    // Everything is recorded before the first signal: a slot may delete the
    // request (or its peer), so nothing is touched after one without a guard.
    finished = true;
    if (std::exchange(finishPending, false) && peer)
        RpcPeerPrivate::get(peer)->pendingFinishes.removeOne(q);
    const bool errorChanged = assignError(finishError, text);
    response = message;
    if (timer)
        timer->stop();
    if (peer) {
        const bool abandon = finishError == RpcError::Timeout || finishError == RpcError::Canceled;
        RpcPeerPrivate::get(peer)->forget(q, abandon);
    }
    reportToPromise();

    // A slot may delete the request: the destructor clears alive. (Cheaper
    // than a QPointer, which allocates the request's weak-reference block.)
    bool alive = true;
    aliveFlag = &alive;
    if (errorChanged)
        Q_EMIT q->errorChanged();
    if (!alive)
        return;
    if (finishError != RpcError::NoError)
        Q_EMIT q->errorOccurred(finishError);
    if (!alive)
        return;
    if (observer) {
        observer->requestFinished(q);
        if (!alive)
            return;
    }
    Q_EMIT q->finished();
    if (!alive)
        return;
    aliveFlag = nullptr;
    if (peer && RpcPeerPrivate::get(peer)->autoDelete)
        RpcPeerPrivate::get(peer)->disposeFinished(q);
}

void RpcRequestPrivate::finishQueued(RpcError finishError, const QString &text)
{
    Q_Q(RpcRequest);
    finishPending = true;
    pendingError = finishError;
    pendingErrorString = text;
    if (peer)
        RpcPeerPrivate::get(peer)->pendingFinishes.append(q);
    QMetaObject::invokeMethod(
            q, [this] { finishNow(); }, Qt::QueuedConnection);
}

void RpcRequestPrivate::finishNow()
{
    if (finishPending)
        finish(pendingError, pendingErrorString, RpcMessage());
}

void RpcRequestPrivate::reportToPromise()
{
    if (!promise || !finished)
        return;
    if (error == RpcError::NoError)
        promise->addResult(response);
    else
        promise->setException(RpcException(error, errorString, response));
    promise->finish();
}

void RpcRequestPrivate::startTimer()
{
    Q_Q(RpcRequest);
    if (timeoutMsecs <= 0 || finished || direction != RpcRequest::Outgoing) {
        if (timer)
            timer->stop();
        return;
    }
    if (!timer) {
        timer = new QTimer(q);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, q, [this] {
            finish(RpcError::Timeout, RpcRequest::tr("no response within %1 ms").arg(timeoutMsecs),
                   RpcMessage());
        });
    }
    if (preciseTimer)
        timer->setTimerType(Qt::PreciseTimer);
    timer->start(timeoutMsecs);
}

bool RpcRequestPrivate::failSend(RpcError sendError)
{
    qCDebug(lcRpcPeer) << "send failed for request" << request.requestId() << sendError;
    if (!finished)
        setError(sendError, QString());
    return false;
}

bool RpcRequestPrivate::assignError(RpcError newError, const QString &text)
{
    const QString newString = newError == RpcError::NoError
            ? QString()
            : (text.isEmpty() ? rpcErrorString(newError) : text);
    if (error == newError && errorString == newString)
        return false;
    error = newError;
    errorString = newString;
    return true;
}

void RpcRequestPrivate::setError(RpcError newError, const QString &text)
{
    Q_Q(RpcRequest);
    if (assignError(newError, text))
        Q_EMIT q->errorChanged();
}

RpcRequest::RpcRequest(RpcPeer *peer, Direction direction, const RpcMessage &request)
    : QObject(peer), d_ptr(new RpcRequestPrivate(this, peer, direction, request))
{ }

/*!
    Destroys the request. An outgoing request that is still open is
    abandoned: its response will be ignored. An incoming request that is
    still open is answered with an error response.
*/
RpcRequest::~RpcRequest()
{
    Q_D(RpcRequest);
    if (d->aliveFlag)
        *d->aliveFlag = false;
    if (d->peer) {
        RpcPeerPrivate *pd = RpcPeerPrivate::get(d->peer);
        if (d->awaitingDisposal)
            pd->disposalQueue.removeOne(this);
        if (d->finishPending)
            pd->pendingFinishes.removeOne(this);
        pd->requestDestroyed(this);
    }
    if (d->promise && !d->finished) {
        d->promise->setException(
                RpcException(RpcError::Canceled, rpcErrorString(RpcError::Canceled)));
        d->promise->finish();
    }
    if (RpcRequestObserver *observer = std::exchange(d->observer, nullptr))
        observer->requestDestroyed(this);
}

/*!
    \class Fizyr::RpcRequestObserver
    \inmodule FizyrRpcQt
    \brief A direct observer of one RpcRequest, without a signal connection.

    Code that makes an object per request, such as the calls generated by
    \c fizyr-rpc-gen, can follow the request through RpcRequest::setObserver()
    instead of connecting to its finished() and destroyed() signals: a
    request calls its observer directly, in the request's thread, with no
    connection to make or to remove (about 1 000 instructions per request).
    Applications normally connect to the signals instead.

    A request has at most one observer. The request does not own it: an
    observer destroyed before its request must first call
    \c{setObserver(nullptr)} on it. The functions are called in the thread
    the request lives in.
*/

/*!
    \fn void Fizyr::RpcRequestObserver::requestFinished(Fizyr::RpcRequest *request)

    Called once when \a request is over, right before it emits
    RpcRequest::finished() (after errorChanged() and errorOccurred()). It may
    delete the request, its peer, or the observer (after
    \c{setObserver(nullptr)}), or call RpcRequest::setObserver().
*/

/*!
    \fn void Fizyr::RpcRequestObserver::requestDestroyed(Fizyr::RpcRequest *request)

    Called when \a request is being destroyed, before its QObject::destroyed()
    signal and before its children are deleted; the request has already
    left its peer. The observer is no longer the request's observer when
    this is called, and must not use \a request beyond its QObject part
    (its address, QObject functions).
*/

/*!
    \fn Fizyr::RpcRequestObserver::RpcRequestObserver()
    Constructs the observer.
*/

/*!
    \fn Fizyr::RpcRequestObserver::~RpcRequestObserver()
    Destroys the observer; it must not be the observer of a request any more.
*/

/*!
    Makes \a observer the one observer of this request (null: none), in place
    of the previous one. The request does not take ownership; call this in
    the request's thread. See RpcRequestObserver.

    \sa observer()
*/
void RpcRequest::setObserver(RpcRequestObserver *observer)
{
    Q_D(RpcRequest);
    d->observer = observer;
}

/*!
    Returns the observer set with setObserver(), or null.
*/
RpcRequestObserver *RpcRequest::observer() const
{
    Q_D(const RpcRequest);
    return d->observer;
}

/*! Returns the peer this request belongs to, or null if the peer is gone. */
RpcPeer *RpcRequest::peer() const
{
    Q_D(const RpcRequest);
    return d->peer;
}

/*! Returns whether this side sent the request or received it. */
RpcRequest::Direction RpcRequest::direction() const
{
    Q_D(const RpcRequest);
    return d->direction;
}

/*!
    Returns the request id. For an outgoing request that could not be sent,
    it is 0 and means nothing.
*/
quint32 RpcRequest::requestId() const
{
    Q_D(const RpcRequest);
    return d->request.requestId();
}

/*! Returns the service id of the request. */
qint32 RpcRequest::serviceId() const
{
    Q_D(const RpcRequest);
    return d->request.serviceId();
}

/*! Returns the request message (header, body and file descriptors). */
RpcMessage RpcRequest::requestMessage() const
{
    Q_D(const RpcRequest);
    return d->request;
}

/*! Returns the body of the request message. */
QByteArray RpcRequest::body() const
{
    Q_D(const RpcRequest);
    return d->request.body();
}

/*!
    \property Fizyr::RpcRequest::open
    \c true while the transaction is open: updates may be sent and the
    response is still to come.
*/
/*!
    Returns \c true while the transaction is open: updates may be sent and
    the response is still to come.
*/
bool RpcRequest::isOpen() const
{
    Q_D(const RpcRequest);
    return d->tracked && !d->finished;
}

/*! Returns \c true once finished() was emitted (or is being emitted). */
bool RpcRequest::isFinished() const
{
    Q_D(const RpcRequest);
    return d->finished;
}

/*!
    Returns \c true once the request has a response: for an outgoing
    request, one was received (also an error response); for an incoming
    request, one was sent.
*/
bool RpcRequest::hasResponse() const
{
    Q_D(const RpcRequest);
    return d->response.type() == RpcMessage::Response;
}

/*!
    Returns the response: for an outgoing request, the one received (also
    an error response); for an incoming request, the one sent. Returns a
    default RpcMessage before that.
*/
RpcMessage RpcRequest::response() const
{
    Q_D(const RpcRequest);
    return d->response;
}

/*!
    Returns the error the request finished with, or the reason the last
    send on it failed; RpcError::NoError otherwise.
*/
RpcError RpcRequest::error() const
{
    Q_D(const RpcRequest);
    return d->error;
}

/*! Returns a description of error(); for an error response, its text. */
QString RpcRequest::errorString() const
{
    Q_D(const RpcRequest);
    return d->errorString;
}

/*!
    Returns the timeout in milliseconds; 0 means none. An outgoing request
    starts with the RpcPeer::defaultTimeout of its peer (0 unless set).
    \sa setDeadline()
*/
int RpcRequest::timeout() const
{
    Q_D(const RpcRequest);
    return d->timeoutMsecs;
}

/*!
    Sets the timeout of an outgoing request to \a msecs milliseconds,
    counted from now. If no response arrived by then, the request finishes
    with RpcError::Timeout; a late response is then ignored. 0 disables the
    timeout. Has no effect on incoming requests.
*/
void RpcRequest::setTimeout(int msecs)
{
    Q_D(RpcRequest);
    msecs = qMax(0, msecs);
    if (d->timeoutMsecs == msecs)
        return;
    d->timeoutMsecs = msecs;
    if (d->tracked)
        d->startTimer();
    Q_EMIT timeoutChanged(msecs);
}

/*!
    Returns a future for the response of an outgoing request. It gets the
    response message when a success response arrives. On an error response
    or any failure it holds an RpcException, which QFuture::result() throws
    and QFuture::onFailed() receives.
*/
QFuture<RpcMessage> RpcRequest::future() const
{
    Q_D(const RpcRequest);
    if (!d->promise) {
        d->promise.emplace();
        d->promise->start();
        const_cast<RpcRequestPrivate *>(d)->reportToPromise();
    }
    return d->promise->future();
}

/*!
    Sends an update of kind \a serviceId with \a body and
    \a fileDescriptors for this open request: a requester update for an
    outgoing request, a responder update for an incoming one. Returns
    \c false, sending nothing, if the request is not open or the message
    exceeds the limits; error() then tells why.
*/
bool RpcRequest::sendUpdate(qint32 serviceId, const QByteArray &body,
                            const QList<RpcFileDescriptor> &fileDescriptors)
{
    Q_D(RpcRequest);
    if (!isOpen())
        return d->failSend(d->peer ? RpcError::RequestFinished : RpcError::NotConnected);
    const RpcMessage::Type type
            = d->direction == Outgoing ? RpcMessage::RequesterUpdate : RpcMessage::ResponderUpdate;
    const RpcError sendError = RpcPeerPrivate::get(d->peer)->send(
            RpcMessage(type, d->request.requestId(), serviceId, body, fileDescriptors));
    if (sendError != RpcError::NoError)
        return d->failSend(sendError);
    return true;
}

/*!
    Answers an incoming request with service id (status) \a serviceId,
    \a body and \a fileDescriptors, which closes the transaction and emits
    finished(). Returns \c false, sending nothing, if the request is
    outgoing or no longer open, or if the message exceeds the limits; the
    request then stays open, so another response can be tried.
*/
bool RpcRequest::sendResponse(qint32 serviceId, const QByteArray &body,
                              const QList<RpcFileDescriptor> &fileDescriptors)
{
    Q_D(RpcRequest);
    if (d->direction != Incoming) {
        qCWarning(lcRpcPeer,
                  "RpcRequest::sendResponse: cannot respond to a request this side sent");
        return d->failSend(RpcError::InvalidOperation);
    }
    if (!isOpen())
        return d->failSend(d->peer ? RpcError::RequestFinished : RpcError::NotConnected);
    const RpcMessage response(RpcMessage::Response, d->request.requestId(), serviceId, body,
                              fileDescriptors);
    const RpcError sendError = RpcPeerPrivate::get(d->peer)->send(response);
    if (sendError != RpcError::NoError)
        return d->failSend(sendError);
    d->finish(RpcError::NoError, QString(), response);
    return true;
}

/*!
    Answers an incoming request with an error response: service id -1 and
    \a text as UTF-8 body. Returns \c true if it was sent, as
    sendResponse() does.
*/
bool RpcRequest::sendErrorResponse(const QString &text)
{
    const QByteArray body = text.toUtf8();
    return sendResponse(-1, body);
}

/*!
    Blocks until the request finished or \a msecs milliseconds passed
    (-1: no limit), running a local event loop. Returns \c true if the
    request finished; \c false on timeout, or if the request was deleted
    meanwhile (by a slot run from the loop; do not touch it then). Meant
    for tests and command-line programs.
*/
bool RpcRequest::waitForFinished(int msecs)
{
    Q_D(RpcRequest);
    if (d->finished)
        return true;
    const QPointer<RpcRequest> guard(this);
    QEventLoop loop;
    connect(this, &RpcRequest::finished, &loop, &QEventLoop::quit);
    connect(this, &QObject::destroyed, &loop, &QEventLoop::quit);
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    if (msecs >= 0)
        timer.start(msecs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!guard)
        return false;
    disconnect(this, nullptr, &loop, nullptr);
    return d->finished;
}

/*!
    Abandons an open outgoing request: it finishes at once with
    RpcError::Canceled, and its response, when it comes, is ignored. The
    protocol has no way to tell the other side. For an incoming request,
    abort() answers with the error response "request canceled".
*/
void RpcRequest::abort()
{
    Q_D(RpcRequest);
    if (d->finished)
        return;
    if (d->direction == Incoming && isOpen()) {
        // Protocol text for the other side: not translated.
        sendErrorResponse(QStringLiteral("request canceled"));
        return;
    }
    d->finish(RpcError::Canceled, QString(), RpcMessage());
}

// ---------------------------------------------------------------------------
// Deadlines

/*!
    \overload
    Sets the timeout of an outgoing request to \a timeout, counted from
    now, for example \c{std::chrono::seconds(5)}; zero disables it. Values
    beyond what an \c int holds in milliseconds are lowered to that.
    timeout() reads it in milliseconds.
*/
void RpcRequest::setTimeout(std::chrono::milliseconds timeout)
{
    setTimeout(int(
            qBound(qint64(0), qint64(timeout.count()), qint64(std::numeric_limits<int>::max()))));
}

/*!
    Sets the timeout of an outgoing request so that it expires at
    \a deadline: if no response arrived by then, the request finishes with
    RpcError::Timeout. A deadline that already expired finishes it from the
    event loop; QDeadlineTimer::Forever disables the timeout. One
    QDeadlineTimer can bound several requests (and waits) together, for
    example every request of one user action. The request's timer is then a
    Qt::PreciseTimer, so it never times out before \a deadline (the
    timers of setTimeout() are coarse: they may fire up to 5 % early).

    timeout() then reads the milliseconds that remained when this was
    called (at least 1 for an expired deadline), and timeoutChanged() is
    emitted as by setTimeout(). Has no effect on incoming requests.
*/
void RpcRequest::setDeadline(QDeadlineTimer deadline)
{
    if (deadline.isForever()) {
        setTimeout(0);
        return;
    }
    Q_D(RpcRequest);
    // Rounded up, with a precise timer, so that the request never times out
    // before the deadline; restarted even if the milliseconds are the same.
    const qint64 nsecs = deadline.remainingTimeNSecs();
    const int msecs = int(qMin<qint64>(nsecs <= 0 ? 1 : (nsecs + 999999) / 1000000,
                                       std::numeric_limits<int>::max()));
    d->preciseTimer = true;
    const bool changed = d->timeoutMsecs != msecs;
    d->timeoutMsecs = msecs;
    if (d->tracked)
        d->startTimer();
    if (changed)
        Q_EMIT timeoutChanged(msecs);
}

/*!
    \overload
    Blocks until the request finished or \a deadline expired, running a
    local event loop; QDeadlineTimer::Forever waits without limit. Returns
    \c true if the request finished, as waitForFinished(int) does.
*/
bool RpcRequest::waitForFinished(QDeadlineTimer deadline)
{
    if (deadline.isForever())
        return waitForFinished(-1);
    return waitForFinished(int(qBound(qint64(0), qint64(deadline.remainingTime()),
                                      qint64(std::numeric_limits<int>::max()))));
}

} // namespace Fizyr

#include "moc_rpcrequest.cpp"
