// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcexception.h"

namespace Fizyr {

/*!
    \class Fizyr::RpcException
    \inmodule FizyrRpcQt
    \brief The exception an RpcRequest's future holds when the request failed.

    RpcRequest::future() finishes with an RpcException when the request
    fails or gets an error response; QFuture::result() and
    QFuture::waitForFinished() throw it. It carries the same error(),
    errorString() and, for an error response, response() as the request.

    RpcException derives from QException, so QFuture can move it between
    threads (clone() and raise()). Its virtual functions are defined in the
    library, so its type information is the same in every module: an
    application can catch it by type whichever library threw it.
*/

/*!
    Constructs an exception for \a error with \a errorString and, for an
    error response, the \a response.
*/
RpcException::RpcException(RpcError error, const QString &errorString, const RpcMessage &response)
    : m_error(error), m_errorString(errorString), m_response(response), m_what(errorString.toUtf8())
{ }

/*!
    Constructs a copy of \a other.
*/
RpcException::RpcException(const RpcException &other) = default;

/*!
    Assigns \a other to this exception and returns a reference to it.
*/
RpcException &RpcException::operator=(const RpcException &other) = default;

/*!
    Destroys the exception.
*/
RpcException::~RpcException() = default;

/*!
    Returns the error the request finished with.
*/
RpcError RpcException::error() const
{
    return m_error;
}

/*!
    Returns the description of the error; for an error response, its text.
*/
QString RpcException::errorString() const
{
    return m_errorString;
}

/*!
    Returns the error response, if the request got one, or a
    default-constructed message.
*/
RpcMessage RpcException::response() const
{
    return m_response;
}

/*!
    Returns errorString() as UTF-8. The pointer is valid as long as the
    exception exists.
*/
const char *RpcException::what() const noexcept
{
    return m_what.constData();
}

/*!
    Throws a copy of this exception (QException interface).
*/
void RpcException::raise() const
{
    throw *this;
}

/*!
    Returns a copy of this exception allocated with \c new; the caller owns
    it (QException interface).
*/
RpcException *RpcException::clone() const
{
    return new RpcException(*this);
}

} // namespace Fizyr
