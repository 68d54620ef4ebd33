// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcmessage.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdebug.h>
#include <QtCore/qhashfunctions.h>

namespace Fizyr {

class RpcMessagePrivate : public QSharedData
{
public:
    RpcMessage::Type type = RpcMessage::Request;
    quint32 requestId = 0;
    qint32 serviceId = 0;
    QByteArray body;
    QList<RpcFileDescriptor> fds;
};

/*!
    Returns the name of message type \a type as the tool, the QML module
    and the logs spell it: \c request, \c response, \c requester-update,
    \c responder-update or \c stream; \c unknown for any other value.
*/
QString RpcMessage::typeName(Type type)
{
    switch (type) {
    case Request:
        return QStringLiteral("request");
    case Response:
        return QStringLiteral("response");
    case RequesterUpdate:
        return QStringLiteral("requester-update");
    case ResponderUpdate:
        return QStringLiteral("responder-update");
    case Stream:
        return QStringLiteral("stream");
    }
    return QStringLiteral("unknown");
}

} // namespace Fizyr

QT_DEFINE_QSDP_SPECIALIZATION_DTOR(Fizyr::RpcMessagePrivate)

namespace Fizyr {

namespace {

// Before a setter writes: creates the private of a default message.
inline void detach(QSharedDataPointer<RpcMessagePrivate> &d)
{
    if (!d)
        d = new RpcMessagePrivate;
}

} // namespace

/*!
    \class Fizyr::RpcMessage
    \inmodule FizyrRpcQt
    \brief One Fizyr RPC message: a header, an opaque body and optional file descriptors.

    RpcMessage is an implicitly shared value type. The header has three
    fields: the message type(), the requestId() that ties requests, updates
    and responses together, and the serviceId(), whose meaning depends on the
    type: the service for requests, the status for responses (negative means
    error), the kind of update for updates and the kind of stream message for
    stream messages.

    The body is opaque bytes; the library never interprets it, except that an
    error response (service id -1) carries its message as UTF-8 text, see
    errorText().

    Messages are readable from QML as a value type.
*/

/*!
    \enum Fizyr::RpcMessage::Type
    \value Request Opens a transaction.
    \value Response Closes a transaction; service id < 0 means an error.
    \value RequesterUpdate An update sent by the side that sent the request.
    \value ResponderUpdate An update sent by the side that received the request.
    \value Stream A stand-alone message outside any transaction.
*/

/*!
    \fn Fizyr::RpcMessage::RpcMessage(Fizyr::RpcMessage &&other)
    Move-constructs a message from \a other.
*/
/*!
    \fn Fizyr::RpcMessage &Fizyr::RpcMessage::operator=(Fizyr::RpcMessage &&other)
    Move-assigns \a other to this message.
*/
/*!
    \fn void Fizyr::RpcMessage::swap(Fizyr::RpcMessage &other)
    Swaps this message with \a other.
*/
/*!
    \fn bool Fizyr::RpcMessage::operator==(const Fizyr::RpcMessage &lhs, const Fizyr::RpcMessage &rhs)
    Returns \c true if \a lhs and \a rhs have the same header, body and file descriptors.
*/
/*!
    \fn bool Fizyr::RpcMessage::operator!=(const Fizyr::RpcMessage &lhs, const Fizyr::RpcMessage &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/

// A default message has no private, as a moved-from one: the getters read
// the defaults and a setter creates it (detach() above). So a message that
// is assigned later (a request's response before it came, the parsers'
// results) costs no allocation.
/*!
    Constructs an empty request message with request id 0 and service id 0.
*/
RpcMessage::RpcMessage() = default;

/*!
    Constructs a message of \a type for \a requestId and \a serviceId with
    \a body and \a fileDescriptors.
*/
RpcMessage::RpcMessage(Type type, quint32 requestId, qint32 serviceId, const QByteArray &body,
                       const QList<RpcFileDescriptor> &fileDescriptors)
    : d(new RpcMessagePrivate)
{
    d->type = type;
    d->requestId = requestId;
    d->serviceId = serviceId;
    d->body = body;
    d->fds = fileDescriptors;
}

RpcMessage::RpcMessage(const RpcMessage &other) = default;
RpcMessage &RpcMessage::operator=(const RpcMessage &other) = default;
RpcMessage::~RpcMessage() = default;

/*!
    Returns an error response for \a requestId: service id -1 with \a text
    as UTF-8 body, as the reference implementation sends.
*/
RpcMessage RpcMessage::errorResponse(quint32 requestId, const QString &text)
{
    return RpcMessage(Response, requestId, -1, text.toUtf8());
}

/*! Returns the message type. */
RpcMessage::Type RpcMessage::type() const
{
    return d ? d->type : Request;
}
/*! Sets the message type to \a type. */
void RpcMessage::setType(Type type)
{
    detach(d);
    d->type = type;
}
/*! Returns the request id. It has no meaning for stream messages. */
quint32 RpcMessage::requestId() const
{
    return d ? d->requestId : 0;
}
/*! Sets the request id to \a requestId. */
void RpcMessage::setRequestId(quint32 requestId)
{
    detach(d);
    d->requestId = requestId;
}
/*! Returns the service id (service, status, update kind or stream kind). */
qint32 RpcMessage::serviceId() const
{
    return d ? d->serviceId : 0;
}
/*! Sets the service id to \a serviceId. */
void RpcMessage::setServiceId(qint32 serviceId)
{
    detach(d);
    d->serviceId = serviceId;
}
/*! Returns the body. */
QByteArray RpcMessage::body() const
{
    return d ? d->body : QByteArray();
}
/*! Sets the body to \a body. */
void RpcMessage::setBody(const QByteArray &body)
{
    detach(d);
    d->body = body;
}
/*!
    Returns the file descriptors attached to the message. They stay open as
    long as a copy of the message or of the returned handles exists.
*/
QList<RpcFileDescriptor> RpcMessage::fileDescriptors() const
{
    return d ? d->fds : QList<RpcFileDescriptor>();
}
/*! Attaches \a fileDescriptors to the message (seqpacket transport only). */
void RpcMessage::setFileDescriptors(const QList<RpcFileDescriptor> &fileDescriptors)
{
    detach(d);
    d->fds = fileDescriptors;
}

/*!
    Returns \c true if this is an error response (a response with a negative
    service id).
*/
bool RpcMessage::isError() const
{
    return d && d->type == Response && d->serviceId < 0;
}

/*!
    Returns the error text of an error response: the body decoded as UTF-8
    for service id -1, or a generic text naming the code for other negative
    service ids. Returns an empty string for anything but an error response.
*/
QString RpcMessage::errorText() const
{
    if (!isError())
        return QString();
    if (d->serviceId == -1)
        return QString::fromUtf8(d->body);
    return QCoreApplication::translate("Fizyr::RpcMessage", "error response with code %1")
            .arg(d->serviceId);
}

bool RpcMessage::equals(const RpcMessage &other) const
{
    if (d == other.d)
        return true;
    if (!d || !other.d) {
        // One of them is a default message.
        const RpcMessage &set = d ? *this : other;
        return set.d->type == Request && set.d->requestId == 0 && set.d->serviceId == 0
                && set.d->body.isEmpty() && set.d->fds.isEmpty();
    }
    return d->type == other.d->type && d->requestId == other.d->requestId
            && d->serviceId == other.d->serviceId && d->body == other.d->body
            && d->fds == other.d->fds;
}

/*!
    \relates Fizyr::RpcMessage
    Returns a hash of the header and body of \a message, using \a seed.
*/
size_t qHash(const RpcMessage &message, size_t seed) noexcept
{
    return qHashMulti(seed, quint32(message.type()), message.requestId(), message.serviceId(),
                      message.body());
}

#ifndef QT_NO_DEBUG_STREAM
/*!
    \relates Fizyr::RpcMessage
    Writes the header, body size and file descriptor count of \a message to
    \a debug. The body itself is not printed.
*/
QDebug operator<<(QDebug debug, const RpcMessage &message)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcMessage(" << message.type() << ", requestId=" << message.requestId()
                    << ", serviceId=" << message.serviceId() << ", body=" << message.body().size()
                    << " bytes";
    if (!message.fileDescriptors().isEmpty())
        debug << ", fds=" << message.fileDescriptors().size();
    debug << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcmessage.cpp"
