// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcglobal.h"

#include <QtCore/qcoreapplication.h>

namespace Fizyr {

/*!
    \namespace Fizyr
    \inmodule FizyrRpcQt
    \brief The namespace of the Fizyr RPC Qt library.
*/

/*!
    \enum Fizyr::RpcError
    \brief Errors reported by RpcPeer, RpcRequest and RpcServer.

    The errors are listed in groups (connection and transport errors,
    protocol violations by the remote peer, local send errors, outcomes of a
    request) for readability only. The numeric values are stable, but they
    are not a way to classify errors: do not compare them with ranges.

    What an error did to the connection is told by the state of the
    connection, not by the code: in a slot connected to
    RpcPeer::errorOccurred(), RpcPeer::state() is
    RpcPeer::ConnectedState if the connection survived the error (a local
    send failure, a message of the remote peer that was dropped), and any
    other state if the connection is closing or closed because of it (then
    RpcPeer::disconnected() follows) or never came up. An RpcRequest that
    finished with an error tells its outcome through RpcRequest::error().

    rpcErrorString() returns a translatable description of each value.

    \value NoError No error.
    \value InvalidAddress The address string could not be parsed.
    \value UnsupportedTransport The transport is not available in this build or on this platform.
    \value ConnectionRefused The remote side refused the connection (or nobody listens at the path).
    \value HostNotFound The host name could not be resolved, or no socket exists at the path.
    \value RemoteClosed The remote side closed the connection.
    \value SocketAccess Permission denied on the socket.
    \value SocketResource Out of resources (for example file descriptors).
    \value SocketTimeout A socket operation timed out.
    \value AddressInUse The address to listen on is in use.
    \value NetworkFailure Another network or socket failure.
    \value NotConnected The operation needs a connected peer.
    \value UnknownSocketError An unidentified socket error.
    \value FrameTooShort A received frame was shorter than the 12-byte header (fatal on streams).
    \value InvalidMessageType A received message had a type above 4 (fatal on streams).
    \value MessageTooLarge A received body exceeded the configured maximum
           (fatal on streams, dropped on seqpacket).
    \value DuplicateRequestId A request arrived with the id of a request that is still open;
           it was dropped.
    \value UnknownRequestId An update or response arrived for a request id that is not open;
           it was dropped.
    \value TruncatedControlData File descriptors were lost because the control data was
           truncated; the message was dropped.
    \value PayloadTooLarge The body to send exceeds the configured maximum; nothing was sent.
    \value TooManyFileDescriptors More file descriptors than allowed; nothing was sent (or,
           received, the message was dropped).
    \value WriteBufferFull The write buffer is above its high-water mark; nothing was sent.
    \value FileDescriptorsNotSupported The transport cannot carry file descriptors; nothing was sent.
    \value RequestFinished The request already has a response; nothing was sent.
    \value InvalidOperation The operation does not apply (for example a response to a request
           this side sent).
    \value RequestIdInUse RpcPeer::sendRequestWithId() was given the id of a request that is
           still open (or still waits for the response of one given up); nothing was sent.
    \value RemoteError The remote side answered with an error response; errorString() holds its text.
    \value ConnectionLost The connection closed before the response arrived.
    \value Timeout No response arrived within the request's timeout.
    \value Canceled The request was aborted locally.
*/

namespace {

// The texts of rpcErrorString(), marked for translation in context "Fizyr::RpcError".
const char *errorText(RpcError error)
{
    switch (error) {
    case RpcError::NoError:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "No error");
    case RpcError::InvalidAddress:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Invalid address");
    case RpcError::UnsupportedTransport:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Transport not supported");
    case RpcError::ConnectionRefused:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Connection refused");
    case RpcError::HostNotFound:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Host not found");
    case RpcError::RemoteClosed:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Remote side closed the connection");
    case RpcError::SocketAccess:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Socket access denied");
    case RpcError::SocketResource:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Out of socket resources");
    case RpcError::SocketTimeout:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Socket operation timed out");
    case RpcError::AddressInUse:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Address in use");
    case RpcError::NetworkFailure:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Network failure");
    case RpcError::NotConnected:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Not connected");
    case RpcError::UnknownSocketError:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Unknown socket error");
    case RpcError::FrameTooShort:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError",
                                 "Received frame shorter than the message header");
    case RpcError::InvalidMessageType:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Received message with an invalid type");
    case RpcError::MessageTooLarge:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError",
                                 "Received message body exceeds the maximum size");
    case RpcError::DuplicateRequestId:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError",
                                 "Received request with an id that is still open");
    case RpcError::UnknownRequestId:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Received message for an unknown request id");
    case RpcError::TruncatedControlData:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Received control data was truncated");
    case RpcError::PayloadTooLarge:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Message body exceeds the maximum size");
    case RpcError::TooManyFileDescriptors:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Too many file descriptors");
    case RpcError::WriteBufferFull:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Write buffer full");
    case RpcError::FileDescriptorsNotSupported:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "The transport cannot carry file descriptors");
    case RpcError::RequestFinished:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "The request is already finished");
    case RpcError::InvalidOperation:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Invalid operation");
    case RpcError::RequestIdInUse:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "The request id is in use");
    case RpcError::RemoteError:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Remote error");
    case RpcError::ConnectionLost:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Connection lost");
    case RpcError::Timeout:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Request timed out");
    case RpcError::Canceled:
        return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Request canceled");
    }
    return QT_TRANSLATE_NOOP("Fizyr::RpcError", "Unknown error");
}

} // namespace

/*!
    Returns a human-readable description of \a error, translated with
    QCoreApplication::translate() in the context \c{Fizyr::RpcError} (the
    English text if no translator for it is installed). Returns
    "Unknown error" for a value that is not an RpcError.
*/
QString rpcErrorString(RpcError error)
{
    return QCoreApplication::translate("Fizyr::RpcError", errorText(error));
}

} // namespace Fizyr

#include "moc_rpcglobal.cpp"
