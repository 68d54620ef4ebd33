// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlinterface.h"

#include "rpcqmlpeer.h"

#include <FizyrRpcQt/rpcpeer.h>

#include <QtCore/qfileinfo.h>
#include <QtCore/qset.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQml/qqmlinfo.h>

#include <limits>
#include <utility>

namespace Fizyr {

namespace {

QString kindName(RpcTypeSchema::Kind kind)
{
    switch (kind) {
    case RpcTypeSchema::Invalid:
        return QStringLiteral("invalid");
    case RpcTypeSchema::Unit:
        return QStringLiteral("unit");
    case RpcTypeSchema::Bool:
        return QStringLiteral("bool");
    case RpcTypeSchema::I8:
        return QStringLiteral("i8");
    case RpcTypeSchema::I16:
        return QStringLiteral("i16");
    case RpcTypeSchema::I32:
        return QStringLiteral("i32");
    case RpcTypeSchema::I64:
        return QStringLiteral("i64");
    case RpcTypeSchema::U8:
        return QStringLiteral("u8");
    case RpcTypeSchema::U16:
        return QStringLiteral("u16");
    case RpcTypeSchema::U32:
        return QStringLiteral("u32");
    case RpcTypeSchema::U64:
        return QStringLiteral("u64");
    case RpcTypeSchema::F32:
        return QStringLiteral("f32");
    case RpcTypeSchema::F64:
        return QStringLiteral("f64");
    case RpcTypeSchema::String:
        return QStringLiteral("string");
    case RpcTypeSchema::Vec:
        return QStringLiteral("vec");
    case RpcTypeSchema::Option:
        return QStringLiteral("option");
    case RpcTypeSchema::Map:
        return QStringLiteral("map");
    case RpcTypeSchema::Struct:
        return QStringLiteral("struct");
    case RpcTypeSchema::Enum:
        return QStringLiteral("enum");
    }
    return QStringLiteral("invalid");
}

template<typename T>
void setRange(QVariantMap *map)
{
    map->insert(QStringLiteral("min"), double(std::numeric_limits<T>::min()));
    map->insert(QStringLiteral("max"), double(std::numeric_limits<T>::max()));
}

QVariantMap describeType(const RpcTypeSchema &type, QSet<QString> *path);

QVariantMap describeField(const RpcField &field, QSet<QString> *path)
{
    return {{QStringLiteral("name"), field.name()},
            {QStringLiteral("wireName"), field.wireName()},
            {QStringLiteral("doc"), field.doc()},
            {QStringLiteral("optional"), field.isOptional()},
            {QStringLiteral("hasDefault"), field.hasDefault()},
            {QStringLiteral("type"), describeType(field.type(), path)}};
}

QVariantList describeFields(const QList<RpcField> &fields, QSet<QString> *path)
{
    QVariantList list;
    for (const RpcField &field : fields)
        list.append(describeField(field, path));
    return list;
}

QString variantKindName(RpcVariant::Kind kind)
{
    switch (kind) {
    case RpcVariant::Unit:
        return QStringLiteral("unit");
    case RpcVariant::Newtype:
        return QStringLiteral("newtype");
    case RpcVariant::Tuple:
        return QStringLiteral("tuple");
    case RpcVariant::Struct:
        return QStringLiteral("struct");
    }
    return QString();
}

QVariantMap describeType(const RpcTypeSchema &type, QSet<QString> *path)
{
    QVariantMap map;
    const RpcTypeSchema::Kind kind = type.kind();
    map.insert(QStringLiteral("kind"), kindName(kind));
    map.insert(QStringLiteral("type"), type.rustName());
    map.insert(QStringLiteral("name"), type.name());
    map.insert(QStringLiteral("doc"), type.doc());
    map.insert(QStringLiteral("integer"), type.isInteger());
    map.insert(QStringLiteral("float"), type.isFloat());
    switch (kind) {
    case RpcTypeSchema::I8:
        setRange<qint8>(&map);
        break;
    case RpcTypeSchema::I16:
        setRange<qint16>(&map);
        break;
    case RpcTypeSchema::I32:
        setRange<qint32>(&map);
        break;
    case RpcTypeSchema::I64:
        setRange<qint64>(&map);
        break;
    case RpcTypeSchema::U8:
        setRange<quint8>(&map);
        break;
    case RpcTypeSchema::U16:
        setRange<quint16>(&map);
        break;
    case RpcTypeSchema::U32:
        setRange<quint32>(&map);
        break;
    case RpcTypeSchema::U64:
        setRange<quint64>(&map);
        break;
    case RpcTypeSchema::F32:
        map.insert(QStringLiteral("min"), double(-std::numeric_limits<float>::max()));
        map.insert(QStringLiteral("max"), double(std::numeric_limits<float>::max()));
        break;
    case RpcTypeSchema::F64:
        map.insert(QStringLiteral("min"), -std::numeric_limits<double>::max());
        map.insert(QStringLiteral("max"), std::numeric_limits<double>::max());
        break;
    case RpcTypeSchema::Vec:
    case RpcTypeSchema::Option:
    case RpcTypeSchema::Map:
        map.insert(QStringLiteral("bytes"), type.isBytes());
        map.insert(QStringLiteral("hashMap"), type.isHashMap());
        map.insert(QStringLiteral("element"), describeType(type.elementType(), path));
        break;
    case RpcTypeSchema::Struct:
    case RpcTypeSchema::Enum: {
        if (path->contains(type.name())) {
            // A type that contains itself (through a Vec or a map): expand it
            // with typeSchema(name) when needed.
            map.insert(QStringLiteral("recursive"), true);
            break;
        }
        path->insert(type.name());
        if (kind == RpcTypeSchema::Struct) {
            map.insert(QStringLiteral("unitStruct"), type.isUnitStruct());
            map.insert(QStringLiteral("fields"), describeFields(type.fields(), path));
        } else {
            QVariantList variants;
            for (const RpcVariant &variant : type.variants()) {
                QVariantList types;
                for (const RpcTypeSchema &element : variant.types())
                    types.append(describeType(element, path));
                variants.append(QVariantMap{
                        {QStringLiteral("name"), variant.name()},
                        {QStringLiteral("wireName"), variant.wireName()},
                        {QStringLiteral("doc"), variant.doc()},
                        {QStringLiteral("kind"), variantKindName(variant.kind())},
                        {QStringLiteral("types"), types},
                        {QStringLiteral("fields"), describeFields(variant.fields(), path)}});
            }
            map.insert(QStringLiteral("variants"), variants);
        }
        path->remove(type.name());
        break;
    }
    default:
        break;
    }
    return map;
}

QVariantMap describeUpdate(qint32 id, const QString &name, const QString &doc, bool hidden,
                           const RpcTypeSchema &type)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("doc"), doc},
            {QStringLiteral("hidden"), hidden},
            {QStringLiteral("type"), type.rustName()}};
}

QVariantMap describeService(const RpcService &service)
{
    QVariantList requestUpdates;
    for (const RpcUpdate &update : service.requestUpdates()) {
        requestUpdates.append(describeUpdate(update.id(), update.name(), update.doc(),
                                             update.isHidden(), update.bodyType()));
    }
    QVariantList responseUpdates;
    for (const RpcUpdate &update : service.responseUpdates()) {
        responseUpdates.append(describeUpdate(update.id(), update.name(), update.doc(),
                                              update.isHidden(), update.bodyType()));
    }
    return {{QStringLiteral("id"), service.id()},
            {QStringLiteral("name"), service.name()},
            {QStringLiteral("doc"), service.doc()},
            {QStringLiteral("hidden"), service.isHidden()},
            {QStringLiteral("requestType"), service.requestType().rustName()},
            {QStringLiteral("responseType"), service.responseType().rustName()},
            {QStringLiteral("requestUpdates"), requestUpdates},
            {QStringLiteral("responseUpdates"), responseUpdates}};
}

bool isUnitType(const RpcTypeSchema &type)
{
    return type.kind() == RpcTypeSchema::Unit || type.isUnitStruct();
}

} // namespace

/*!
    \qmltype RpcInterfaceClient
    \inqmlmodule Fizyr.Rpc
    \brief Calls the services of an interface file by name, with JavaScript
    values as bodies; no generated code.

    Give it an interface file (\c{*.rpc}, see doc/interfaces.md) as
    \c source and a connected RpcPeer as \c peer; it reads the file at run
    time, lists what the interface offers (\c services, \c streams,
    typeSchema()) and encodes and decodes bodies by their schema:

    \qml
    RpcInterfaceClient {
        id: greeter
        source: "greeter.rpc"
        peer: somePeer
    }
    // ...
    const call = greeter.call("greet", { name: "Ada", times: 2 })
    call.updateReceived.connect((name, body) => console.log(name, body.done, "of", body.total))
    call.then(response => console.log(response.greetings))
    \endqml

    Values are JavaScript values as JSON shows them (doc/interfaces.md, type
    mapping): structs are objects keyed by field name, a unit enum variant is
    its name as a string, other variants are objects with one key, \c
    Option is \c null or the value, 64-bit integers are numbers. A value
    that does not fit the schema is refused with a message naming the field,
    for example \c {`times`: invalid type: string "two", expected u32}.

    For applications that know their interface at build time, the types
    generated by \c{fizyr_rpc_add_interface(... QML_URI ...)} are checked
    at compile time; this type is for tools that load what the user gives
    them.

    Threads and ownership: like every type of the module, it lives in the
    thread of its QML engine. It does not own \c peer. Call objects are
    described under RpcInterfaceCall. Destroying the client ends its open
    calls as canceled, without calling back into JavaScript (no signal, no
    settled promise); the server is sent the \c cancel update where the
    service has one.
*/

/*!
    \qmltype RpcInterfaceCall
    \inqmlmodule Fizyr.Rpc
    \brief One call of a service made with RpcInterfaceClient.call().

    A thenable: \c {call.then(onResponse, onError)} works and
    Promise.resolve(call) adopts it; promise() gives a real Promise. It is
    fulfilled with the decoded response body and rejected with an Error
    whose \c message is errorString and \c code the error, an RpcError:
    RpcError.RemoteError for an error response (\c message is then its
    text), RpcError.InvalidBody for a body that does not fit the schema
    (given to call(), or received as the response), or the connection's or
    the request's error (RpcError.NotConnected, RpcError.ConnectionLost,
    RpcError.Timeout, RpcError.Canceled...).

    While the call is open, updateReceived brings the server's updates
    decoded by name and sendUpdate() sends the client's. finished is
    emitted exactly once, last, and always from the event loop, so handlers
    connected right after call() returned see everything, even a call
    refused at once.

    Ownership: while open, the library owns the call (destroy() refuses)
    and keeps it alive even if nothing refers to it; destroying the peer
    finishes it with RpcError.ConnectionLost. Once finished, it belongs to
    the JavaScript engine, whose garbage collector deletes it when nothing
    refers to it. Handlers of its signals are disconnected when it finished.
*/

QmlRpcInterfaceCall::QmlRpcInterfaceCall(QmlRpcInterfaceClient *client, const RpcService &service,
                                         QJSEngine *engine)
    : m_client(client), m_service(service), m_engine(engine)
{
    m_format = RpcBodyCodec::Format(client->bodyFormat());
    // Open until finish(): owned by C++ and kept from the collector by a
    // reference of our own.
    QJSEngine::setObjectOwnership(this, QJSEngine::CppOwnership);
    if (engine)
        m_self = engine->newQObject(this);
}

QmlRpcInterfaceCall::~QmlRpcInterfaceCall()
{
    // The C++ request, our child, goes with us.
    if (m_request)
        QObject::disconnect(m_request, nullptr, this, nullptr);
}

void QmlRpcInterfaceCall::start(RpcRequest *request)
{
    m_request = request;
    m_requestId = request->requestId();
    request->setParent(this);
    connect(request, &RpcRequest::updateReceived, this, &QmlRpcInterfaceCall::handleUpdate);
    connect(request, &RpcRequest::finished, this, &QmlRpcInterfaceCall::handleFinished);
    if (request->isFinished())
        QMetaObject::invokeMethod(this, &QmlRpcInterfaceCall::handleFinished, Qt::QueuedConnection);
}

void QmlRpcInterfaceCall::fail(RpcError error, const QString &text)
{
    m_error = error;
    m_errorString = text;
    QMetaObject::invokeMethod(this, &QmlRpcInterfaceCall::finish, Qt::QueuedConnection);
}

/*!
    \qmlproperty string RpcInterfaceCall::service
    \qmlproperty int RpcInterfaceCall::serviceId
    The name and id of the service called.
*/

/*!
    \qmlproperty int RpcInterfaceCall::requestId
    The request id on the wire; 0 for a call that was refused before it was
    sent.
*/
quint32 QmlRpcInterfaceCall::requestId() const
{
    return m_requestId;
}

/*!
    \qmlproperty bool RpcInterfaceCall::open
    \c true until the call finished.
*/

/*!
    \qmlproperty var RpcInterfaceCall::response
    The decoded response body once the call succeeded; \c undefined before
    and after a failure.
*/

/*!
    \qmlproperty RpcError RpcInterfaceCall::error
    \qmlproperty string RpcInterfaceCall::errorString
    How the call failed, once finished: RpcError.NoError and an empty string
    while open or after a response.
*/

/*!
    \qmlsignal RpcInterfaceCall::updateReceived(string name, var body)
    The server sent the response update \a name with the decoded \a body.
*/

/*!
    \qmlsignal RpcInterfaceCall::invalidMessageReceived(string errorString)
    The server sent an update that the interface does not know or whose
    body does not fit its type; the call stays open.
*/

/*!
    \qmlsignal RpcInterfaceCall::responseReceived(var body)
    The call succeeded with the decoded response \a body; finished follows.
*/

/*!
    \qmlsignal RpcInterfaceCall::errorOccurred(string errorString)
    The call failed; \c error says how. finished follows.
*/

/*!
    \qmlsignal RpcInterfaceCall::finished()
    The call is over, with a response or an error. Emitted once, last.
*/

void QmlRpcInterfaceCall::handleUpdate(const RpcMessage &update)
{
    const RpcUpdate definition = m_service.responseUpdateById(update.serviceId());
    if (!definition.isValid()) {
        Q_EMIT invalidMessageReceived(
                QStringLiteral("update id %1 is not a response update of service `%2`")
                        .arg(update.serviceId())
                        .arg(m_service.name()));
        return;
    }
    QJSValue body;
    QString error;
    if (!m_client || !m_client->decode(definition.bodyType(), update.body(), &body, &error)) {
        Q_EMIT invalidMessageReceived(
                QStringLiteral("invalid body for %1: %2").arg(definition.name(), error));
        return;
    }
    Q_EMIT updateReceived(definition.name(), body);
}

void QmlRpcInterfaceCall::handleFinished()
{
    if (m_finished || !m_request)
        return;
    // A response with the service's own (negative) id is a body, not an error
    // (RpcService::isErrorResponse()), even though the core finished the
    // request with RpcError::RemoteError.
    if (m_request->error() != RpcError::NoError
        && (!m_request->hasResponse() || m_service.isErrorResponse(m_request->response()))) {
        m_error = m_request->error();
        m_errorString = m_request->errorString();
    } else {
        QString error;
        QJSValue body;
        if (m_client
            && m_client->decode(m_service.responseType(), m_request->response().body(), &body,
                                &error)) {
            m_response = body;
        } else {
            m_error = RpcError::InvalidBody;
            m_errorString = QStringLiteral("invalid response body for `%1`: %2")
                                    .arg(m_service.name(),
                                         m_client ? error : QStringLiteral("the client is gone"));
        }
    }
    finish();
}

void QmlRpcInterfaceCall::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_error != RpcError::NoError)
        Q_EMIT errorOccurred(m_errorString);
    else
        Q_EMIT responseReceived(m_response);
    Q_EMIT finished();
    settle();
    disconnect(this, &QmlRpcInterfaceCall::updateReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::invalidMessageReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::responseReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::errorOccurred, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::finished, nullptr, nullptr);
    QJSEngine::setObjectOwnership(this, QJSEngine::JavaScriptOwnership);
    m_self = QJSValue();
}

/*!
    \qmlmethod bool RpcInterfaceCall::sendUpdate(string name, var body)
    Sends the request update \a name of the service with \a body encoded by
    its type. Returns \c false if it could not be sent (the call is
    finished, the connection is gone). Throws a TypeError, sending nothing,
    if the service has no request update \a name or \a body does not fit
    its type; the message names the field.
*/
bool QmlRpcInterfaceCall::sendUpdate(const QString &name, const QJSValue &body)
{
    const RpcUpdate definition = m_service.requestUpdate(name);
    QString error;
    QByteArray bytes;
    if (!definition.isValid()) {
        error = QStringLiteral("service `%1` has no request update `%2`")
                        .arg(m_service.name(), name);
    } else if (!m_client) {
        error = QStringLiteral("the client of this call is gone");
    } else if (m_client->encode(definition.bodyType(), body, &bytes, &error)) {
        return m_request && !m_finished && m_request->sendUpdate(definition.id(), bytes);
    } else {
        error = QStringLiteral("invalid body for %1: %2").arg(name, error);
    }
    if (m_engine)
        m_engine->throwError(QJSValue::TypeError, QStringLiteral("sendUpdate: ") + error);
    return false;
}

/*!
    \qmlmethod bool RpcInterfaceCall::cancel()
    Asks the server to stop: if the service has a request update named
    \c cancel, sends it (with the default value of its type, \c null for
    \c{()}) and returns \c true; the call then finishes with whatever the
    server answers. Otherwise aborts the call (see abort()) and returns
    \c false.
*/
bool QmlRpcInterfaceCall::cancel()
{
    const RpcUpdate definition = m_service.requestUpdate(QStringLiteral("cancel"));
    if (definition.isValid() && m_request && !m_finished && m_client) {
        QByteArray bytes;
        QString error;
        const QVariant value = RpcBodyCodec::defaultValue(definition.bodyType());
        if (RpcBodyCodec::encode(definition.bodyType(), value, m_format, &bytes, &error)
            && m_request->sendUpdate(definition.id(), bytes))
            return true;
    }
    abort();
    return false;
}

// The client is being destroyed: nothing may reach JavaScript any more (no
// signal, no settled promise). The server is told with the `cancel` update
// where the service has one; the call ends as canceled.
void QmlRpcInterfaceCall::abandon()
{
    if (m_finished)
        return;
    disconnect(this, &QmlRpcInterfaceCall::updateReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::invalidMessageReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::responseReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::errorOccurred, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::finished, nullptr, nullptr);
    m_resolve = QJSValue();
    m_reject = QJSValue();
    const RpcUpdate definition = m_service.requestUpdate(QStringLiteral("cancel"));
    if (definition.isValid() && m_request) {
        QByteArray bytes;
        const QVariant value = RpcBodyCodec::defaultValue(definition.bodyType());
        if (RpcBodyCodec::encode(definition.bodyType(), value, m_format, &bytes, nullptr))
            m_request->sendUpdate(definition.id(), bytes);
    }
    m_error = RpcError::Canceled;
    m_errorString = QStringLiteral("the client of the call was destroyed");
    finish();
}

/*!
    \qmlmethod void RpcInterfaceCall::abort()
    Stops waiting: the call finishes with RpcError.Canceled without telling
    the server.
*/
void QmlRpcInterfaceCall::abort()
{
    if (m_request && !m_finished)
        m_request->abort();
}

/*!
    \qmlmethod Promise RpcInterfaceCall::promise()
    A Promise fulfilled with the decoded response body or rejected with an
    Error when the call finishes.
*/
QJSValue QmlRpcInterfaceCall::promise()
{
    if (!m_engine)
        return QJSValue();
    if (m_promise.isUndefined()) {
        const QmlUtil::Deferred deferred = QmlUtil::makeDeferred(m_engine, &m_scripts);
        m_promise = deferred.promise;
        m_resolve = deferred.resolve;
        m_reject = deferred.reject;
        if (m_finished) {
            settle();
            return deferred.promise;
        }
    }
    return m_promise;
}

/*!
    \qmlmethod Promise RpcInterfaceCall::then(function onFulfilled, function onRejected)
    Same as \c {promise().then(onFulfilled, onRejected)}.
*/
QJSValue QmlRpcInterfaceCall::then(const QJSValue &onFulfilled, const QJSValue &onRejected)
{
    QJSValue p = promise();
    return p.property(QStringLiteral("then")).callWithInstance(p, {onFulfilled, onRejected});
}

void QmlRpcInterfaceCall::settle()
{
    if (m_resolve.isUndefined() || !m_engine)
        return;
    if (m_error == RpcError::NoError)
        m_resolve.call({m_response});
    else
        m_reject.call({QmlUtil::makeError(m_engine, m_error, m_errorString)});
    m_resolve = QJSValue();
    m_reject = QJSValue();
    m_promise = QJSValue();
}

QmlRpcInterfaceClient::QmlRpcInterfaceClient(QObject *parent) : QObject(parent) { }

QmlRpcInterfaceClient::~QmlRpcInterfaceClient()
{
    QObject::disconnect(m_streamConnection);
    // Calls outlive their client only as canceled ones, without callbacks
    // (as with the clients generated by fizyr_rpc_add_interface()).
    const QList<QPointer<QmlRpcInterfaceCall>> calls = std::exchange(m_calls, {});
    for (const QPointer<QmlRpcInterfaceCall> &call : calls) {
        if (call)
            call->abandon();
    }
}

QJSEngine *QmlRpcInterfaceClient::engine() const
{
    return qjsEngine(this);
}

void QmlRpcInterfaceClient::componentComplete()
{
    m_complete = true;
    load();
}

/*!
    \qmlproperty url RpcInterfaceClient::source
    The interface file: a URL (\c{file:}, \c{qrc:}) or a path; a relative
    one is relative to the QML document that sets it. Setting it (or
    interfaceName) loads the file at once; status and errorString tell how
    that went.
*/
void QmlRpcInterfaceClient::setSource(const QUrl &source)
{
    if (source == m_source)
        return;
    m_source = source;
    Q_EMIT sourceChanged();
    load();
}

/*!
    \qmlproperty string RpcInterfaceClient::interfaceName
    Which interface of the file to use; empty (the default) means the first
    one. currentInterface is the one in use, interfaces lists all of them.
*/
void QmlRpcInterfaceClient::setInterfaceName(const QString &name)
{
    if (name == m_interfaceName)
        return;
    m_interfaceName = name;
    Q_EMIT interfaceNameChanged();
    load();
}

/*!
    \qmlproperty RpcPeer RpcInterfaceClient::peer
    The connection calls and streams go through, and whose stream messages
    streamReceived reports. Not owned; \c null when the peer is destroyed.
*/
void QmlRpcInterfaceClient::setPeer(QmlRpcPeer *peer)
{
    if (peer == m_peer)
        return;
    QObject::disconnect(m_streamConnection);
    if (m_peer)
        QObject::disconnect(m_peer, &QObject::destroyed, this, nullptr);
    m_peer = peer;
    if (peer) {
        connect(peer, &QObject::destroyed, this, [this] {
            QObject::disconnect(m_streamConnection);
            Q_EMIT peerChanged();
        });
        if (RpcPeer *cpp = rpcPeer()) {
            m_streamConnection = connect(cpp, &RpcPeer::streamReceived, this,
                                         &QmlRpcInterfaceClient::handleStream);
        }
    }
    Q_EMIT peerChanged();
}

RpcPeer *QmlRpcInterfaceClient::rpcPeer() const
{
    return m_peer ? m_peer->peer() : nullptr;
}

/*!
    \qmlproperty enumeration RpcInterfaceClient::bodyFormat
    How bodies are encoded: RpcInterfaceClient.Json (the default, as the
    Rust reference) or RpcInterfaceClient.Cbor. Both sides must agree.
    Calls keep the format they were made with.
*/
void QmlRpcInterfaceClient::setBodyFormat(BodyFormat format)
{
    if (format == m_format)
        return;
    m_format = format;
    Q_EMIT bodyFormatChanged();
}

/*!
    \qmlproperty enumeration RpcInterfaceClient::status
    \qmlproperty string RpcInterfaceClient::errorString
    RpcInterfaceClient.Null (no source), RpcInterfaceClient.Ready (the
    file is loaded) or RpcInterfaceClient.Error; errorString then says why,
    file errors as \c{file:line:column: message}, one a line.
*/
void QmlRpcInterfaceClient::setStatus(Status status, const QString &errorString)
{
    m_status = status;
    m_errorString = errorString;
    Q_EMIT statusChanged();
}

/*!
    \qmlproperty list<string> RpcInterfaceClient::interfaces
    The names of the interfaces of the file, in file order.
*/
QStringList QmlRpcInterfaceClient::interfaces() const
{
    QStringList names;
    for (const RpcInterface &interface : m_file.interfaces())
        names.append(interface.name());
    return names;
}

/*!
    \qmlproperty string RpcInterfaceClient::currentInterface
    \qmlproperty string RpcInterfaceClient::doc
    The name and doc comment of the interface in use; empty unless status
    is RpcInterfaceClient.Ready.
*/

/*!
    \qmlproperty list<var> RpcInterfaceClient::services
    The services of the interface, in file order, as JavaScript objects:
    \c name, \c id, \c doc, \c hidden (\c{#[hidden]}), \c requestType and
    \c responseType (Rust type names, for typeSchema()), \c requestUpdates
    and \c responseUpdates (lists of \c{{id, name, doc, hidden, type}}).
*/

/*!
    \qmlproperty list<var> RpcInterfaceClient::streams
    The streams of the interface: \c{{id, name, doc, hidden, type}} each.
*/

/*!
    \qmlmethod void RpcInterfaceClient::reload()
    Reads the file again, for example after it was edited.
*/
void QmlRpcInterfaceClient::reload()
{
    load();
}

void QmlRpcInterfaceClient::load()
{
    if (!m_complete)
        return;
    m_file = RpcInterfaceFile();
    m_interface = RpcInterface();
    m_services.clear();
    m_streams.clear();
    if (m_source.isEmpty()) {
        setStatus(Null, QString());
        return;
    }
    QUrl url = m_source;
    if (const QQmlContext *context = qmlContext(this))
        url = context->resolvedUrl(url);
    QString path;
    if (url.isLocalFile())
        path = url.toLocalFile();
    else if (url.scheme() == QLatin1String("qrc"))
        path = QLatin1Char(':') + url.path();
    else if (url.scheme().isEmpty())
        path = url.path();
    if (path.isEmpty()) {
        setStatus(Error,
                  QStringLiteral("%1: only local files and resources can be loaded")
                          .arg(url.toString()));
        return;
    }
    const RpcInterfaceFile file = RpcInterfaceFile::fromFile(path);
    if (!file.isValid()) {
        setStatus(Error, file.errorString());
        return;
    }
    RpcInterface interface;
    if (m_interfaceName.isEmpty()) {
        interface = file.interfaces().value(0);
        if (!interface.isValid()) {
            setStatus(Error, QStringLiteral("%1: the file defines no interface").arg(path));
            return;
        }
    } else {
        interface = file.interfaceByName(m_interfaceName);
        if (!interface.isValid()) {
            m_file = file;
            const QString names = interfaces().join(QStringLiteral(", "));
            m_file = RpcInterfaceFile();
            setStatus(Error,
                      QStringLiteral("%1: no interface `%2` (the file has: %3)")
                              .arg(path, m_interfaceName,
                                   names.isEmpty() ? QStringLiteral("none") : names));
            return;
        }
    }
    m_file = file;
    m_interface = interface;
    for (const RpcService &service : interface.services())
        m_services.append(describeService(service));
    for (const RpcStream &stream : interface.streams()) {
        m_streams.append(describeUpdate(stream.id(), stream.name(), stream.doc(), stream.isHidden(),
                                        stream.bodyType()));
    }
    setStatus(Ready, QString());
}

/*!
    \qmlmethod object RpcInterfaceClient::service(string name)
    The description of service \a name (as in \c services); an empty
    object if there is none.
*/
QVariantMap QmlRpcInterfaceClient::service(const QString &name) const
{
    const RpcService service = m_interface.service(name);
    return service.isValid() ? describeService(service) : QVariantMap();
}

/*!
    \qmlmethod object RpcInterfaceClient::typeSchema(string type)
    Describes \a type, a type name of the file or a Rust type expression
    such as \c{Vec<Point>} or \c{Option<u32>}, as a JavaScript object for
    building forms. Every description has \c kind (\c unit, \c bool, \c i8
    ... \c u64, \c f32, \c f64, \c string, \c vec, \c option, \c map,
    \c struct, \c enum), \c type (the Rust spelling), \c name, \c doc,
    \c integer and \c float. Numbers have \c min and \c max (as JavaScript
    numbers: the 64-bit bounds are rounded). \c vec, \c option and \c map
    have \c element (the description of the element or value type) and
    \c bytes (\c{Vec<u8>}). A \c struct has \c fields, each
    \c{{name, wireName, doc, optional, hasDefault, type}}, and \c unitStruct;
    an \c enum has \c variants, each \c{{name, wireName, doc, kind, types,
    fields}} with \c kind \c unit, \c newtype, \c tuple or \c struct,
    \c types the element descriptions of a newtype or tuple variant and
    \c fields those of a struct variant. A struct or enum that contains
    itself is not expanded a second time: there it has \c recursive set,
    and typeSchema(name) expands it. Returns an object with \c kind
    \c invalid and an \c error text for a type the file does not know.
*/
QVariantMap QmlRpcInterfaceClient::typeSchema(const QString &type) const
{
    if (m_status != Ready) {
        return {{QStringLiteral("kind"), QStringLiteral("invalid")},
                {QStringLiteral("error"), QStringLiteral("no interface file is loaded")}};
    }
    QString error;
    const RpcTypeSchema schema = m_file.typeSchema(type, &error);
    if (!schema.isValid()) {
        return {{QStringLiteral("kind"), QStringLiteral("invalid")},
                {QStringLiteral("type"), type},
                {QStringLiteral("error"), error}};
    }
    QSet<QString> path;
    return describeType(schema, &path);
}

/*!
    \qmlmethod var RpcInterfaceClient::defaultValue(string type)
    The zero value of \a type (a type name or Rust type expression) as a
    JavaScript value: \c 0, \c "", \c false, \c [], \c null for an
    \c Option, a struct with the zero value of every field, the first
    variant of an enum. \c undefined for an unknown type.
*/
QJSValue QmlRpcInterfaceClient::defaultValue(const QString &type) const
{
    QJSEngine *jsEngine = engine();
    if (m_status != Ready || !jsEngine)
        return QJSValue();
    const RpcTypeSchema schema = m_file.typeSchema(type);
    if (!schema.isValid())
        return QJSValue();
    return jsEngine->toScriptValue(RpcBodyCodec::defaultValue(schema));
}

bool QmlRpcInterfaceClient::encode(const RpcTypeSchema &type, const QJSValue &value,
                                   QByteArray *body, QString *errorString) const
{
    if (value.isCallable()) {
        *errorString = QStringLiteral("a function is not a body");
        return false;
    }
    const QVariant variant = value.isUndefined() ? QVariant() : value.toVariant();
    return RpcBodyCodec::encode(type, variant, RpcBodyCodec::Format(m_format), body, errorString);
}

bool QmlRpcInterfaceClient::decode(const RpcTypeSchema &type, const QByteArray &body,
                                   QJSValue *value, QString *errorString) const
{
    QJSEngine *jsEngine = engine();
    if (!jsEngine) {
        *errorString = QStringLiteral("no JavaScript engine");
        return false;
    }
    QVariant variant;
    if (body.isEmpty() && isUnitType(type)) {
        // The Rust side sends null, older peers nothing: accept both.
        *value = QJSValue(QJSValue::NullValue);
        return true;
    }
    if (!RpcBodyCodec::decode(type, body, RpcBodyCodec::Format(m_format), &variant, errorString))
        return false;
    *value = jsEngine->toScriptValue(variant);
    return true;
}

/*!
    \qmlmethod RpcInterfaceCall RpcInterfaceClient::call(string service, var body)
    Calls \a service (by name) with \a body, a JavaScript value of its
    request type (omit it for \c{()}), and returns the RpcInterfaceCall,
    a thenable:

    \qml
    greeter.call("greet", { name: "Ada", times: 2, style: { Custom: "Hi" } })
        .then(response => console.log(response.greetings.join(" ")))
        .catch(error => console.log("failed:", error.message))
    \endqml

    Never null. A call that cannot be made finishes at once (from the event
    loop) with an error: no file loaded or no peer (RpcError.InvalidOperation),
    an unknown service or a body that does not fit the request type
    (RpcError.InvalidBody, the message naming the field), not connected
    (RpcError.NotConnected). The peer's \c timeout applies.
*/
QmlRpcInterfaceCall *QmlRpcInterfaceClient::call(const QString &service, const QJSValue &body)
{
    QJSEngine *jsEngine = engine();
    if (!jsEngine) {
        qmlWarning(this) << "call() needs a QML or JavaScript engine";
        return nullptr;
    }
    const RpcService definition = m_interface.service(service);
    auto *result = new QmlRpcInterfaceCall(this, definition, jsEngine);
    RpcPeer *cpp = rpcPeer();
    QByteArray bytes;
    QString error;
    if (m_status != Ready) {
        result->fail(RpcError::InvalidOperation,
                     QStringLiteral("call `%1`: no interface file is loaded").arg(service));
    } else if (!definition.isValid()) {
        result->fail(RpcError::InvalidBody,
                     QStringLiteral("no service `%1` in interface `%2`")
                             .arg(service, m_interface.name()));
    } else if (!encode(definition.requestType(), body, &bytes, &error)) {
        result->fail(RpcError::InvalidBody,
                     QStringLiteral("invalid body for %1: %2").arg(service, error));
    } else if (!cpp) {
        result->fail(RpcError::InvalidOperation,
                     QStringLiteral("call `%1`: the client has no peer").arg(service));
    } else {
        RpcRequest *request = cpp->sendRequest(definition.id(), bytes);
        if (m_peer && m_peer->timeout() > 0)
            request->setTimeout(m_peer->timeout());
        result->start(request);
    }
    m_calls.removeIf(
            [](const QPointer<QmlRpcInterfaceCall> &call) { return !call || !call->isOpen(); });
    m_calls.append(result);
    return result;
}

/*!
    \qmlmethod bool RpcInterfaceClient::sendStream(string stream, var body)
    Sends a message of \a stream (by name) with \a body encoded by its type.
    Returns \c false, sending nothing, if it cannot be sent (no peer, not
    connected: the peer's errorString says why). Throws a TypeError if the
    interface has no such stream or \a body does not fit its type; the
    message names the field.
*/
bool QmlRpcInterfaceClient::sendStream(const QString &stream, const QJSValue &body)
{
    QJSEngine *jsEngine = engine();
    if (!jsEngine)
        return false;
    const RpcStream definition = m_interface.stream(stream);
    QByteArray bytes;
    QString error;
    if (!definition.isValid()) {
        error = m_status == Ready
                ? QStringLiteral("no stream `%1` in interface `%2`").arg(stream, m_interface.name())
                : QStringLiteral("no interface file is loaded");
    } else if (!encode(definition.bodyType(), body, &bytes, &error)) {
        error = QStringLiteral("invalid body for %1: %2").arg(stream, error);
    } else {
        RpcPeer *cpp = rpcPeer();
        return cpp && cpp->sendStream(definition.id(), bytes);
    }
    jsEngine->throwError(QJSValue::TypeError, QStringLiteral("sendStream: ") + error);
    return false;
}

/*!
    \qmlsignal RpcInterfaceClient::streamReceived(string name, var body)
    The peer received a message of the interface's stream \a name, with the
    decoded \a body.
*/

/*!
    \qmlsignal RpcInterfaceClient::invalidMessageReceived(string errorString)
    The peer received a stream message that the interface does not know, or
    whose body does not fit its type; \a errorString says which.
*/

void QmlRpcInterfaceClient::handleStream(const RpcMessage &message)
{
    if (m_status != Ready)
        return;
    const RpcStream definition = m_interface.streamById(message.serviceId());
    if (!definition.isValid()) {
        Q_EMIT invalidMessageReceived(QStringLiteral("stream id %1 is not in interface `%2`")
                                              .arg(message.serviceId())
                                              .arg(m_interface.name()));
        return;
    }
    QJSValue body;
    QString error;
    if (!decode(definition.bodyType(), message.body(), &body, &error)) {
        Q_EMIT invalidMessageReceived(
                QStringLiteral("invalid body for %1: %2").arg(definition.name(), error));
        return;
    }
    Q_EMIT streamReceived(definition.name(), body);
}

/*!
    \qmlsignal RpcInterfaceClient::sourceChanged()
    \qmlsignal RpcInterfaceClient::interfaceNameChanged()
    \qmlsignal RpcInterfaceClient::peerChanged()
    \qmlsignal RpcInterfaceClient::bodyFormatChanged()
    \qmlsignal RpcInterfaceClient::statusChanged()
    Change notifications of the properties; statusChanged covers status,
    errorString, interfaces, currentInterface, doc, services and streams,
    emitted after every load.
*/

} // namespace Fizyr
