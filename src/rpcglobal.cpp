// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcglobal.h"

namespace Fizyr {

/*!
    \namespace Fizyr
    \inmodule FizyrRpcQt
    \brief The namespace of the Fizyr RPC Qt library.
*/

/*!
    \enum Fizyr::RpcError
    \brief Errors reported by RpcPeer, RpcRequest and RpcServer.

    The codes fall in ranges: 1..99 connection and transport errors,
    100..199 protocol violations by the remote peer, 200..299 local send
    errors (the message was not sent, the connection is still usable),
    300..399 outcomes of a request.

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
    \value UnexpectedMessage A message arrived that the protocol does not allow at that point.
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

/*!
    Returns a human-readable description of \a error.
*/
QString rpcErrorString(RpcError error)
{
    switch (error) {
    case RpcError::NoError:
        return QStringLiteral("No error");
    case RpcError::InvalidAddress:
        return QStringLiteral("Invalid address");
    case RpcError::UnsupportedTransport:
        return QStringLiteral("Transport not supported");
    case RpcError::ConnectionRefused:
        return QStringLiteral("Connection refused");
    case RpcError::HostNotFound:
        return QStringLiteral("Host not found");
    case RpcError::RemoteClosed:
        return QStringLiteral("Remote side closed the connection");
    case RpcError::SocketAccess:
        return QStringLiteral("Socket access denied");
    case RpcError::SocketResource:
        return QStringLiteral("Out of socket resources");
    case RpcError::SocketTimeout:
        return QStringLiteral("Socket operation timed out");
    case RpcError::AddressInUse:
        return QStringLiteral("Address in use");
    case RpcError::NetworkFailure:
        return QStringLiteral("Network failure");
    case RpcError::NotConnected:
        return QStringLiteral("Not connected");
    case RpcError::UnknownSocketError:
        return QStringLiteral("Unknown socket error");
    case RpcError::FrameTooShort:
        return QStringLiteral("Received frame shorter than the message header");
    case RpcError::InvalidMessageType:
        return QStringLiteral("Received message with an invalid type");
    case RpcError::MessageTooLarge:
        return QStringLiteral("Received message body exceeds the maximum size");
    case RpcError::DuplicateRequestId:
        return QStringLiteral("Received request with an id that is still open");
    case RpcError::UnknownRequestId:
        return QStringLiteral("Received message for an unknown request id");
    case RpcError::TruncatedControlData:
        return QStringLiteral("Received control data was truncated");
    case RpcError::UnexpectedMessage:
        return QStringLiteral("Received unexpected message");
    case RpcError::PayloadTooLarge:
        return QStringLiteral("Message body exceeds the maximum size");
    case RpcError::TooManyFileDescriptors:
        return QStringLiteral("Too many file descriptors");
    case RpcError::WriteBufferFull:
        return QStringLiteral("Write buffer full");
    case RpcError::FileDescriptorsNotSupported:
        return QStringLiteral("The transport cannot carry file descriptors");
    case RpcError::RequestFinished:
        return QStringLiteral("The request is already finished");
    case RpcError::InvalidOperation:
        return QStringLiteral("Invalid operation");
    case RpcError::RequestIdInUse:
        return QStringLiteral("The request id is in use");
    case RpcError::RemoteError:
        return QStringLiteral("Remote error");
    case RpcError::ConnectionLost:
        return QStringLiteral("Connection lost");
    case RpcError::Timeout:
        return QStringLiteral("Request timed out");
    case RpcError::Canceled:
        return QStringLiteral("Request canceled");
    }
    return QStringLiteral("Unknown error");
}

} // namespace Fizyr

#include "moc_rpcglobal.cpp"
