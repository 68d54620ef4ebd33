// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The clients and servers of an interface: the call classes (one per
// service, on the client side), the request classes (on the server side), and
// the <Interface>Client / <Interface>Server classes.

#include "generator_p.h"

namespace FizyrRpcGen {

// ---------------------------------------------------------------------------
// Clients and servers
// ---------------------------------------------------------------------------

void Generator::writeCallDecl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = callClass(iface, service);
    const bool unitResponse = isUnit(service.responseType());
    const QString resp = unitResponse ? QStringLiteral("void") : cppType(service.responseType());
    h += QStringLiteral("// A call of %1::%2() (service %3 `%4`): its updates, its response and "
                        "its end.\n")
                 .arg(iface.name() + QStringLiteral("Client"), service.cppName())
                 .arg(service.id())
                 .arg(service.name());
    h += QStringLiteral("class %1 : public QObject, private Fizyr::RpcRequestObserver\n{\n    "
                        "Q_OBJECT\n\npublic:\n    ~%1() override;\n\n")
                 .arg(cls);
    h += QStringLiteral("    Fizyr::RpcRequest *request() const { return m_request; }\n"
                        "    bool isFinished() const { return m_finished; }\n"
                        "    bool hasResponse() const { return m_hasResponse; }\n");
    if (!unitResponse)
        h += QStringLiteral("    %1 response() const { return m_response; }\n").arg(resp);
    h += QStringLiteral("    Fizyr::RpcError error() const { return m_error; }\n"
                        "    QString errorString() const { return m_errorString; }\n"
                        "    QFuture<%1> future();\n\n")
                 .arg(resp);
    bool hasCancel = false;
    for (const RpcUpdate &u : service.requestUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    bool send%1();\n").arg(upperFirst(stem(u.cppName())));
        else
            h += QStringLiteral("    bool send%1(%2%3);\n")
                         .arg(upperFirst(stem(u.cppName())), paramType(u.bodyType()), u.cppName());
        if (u.name() == QLatin1String("cancel"))
            hasCancel = true;
    }
    if (hasCancel)
        h += QStringLiteral(
                "    // Sends `cancel` and finishes the call at once with RpcError::Canceled.\n"
                "    void cancel();\n");
    h += QStringLiteral("\nQ_SIGNALS:\n");
    for (const RpcUpdate &u : service.responseUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    void %1Received();\n").arg(stem(u.cppName()));
        else
            h += QStringLiteral("    void %1Received(%2%3);\n")
                         .arg(stem(u.cppName()), paramType(u.bodyType()), u.cppName());
    }
    h += QStringLiteral("    // Emitted once, when the response arrived or the call failed.\n    "
                        "void finished();\n\n");
    h += QStringLiteral("private:\n    friend class %1Client;\n").arg(iface.name());
    h += QStringLiteral(
                 "    %1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format, "
                 "QObject *parent);\n"
                 "    void handleUpdate(const Fizyr::RpcMessage &update);\n"
                 "    void handleFinished();\n"
                 "    // Fizyr::RpcRequestObserver: the request tells the call directly\n"
                 "    // (no connections to make and remove per call).\n"
                 "    void requestFinished(Fizyr::RpcRequest *) override { handleFinished(); }\n"
                 "    void requestDestroyed(Fizyr::RpcRequest *request) override;\n"
                 "    void finish(Fizyr::RpcError error, const QString &errorString);\n"
                 "    void reportToPromise();\n\n")
                 .arg(cls);
    h += QStringLiteral(
                 "    Fizyr::RpcRequest *m_request; // null once finished or deleted\n"
                 "    // On a peer with autoDeleteRequests(): the request that deletes this\n"
                 "    // call when it is deleted (requestDestroyed()); else null.\n"
                 "    Fizyr::RpcRequest *m_owner = nullptr;\n"
                 "    // The client's list of the unfinished calls their requests own.\n"
                 "    bool m_listed = false;\n"
                 "    %1 *m_prevOwned = nullptr;\n"
                 "    %1 *m_nextOwned = nullptr;\n")
                 .arg(cls);
    h += QStringLiteral("    // The client that made the call; null once it is deleted.\n"
                        "    QPointer<QObject> m_client;\n"
                        "    Fizyr::RpcBodyCodec::Format m_format;\n"
                        "    bool m_finished = false;\n"
                        "    bool m_hasResponse = false;\n");
    if (!unitResponse)
        h += QStringLiteral("    %1 m_response;\n").arg(resp);
    h += QStringLiteral("    Fizyr::RpcError m_error = Fizyr::RpcError::NoError;\n"
                        "    QString m_errorString;\n"
                        "    std::unique_ptr<QPromise<%1>> m_promise; // made by future()\n};\n\n")
                 .arg(resp);
}

void Generator::writeCallImpl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = callClass(iface, service);
    const QString svc = serviceFunction(iface, service) + QStringLiteral("()");
    const bool unitResponse = isUnit(service.responseType());
    s += QStringLiteral("// ---- %1\n\n").arg(cls);
    s += QStringLiteral("%1::%1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format, "
                        "QObject *parent)\n"
                        "    : QObject(parent), m_request(request), m_format(format)\n{\n"
                        "    if (!request)\n        return;\n")
                 .arg(cls);
    if (!service.responseUpdates().isEmpty())
        s += QStringLiteral("    connect(request, &Fizyr::RpcRequest::updateReceived, this, "
                            "&%1::handleUpdate);\n")
                     .arg(cls);
    // The request tells the call when it finished or is destroyed through
    // RpcRequestObserver: no connections per call (the updates, if any, are).
    const QString disconnectUpdates = service.responseUpdates().isEmpty()
            ? QString()
            : QStringLiteral("        m_request->disconnect(this);\n");
    s += QStringLiteral(
                 "    // The request calls requestFinished() and requestDestroyed().\n"
                 "    request->setObserver(this);\n}\n\n"
                 "// The request is being deleted (with its peer, or by the application):\n"
                 "// an unfinished call ends too, and a call the request owns goes with it.\n"
                 "void %1::requestDestroyed(Fizyr::RpcRequest *request)\n{\n"
                 "    Q_UNUSED(request);\n"
                 "    m_request = nullptr;\n"
                 "    const bool owned = std::exchange(m_owner, nullptr);\n"
                 "    if (owned && !m_finished)\n"
                 "        %2::forgetCall_(m_client, this);\n"
                 "    // A call whose client was deleted (in a slot, while the peer was being\n"
                 "    // deleted) is given up without signals, as the client's destructor does.\n"
                 "    if (m_client && !m_finished) {\n"
                 "        const QPointer<%1> self(this);\n"
                 "        finish(Fizyr::RpcError::ConnectionLost, QStringLiteral(\"the peer "
                 "was deleted\"));\n"
                 "        if (!self)\n            return; // deleted by a slot of finished()\n"
                 "    }\n"
                 "    // A call of a peer with autoDeleteRequests() goes with its request.\n"
                 "    if (owned)\n        delete this;\n}\n\n")
                 .arg(cls, iface.name() + QStringLiteral("Client"));
    s += QStringLiteral("%1::~%1()\n{\n"
                        "    // An unfinished request is given up: its response will be dropped.\n"
                        "    // (A request that owns this call is the auto-deleting peer's to "
                        "delete.)\n"
                        "    if (m_owner) {\n"
                        "        m_owner->setObserver(nullptr);\n"
                        "        if (!m_finished) {\n"
                        "%2"
                        "            %4::forgetCall_(m_client, this);\n"
                        "        }\n"
                        "    } else if (m_request) {\n        m_request->setObserver(nullptr);\n"
                        "%3"
                        "        m_request->deleteLater();\n    }\n}\n\n")
                 .arg(cls,
                      QString(disconnectUpdates)
                              .replace(QStringLiteral("        m_request"),
                                       QStringLiteral("            m_request")),
                      disconnectUpdates, iface.name() + QStringLiteral("Client"));
    s += QStringLiteral("QFuture<%1> %2::future()\n{\n"
                        "    if (!m_promise) {\n"
                        "        m_promise = std::make_unique<QPromise<%1>>();\n"
                        "        m_promise->start();\n"
                        "        if (m_finished)\n            reportToPromise();\n    }\n"
                        "    return m_promise->future();\n}\n\n")
                 .arg(unitResponse ? QStringLiteral("void") : cppType(service.responseType()), cls);
    s += QStringLiteral("void %1::reportToPromise()\n{\n"
                        "    if (m_error == Fizyr::RpcError::NoError) {\n")
                 .arg(cls);
    if (!unitResponse)
        s += QStringLiteral("        m_promise->addResult(m_response);\n");
    s += QStringLiteral("    } else {\n"
                        "        m_promise->setException(Fizyr::RpcException(m_error, "
                        "m_errorString));\n    }\n"
                        "    m_promise->finish();\n}\n\n");
    for (const RpcUpdate &u : service.requestUpdates()) {
        const bool unit = isUnit(u.bodyType());
        s += QStringLiteral("bool %1::send%2(%3)\n{\n")
                     .arg(cls, upperFirst(stem(u.cppName())),
                          unit ? QString() : paramType(u.bodyType()) + u.cppName());
        s += QStringLiteral(
                     "    if (!m_request || m_finished)\n        return false;\n"
                     "    const Fizyr::RpcUpdate update = %1.requestUpdate(%2);\n"
                     "    QByteArray body;\n"
                     "    if (!encodeBody([&update] { return update.bodyType(); }, %3, m_format, "
                     "&body, nullptr))\n"
                     "        return false;\n"
                     "    return m_request->sendUpdate(update.id(), body);\n}\n\n")
                     .arg(svc, literal(u.name()),
                          unit ? QStringLiteral("QVariant()") : u.cppName());
        if (u.name() == QLatin1String("cancel")) {
            s += QStringLiteral("void %1::cancel()\n{\n    if (m_finished)\n        return;\n"
                                "    sendCancel();\n"
                                "    finish(Fizyr::RpcError::Canceled, "
                                "QStringLiteral(\"cancelled\"));\n}\n\n")
                         .arg(cls);
        }
    }
    s += QStringLiteral("void %1::handleUpdate(const Fizyr::RpcMessage &update)\n{\n").arg(cls);
    if (service.responseUpdates().isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(update); // %1 has no response updates\n")
                     .arg(service.name());
    } else {
        s += QStringLiteral("    const Fizyr::RpcService &service = %1;\n    QString error;\n"
                            "    switch (update.serviceId()) {\n")
                     .arg(svc);
        for (const RpcUpdate &u : service.responseUpdates()) {
            const bool unit = isUnit(u.bodyType());
            s += QStringLiteral(
                         "    case %1: {\n        %4 body{};\n"
                         "        if (!decodeBody([&service] { return "
                         "service.responseUpdate(%2).bodyType(); },\n"
                         "                        update.body(), m_format, &body, &error)) {\n"
                         "            finish(Fizyr::RpcError::InvalidBody, "
                         "QStringLiteral(\"invalid body for %3: \") + error);\n"
                         "            return;\n        }\n")
                         .arg(u.id())
                         .arg(literal(u.name()), u.name(), cppType(u.bodyType()));
            if (unit)
                s += QStringLiteral("        Q_EMIT %1Received();\n").arg(stem(u.cppName()));
            else
                s += QStringLiteral("        Q_EMIT %1Received(body);\n").arg(stem(u.cppName()));
            s += QStringLiteral("        return;\n    }\n");
        }
        s += QStringLiteral("    default:\n        return; // an update this interface does not "
                            "know: ignored\n    }\n");
    }
    s += QStringLiteral("}\n\n");
    // A response with the service's own (negative) id is a body, not an error:
    // RpcService::isErrorResponse() has the rule (the Rust reference's).
    s += QStringLiteral(
                 "void %1::handleFinished()\n{\n    if (m_finished || !m_request)\n        "
                 "return;\n"
                 "    if (!m_request->hasResponse()\n"
                 "        || Fizyr::RpcService::isErrorResponse(m_request->response(), %6)) {\n"
                 "        finish(m_request->error(), m_request->errorString());\n        "
                 "return;\n    }\n"
                 "%4"
                 "    QString error;\n"
                 "    if (!decodeBody([] { return %2.responseType(); }, "
                 "m_request->response().body(), m_format,\n"
                 "                    %5, &error)) {\n"
                 "        finish(Fizyr::RpcError::InvalidBody, QStringLiteral(\"invalid "
                 "body for the response of %3: \") + error);\n"
                 "        return;\n    }\n")
                 .arg(cls, svc, service.name(),
                      unitResponse ? QStringLiteral("    QVariant value;\n") : QString(),
                      unitResponse ? QStringLiteral("&value") : QStringLiteral("&m_response"))
                 .arg(service.id());
    s += QStringLiteral(
            "    m_hasResponse = true;\n    finish(Fizyr::RpcError::NoError, QString());\n}\n\n");
    s += QStringLiteral(
                 "void %1::finish(Fizyr::RpcError error, const QString &errorString)\n{\n"
                 "    if (m_finished)\n        return;\n"
                 "    m_finished = true;\n    m_error = error;\n    m_errorString = errorString;\n"
                 "    if (m_request) {\n"
                 "%2"
                 "        if (m_owner) {\n"
                 "            // With RpcPeer::autoDeleteRequests() the peer deletes the request,\n"
                 "            // in a batch, and the request this call (requestDestroyed()).\n"
                 "            // (cancel() leaves the request open.)\n"
                 "            %3::forgetCall_(m_client, this);\n"
                 "        } else {\n"
                 "            m_request->setObserver(nullptr);\n"
                 "            m_request->deleteLater();\n"
                 "        }\n"
                 "        m_request = nullptr;\n    }\n"
                 "    if (m_promise)\n        reportToPromise();\n"
                 "    Q_EMIT finished();\n}\n\n")
                 .arg(cls,
                      service.responseUpdates().isEmpty()
                              ? QString()
                              : QStringLiteral("        if (!m_request->isFinished())\n"
                                               "            m_request->disconnect(this);\n"),
                      iface.name() + QStringLiteral("Client"));
}

void Generator::writeRequestDecl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = requestClass(iface, service);
    const bool unitRequest = isUnit(service.requestType());
    const bool unitResponse = isUnit(service.responseType());
    h += QStringLiteral(
                 "// A received request for service %1 `%2`, from %3Server::%4Requested().\n")
                 .arg(service.id())
                 .arg(service.name(), iface.name(), service.cppName());
    h += QStringLiteral(
                 "class %1 : public QObject, private Fizyr::RpcRequestObserver\n{\n    "
                 "Q_OBJECT\n\npublic:\n"
                 "    // Deleted before it answered: the request is answered with the error\n"
                 "    // response \"request canceled\" (RpcRequest::abort()).\n"
                 "    ~%1() override;\n\n")
                 .arg(cls);
    h += QStringLiteral("    Fizyr::RpcRequest *request() const { return m_request; }\n"
                        "    Fizyr::RpcPeer *peer() const { return m_request->peer(); }\n"
                        "    bool isOpen() const { return m_request->isOpen(); }\n");
    if (!unitRequest)
        h += QStringLiteral("    const %1 &body() const { return m_body; }\n")
                     .arg(cppType(service.requestType()));
    h += QLatin1Char('\n');
    for (const RpcUpdate &u : service.responseUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    bool send%1();\n").arg(upperFirst(stem(u.cppName())));
        else
            h += QStringLiteral("    bool send%1(%2%3);\n")
                         .arg(upperFirst(stem(u.cppName())), paramType(u.bodyType()), u.cppName());
    }
    if (unitResponse)
        h += QStringLiteral("    bool respond();\n");
    else
        h += QStringLiteral("    bool respond(%1response);\n")
                     .arg(paramType(service.responseType()));
    h += QStringLiteral("    bool respondError(const QString &message);\n\nQ_SIGNALS:\n");
    for (const RpcUpdate &u : service.requestUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (u.name() == QLatin1String("cancel"))
            h += QStringLiteral("    void cancelRequested();\n");
        else if (isUnit(u.bodyType()))
            h += QStringLiteral("    void %1Received();\n").arg(stem(u.cppName()));
        else
            h += QStringLiteral("    void %1Received(%2%3);\n")
                         .arg(stem(u.cppName()), paramType(u.bodyType()), u.cppName());
    }
    h += QStringLiteral("    // An update that did not decode; it is otherwise ignored.\n"
                        "    void invalidUpdateReceived(const QString &errorString);\n"
                        "    // The request is closed: answered, or the connection is gone.\n"
                        "    void finished();\n\n");
    h += QStringLiteral("private:\n    friend class %1Server;\n").arg(iface.name());
    h += QStringLiteral(
                 "    %1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format);\n"
                 "    void handleUpdate(const Fizyr::RpcMessage &update);\n"
                 "    // Fizyr::RpcRequestObserver: the request tells this object directly\n"
                 "    // when it finished, and deletes it with itself.\n"
                 "    void requestFinished(Fizyr::RpcRequest *) override { Q_EMIT finished(); }\n"
                 "    void requestDestroyed(Fizyr::RpcRequest *) override;\n\n"
                 "    Fizyr::RpcRequest *m_request; // null once the request is being deleted\n"
                 "    Fizyr::RpcBodyCodec::Format m_format;\n")
                 .arg(cls);
    if (!unitRequest)
        h += QStringLiteral("    %1 m_body;\n").arg(cppType(service.requestType()));
    h += QStringLiteral("};\n\n");
}

void Generator::writeRequestImpl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = requestClass(iface, service);
    const QString svc = serviceFunction(iface, service) + QStringLiteral("()");
    const bool unitResponse = isUnit(service.responseType());
    s += QStringLiteral("// ---- %1\n\n").arg(cls);
    // Not a child of its RpcRequest (no children list, no child events per
    // request): the request deletes it through RpcRequestObserver.
    s += QStringLiteral(
                 "%1::%1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format)\n"
                 "    : m_request(request), m_format(format)\n{\n"
                 "    // The request calls requestFinished(), and requestDestroyed() when it\n"
                 "    // is deleted: this object is deleted with it.\n"
                 "    request->setObserver(this);\n")
                 .arg(cls);
    if (!service.requestUpdates().isEmpty())
        s += QStringLiteral("    connect(request, &Fizyr::RpcRequest::updateReceived, this, "
                            "&%1::handleUpdate);\n")
                     .arg(cls);
    s += QStringLiteral("}\n\n");
    s += QStringLiteral("%1::~%1()\n{\n"
                        "    // Deleted by the application before it answered (not with its "
                        "RpcRequest,\n"
                        "    // which clears m_request first): the client is not left waiting.\n"
                        "    if (!m_request)\n        return;\n"
                        "    m_request->setObserver(nullptr);\n"
                        "%2"
                        "    if (m_request->isOpen())\n"
                        "        m_request->abort();\n}\n\n")
                 .arg(cls,
                      service.requestUpdates().isEmpty()
                              ? QString()
                              : QStringLiteral("    m_request->disconnect(this);\n"));
    s += QStringLiteral("void %1::requestDestroyed(Fizyr::RpcRequest *)\n{\n"
                        "    m_request = nullptr;\n    delete this;\n}\n\n")
                 .arg(cls);
    for (const RpcUpdate &u : service.responseUpdates()) {
        const bool unit = isUnit(u.bodyType());
        s += QStringLiteral("bool %1::send%2(%3)\n{\n")
                     .arg(cls, upperFirst(stem(u.cppName())),
                          unit ? QString() : paramType(u.bodyType()) + u.cppName());
        s += QStringLiteral(
                     "    const Fizyr::RpcUpdate update = %1.responseUpdate(%2);\n"
                     "    QByteArray body;\n"
                     "    if (!encodeBody([&update] { return update.bodyType(); }, %3, m_format, "
                     "&body, nullptr))\n"
                     "        return false;\n"
                     "    return m_request->sendUpdate(update.id(), body);\n}\n\n")
                     .arg(svc, literal(u.name()),
                          unit ? QStringLiteral("QVariant()") : u.cppName());
    }
    s += QStringLiteral(
                 "bool %1::respond(%2)\n{\n    const Fizyr::RpcService &service = %3;\n"
                 "    QByteArray body;\n    QString error;\n"
                 "    if (!encodeBody([&service] { return service.responseType(); }, %4, m_format, "
                 "&body, &error))\n"
                 "        return m_request->sendErrorResponse(QStringLiteral(\"cannot encode the "
                 "response: \") + error);\n"
                 "    return m_request->sendResponse(service.id(), body);\n}\n\n")
                 .arg(cls,
                      unitResponse ? QString()
                                   : paramType(service.responseType()) + QStringLiteral("response"),
                      svc,
                      unitResponse ? QStringLiteral("QVariant()") : QStringLiteral("response"));
    s += QStringLiteral("bool %1::respondError(const QString &message)\n{\n"
                        "    return m_request->sendErrorResponse(message);\n}\n\n")
                 .arg(cls);
    s += QStringLiteral("void %1::handleUpdate(const Fizyr::RpcMessage &update)\n{\n").arg(cls);
    if (service.requestUpdates().isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(update); // %1 has no request updates\n")
                     .arg(service.name());
    } else {
        s += QStringLiteral("    const Fizyr::RpcService &service = %1;\n    QString error;\n"
                            "    switch (update.serviceId()) {\n")
                     .arg(svc);
        for (const RpcUpdate &u : service.requestUpdates()) {
            const bool unit = isUnit(u.bodyType());
            const bool cancel = u.name() == QLatin1String("cancel");
            s += QStringLiteral(
                         "    case %1: {\n        %4 body{};\n"
                         "        if (!decodeBody([&service] { return "
                         "service.requestUpdate(%2).bodyType(); },\n"
                         "                        update.body(), m_format, &body, &error)) {\n"
                         "            Q_EMIT invalidUpdateReceived(QStringLiteral(\"invalid "
                         "body for %3: \") + error);\n"
                         "            return;\n        }\n")
                         .arg(u.id())
                         .arg(literal(u.name()), u.name(), cppType(u.bodyType()));
            if (cancel)
                s += QStringLiteral("        Q_EMIT cancelRequested();\n");
            else if (unit)
                s += QStringLiteral("        Q_EMIT %1Received();\n").arg(stem(u.cppName()));
            else
                s += QStringLiteral("        Q_EMIT %1Received(body);\n").arg(stem(u.cppName()));
            s += QStringLiteral("        return;\n    }\n");
        }
        s += QStringLiteral("    default:\n        return; // an update this interface does not "
                            "know: ignored\n    }\n");
    }
    s += QStringLiteral("}\n\n");
}

void Generator::writeInterfaceDecl(const RpcInterface &iface)
{
    const QString client = iface.name() + QStringLiteral("Client");
    const QString server = iface.name() + QStringLiteral("Server");
    for (const RpcService &service : iface.services())
        writeCallDecl(iface, service);
    for (const RpcService &service : iface.services())
        writeRequestDecl(iface, service);

    // Client
    h += docComment(iface.doc(), QString());
    h += QStringLiteral(
                 "// The typed client of interface %1, on a connected (or connecting) RpcPeer.\n")
                 .arg(iface.name());
    h += QStringLiteral("class %1 : public QObject\n{\n    Q_OBJECT\n\npublic:\n"
                        "    explicit %1(Fizyr::RpcPeer *peer, QObject *parent = nullptr);\n"
                        "    // Unfinished calls end with their client (given up, no signals).\n"
                        "    ~%1() override;\n\n"
                        "    Fizyr::RpcPeer *peer() const { return m_peer; }\n"
                        "    Fizyr::RpcBodyCodec::Format bodyFormat() const { return m_format; }\n"
                        "    void setBodyFormat(Fizyr::RpcBodyCodec::Format format) { m_format = "
                        "format; }\n"
                        "    static Fizyr::RpcInterface rpcInterface();\n\n")
                 .arg(client);
    for (const RpcService &service : iface.services()) {
        h += docComment(service.doc(), QStringLiteral("    "));
        if (isUnit(service.requestType()))
            h += QStringLiteral("    %1 *%2();\n")
                         .arg(callClass(iface, service), service.cppName());
        else
            h += QStringLiteral("    %1 *%2(%3request);\n")
                         .arg(callClass(iface, service), service.cppName(),
                              paramType(service.requestType()));
    }
    for (const RpcStream &stream : iface.streams()) {
        h += docComment(stream.doc(), QStringLiteral("    "));
        if (isUnit(stream.bodyType()))
            h += QStringLiteral("    bool send%1();\n").arg(upperFirst(stem(stream.cppName())));
        else
            h += QStringLiteral("    bool send%1(%2%3);\n")
                         .arg(upperFirst(stem(stream.cppName())), paramType(stream.bodyType()),
                              stream.cppName());
    }
    h += QStringLiteral("\nprivate:\n");
    for (const RpcService &service : iface.services())
        h += QStringLiteral("    friend class %1;\n").arg(callClass(iface, service));
    h += QStringLiteral("    void peerDestroyed_(QObject *peer);\n");
    if (!iface.services().isEmpty())
        h += QStringLiteral(
                "    // A listed call (below) finished or is being deleted: out of the list.\n");
    for (const RpcService &service : iface.services())
        h += QStringLiteral("    static void forgetCall_(QObject *client, %1 *call);\n")
                     .arg(callClass(iface, service));
    h += QStringLiteral("\n    QPointer<Fizyr::RpcPeer> m_peer;\n"
                        "    Fizyr::RpcBodyCodec::Format m_format = Fizyr::RpcBodyCodec::Json;\n");
    if (!iface.services().isEmpty())
        h += QStringLiteral(
                "    // Per service, the unfinished calls that their requests own (a peer "
                "with\n"
                "    // autoDeleteRequests()), in the order they were made.\n");
    for (const RpcService &service : iface.services())
        h += QStringLiteral("    %1 *%2First_ = nullptr;\n    %1 *%2Last_ = nullptr;\n")
                     .arg(callClass(iface, service), ownedList(service));
    h += QStringLiteral("};\n\n");

    // Server
    h += QStringLiteral("// The typed server of interface %1, on one RpcPeer or on every "
                        "connection of an RpcServer.\n")
                 .arg(iface.name());
    h += QStringLiteral("class %1 : public QObject\n{\n    Q_OBJECT\n\npublic:\n"
                        "    explicit %1(Fizyr::RpcPeer *peer, QObject *parent = nullptr);\n"
                        "    explicit %1(Fizyr::RpcServer *server, QObject *parent = nullptr);\n\n"
                        "    void addPeer(Fizyr::RpcPeer *peer);\n"
                        "    Fizyr::RpcBodyCodec::Format bodyFormat() const { return m_format; }\n"
                        "    void setBodyFormat(Fizyr::RpcBodyCodec::Format format) { m_format = "
                        "format; }\n"
                        "    static Fizyr::RpcInterface rpcInterface();\n\nQ_SIGNALS:\n")
                 .arg(server);
    for (const RpcService &service : iface.services()) {
        h += docComment(service.doc(), QStringLiteral("    "));
        h += QStringLiteral("    void %1Requested(%2 *request);\n")
                     .arg(stem(service.cppName()), requestClass(iface, service));
    }
    for (const RpcStream &stream : iface.streams()) {
        h += docComment(stream.doc(), QStringLiteral("    "));
        if (isUnit(stream.bodyType()))
            h += QStringLiteral("    void %1Received(Fizyr::RpcPeer *peer);\n")
                         .arg(stem(stream.cppName()));
        else
            h += QStringLiteral("    void %1Received(%2%3, Fizyr::RpcPeer *peer);\n")
                         .arg(stem(stream.cppName()), paramType(stream.bodyType()),
                              stream.cppName());
    }
    h += QStringLiteral(
            "    // A request or stream message whose body did not decode; requests got an error "
            "response.\n"
            "    void invalidBodyReceived(const QString &errorString, Fizyr::RpcPeer *peer);\n\n"
            "private:\n"
            "    void handleRequest(Fizyr::RpcRequest *request);\n"
            "    void handleStream(Fizyr::RpcPeer *peer, const Fizyr::RpcMessage &message);\n"
            "    void takeConnections();\n\n"
            "    QPointer<Fizyr::RpcServer> m_server;\n"
            "    Fizyr::RpcBodyCodec::Format m_format = Fizyr::RpcBodyCodec::Json;\n};\n\n");
}

void Generator::writeInterfaceImpl(const RpcInterface &iface)
{
    const QString client = iface.name() + QStringLiteral("Client");
    const QString server = iface.name() + QStringLiteral("Server");
    const QString ifaceFunction = memberName(iface.name()) + QStringLiteral("Interface");
    s += QStringLiteral("// ---- interface %1\n\n").arg(iface.name());
    s += QStringLiteral("namespace {\n\ninline const Fizyr::RpcInterface &%1()\n{\n"
                        "    static const Fizyr::RpcInterface iface = "
                        "interfaceFile().interfaceByName(%2);\n"
                        "    return iface;\n}\n\n")
                 .arg(ifaceFunction, literal(iface.name()));
    for (const RpcService &service : iface.services())
        s += QStringLiteral("const Fizyr::RpcService &%1()\n{\n"
                            "    static const Fizyr::RpcService service = %2().service(%3);\n"
                            "    return service;\n}\n\n")
                     .arg(serviceFunction(iface, service), ifaceFunction, literal(service.name()));
    for (const RpcStream &stream : iface.streams())
        s += QStringLiteral("const Fizyr::RpcStream &%1()\n{\n"
                            "    static const Fizyr::RpcStream stream = %2().stream(%3);\n"
                            "    return stream;\n}\n\n")
                     .arg(streamFunction(iface, stream), ifaceFunction, literal(stream.name()));
    s += QStringLiteral("} // namespace\n\n");

    for (const RpcService &service : iface.services())
        writeCallImpl(iface, service);
    for (const RpcService &service : iface.services())
        writeRequestImpl(iface, service);

    // Client
    s += QStringLiteral("// ---- %1\n\n").arg(client);
    s += QStringLiteral("%1::%1(Fizyr::RpcPeer *peer, QObject *parent)\n    : QObject(parent), "
                        "m_peer(peer)\n{\n"
                        "    if (peer)\n"
                        "        connect(peer, &QObject::destroyed, this, &%1::peerDestroyed_, "
                        "Qt::DirectConnection);\n}\n\n")
                 .arg(client);
    // The calls their requests own (a peer with autoDeleteRequests()) are not
    // the client's children: the client keeps the unfinished ones, to end them
    // when the peer is deleted and to give them up when the client is.
    s += QStringLiteral(
                 "// The peer is being deleted: the unfinished calls that their requests own\n"
                 "// (RpcPeer::autoDeleteRequests()) end here, in the order they were made,\n"
                 "// before their requests are deleted with the peer; the others when their\n"
                 "// request is destroyed (requestDestroyed()).\n"
                 "void %1::peerDestroyed_(QObject *peer)\n{\n"
                 "    Q_UNUSED(peer);\n")
                 .arg(client);
    if (!iface.services().isEmpty())
        s += QStringLiteral("    const QPointer<%1> self(this);\n").arg(client);
    for (const RpcService &service : iface.services())
        s += QStringLiteral("    {\n        QList<QPointer<%1>> calls;\n"
                            "        for (%1 *call = %2First_; call; call = call->m_nextOwned)\n"
                            "            calls.append(call);\n"
                            "        for (const QPointer<%1> &call : std::as_const(calls)) {\n"
                            "            if (!self)\n                return; // deleted by a "
                            "slot of finished()\n"
                            "            if (call)\n"
                            "                call->finish(Fizyr::RpcError::ConnectionLost, "
                            "QStringLiteral(\"the peer was deleted\"));\n"
                            "        }\n    }\n")
                     .arg(callClass(iface, service), ownedList(service));
    s += QStringLiteral("}\n\n");
    for (const RpcService &service : iface.services())
        s += QStringLiteral(
                     "void %1::forgetCall_(QObject *client, %2 *call)\n{\n"
                     "    if (!client || !call->m_listed)\n        return;\n"
                     "    auto *self = static_cast<%1 *>(client);\n"
                     "    (call->m_prevOwned ? call->m_prevOwned->m_nextOwned : self->%3First_) = "
                     "call->m_nextOwned;\n"
                     "    (call->m_nextOwned ? call->m_nextOwned->m_prevOwned : self->%3Last_) = "
                     "call->m_prevOwned;\n"
                     "    call->m_prevOwned = call->m_nextOwned = nullptr;\n"
                     "    call->m_listed = false;\n}\n\n")
                     .arg(client, callClass(iface, service), ownedList(service));
    // Calls are the client's children (deleted with it), except on a peer
    // that deletes its requests itself: there they are in the lists.
    s += QStringLiteral("%1::~%1()\n{\n"
                        "    // The unfinished calls that their requests own are given up here "
                        "(the others are\n"
                        "    // this client's children).\n")
                 .arg(client);
    for (const RpcService &service : iface.services())
        s += QStringLiteral("    while (%1 *call = %2First_) {\n"
                            "        forgetCall_(this, call);\n        delete call;\n    }\n")
                     .arg(callClass(iface, service), ownedList(service));
    s += QStringLiteral("}\n\n"
                        "Fizyr::RpcInterface %1::rpcInterface()\n{\n    return %2();\n}\n\n")
                 .arg(client, ifaceFunction);
    for (const RpcService &service : iface.services()) {
        const QString cls = callClass(iface, service);
        const bool unit = isUnit(service.requestType());
        s += QStringLiteral(
                     "%1 *%2::%3(%4)\n{\n    const Fizyr::RpcService &service = %5();\n"
                     "    QByteArray body;\n    QString error;\n"
                     "    if (!m_peer) {\n"
                     "        auto *call = new %1(nullptr, m_format, this);\n"
                     "        QMetaObject::invokeMethod(call, [call] { "
                     "call->finish(Fizyr::RpcError::NotConnected, QStringLiteral(\"no peer\")); }, "
                     "Qt::QueuedConnection);\n"
                     "        return call;\n    }\n"
                     "    if (!encodeBody([&service] { return service.requestType(); }, %6, "
                     "m_format, "
                     "&body, &error)) {\n"
                     "        auto *call = new %1(nullptr, m_format, this);\n"
                     "        QMetaObject::invokeMethod(call, [call, error] { "
                     "call->finish(Fizyr::RpcError::InvalidBody, error); }, "
                     "Qt::QueuedConnection);\n"
                     "        return call;\n    }\n"
                     "    Fizyr::RpcRequest *sent = m_peer->sendRequest(service.id(), body);\n"
                     "    // A peer with autoDeleteRequests() deletes its requests after "
                     "finished(), in\n"
                     "    // batches: the call is then deleted with its request (no parent, "
                     "no child\n"
                     "    // events), else it is the client's child.\n"
                     "    const bool owned = sent && m_peer->autoDeleteRequests();\n"
                     "    auto *call = new %1(sent, m_format, owned ? nullptr : this);\n"
                     "    call->m_client = this;\n"
                     "    if (owned) {\n"
                     "        call->m_owner = sent;\n"
                     "        call->m_listed = true;\n"
                     "        call->m_prevOwned = %7Last_;\n"
                     "        (%7Last_ ? %7Last_->m_nextOwned : %7First_) = call;\n"
                     "        %7Last_ = call;\n"
                     "    }\n"
                     "    return call;\n}\n\n")
                     .arg(cls, client, service.cppName(),
                          unit ? QString()
                               : paramType(service.requestType()) + QStringLiteral("request"),
                          serviceFunction(iface, service),
                          unit ? QStringLiteral("QVariant()") : QStringLiteral("request"),
                          ownedList(service));
    }
    for (const RpcStream &stream : iface.streams()) {
        const bool unit = isUnit(stream.bodyType());
        s += QStringLiteral("bool %1::send%2(%3)\n{\n    const Fizyr::RpcStream &stream = %4();\n"
                            "    QByteArray body;\n"
                            "    if (!m_peer\n"
                            "        || !encodeBody([&stream] { return stream.bodyType(); }, %5, "
                            "m_format, &body, nullptr))\n"
                            "        return false;\n"
                            "    return m_peer->sendStream(stream.id(), body);\n}\n\n")
                     .arg(client, upperFirst(stem(stream.cppName())),
                          unit ? QString() : paramType(stream.bodyType()) + stream.cppName(),
                          streamFunction(iface, stream),
                          unit ? QStringLiteral("QVariant()") : stream.cppName());
    }

    // Server
    s += QStringLiteral("// ---- %1\n\n").arg(server);
    s += QStringLiteral("%1::%1(Fizyr::RpcPeer *peer, QObject *parent)\n    : QObject(parent)\n{\n "
                        "   addPeer(peer);\n}\n\n"
                        "%1::%1(Fizyr::RpcServer *server, QObject *parent)\n    : QObject(parent), "
                        "m_server(server)\n{\n"
                        "    connect(server, &Fizyr::RpcServer::newConnection, this, "
                        "&%1::takeConnections);\n"
                        "    takeConnections();\n}\n\n"
                        "Fizyr::RpcInterface %1::rpcInterface()\n{\n    return %2();\n}\n\n")
                 .arg(server, ifaceFunction);
    s += QStringLiteral("void %1::takeConnections()\n{\n"
                        "    while (m_server && m_server->hasPendingConnections()) {\n"
                        "        Fizyr::RpcPeer *peer = m_server->nextPendingConnection();\n"
                        "        // The peer stays a child of the server and is deleted once it "
                        "disconnected.\n"
                        "        connect(peer, &Fizyr::RpcPeer::disconnected, peer, "
                        "&QObject::deleteLater);\n"
                        "        // Finished requests (and their typed requests) are deleted in "
                        "batches.\n"
                        "        peer->setAutoDeleteRequests(true);\n"
                        "        addPeer(peer);\n    }\n}\n\n")
                 .arg(server);
    s += QStringLiteral(
                 "void %1::addPeer(Fizyr::RpcPeer *peer)\n{\n"
                 "    connect(peer, &Fizyr::RpcPeer::requestReceived, this, &%1::handleRequest);\n"
                 "    connect(peer, &Fizyr::RpcPeer::streamReceived, this,\n"
                 "            [this, peer](const Fizyr::RpcMessage &message) { handleStream(peer, "
                 "message); });\n}\n\n")
                 .arg(server);
    s += QStringLiteral("void %1::handleRequest(Fizyr::RpcRequest *request)\n{\n"
                        "    // The request (and with it the typed request) is deleted once it "
                        "finished\n"
                        "    // (by the peer itself if it deletes its requests automatically).\n"
                        "    if (!request->peer() || !request->peer()->autoDeleteRequests())\n"
                        "        connect(request, &Fizyr::RpcRequest::finished, request, "
                        "&QObject::deleteLater);\n"
                        "    QString error;\n"
                        "    switch (request->serviceId()) {\n")
                 .arg(server);
    for (const RpcService &service : iface.services()) {
        const QString cls = requestClass(iface, service);
        s += QStringLiteral(
                     "    case %1: {\n"
                     "        %7 body{};\n"
                     "        if (!decodeBody([] { return %2().requestType(); }, request->body(), "
                     "m_format, &body,\n"
                     "                        &error)) {\n"
                     "            const QString message = QStringLiteral(\"invalid body for %3: "
                     "\") + error;\n"
                     "            request->sendErrorResponse(message);\n"
                     "            Q_EMIT invalidBodyReceived(message, request->peer());\n"
                     "            return;\n        }\n"
                     "        if (!isSignalConnected(QMetaMethod::fromSignal(&%4::%5Requested)))\n"
                     "            break;\n"
                     "        auto *typed = new %6(request, m_format);\n")
                     .arg(service.id())
                     .arg(serviceFunction(iface, service), service.name(), server,
                          stem(service.cppName()), cls, cppType(service.requestType()));
        if (!isUnit(service.requestType()))
            s += QStringLiteral("        typed->m_body = std::move(body);\n");
        s += QStringLiteral("        Q_EMIT %1Requested(typed);\n        return;\n    }\n")
                     .arg(stem(service.cppName()));
    }
    s += QStringLiteral("    default:\n        break;\n    }\n"
                        "    request->sendErrorResponse(QStringLiteral(\"unexpected request for "
                        "service %1\").arg(request->serviceId()));\n}\n\n");
    s += QStringLiteral("void %1::handleStream(Fizyr::RpcPeer *peer, const Fizyr::RpcMessage "
                        "&message)\n{\n")
                 .arg(server);
    if (iface.streams().isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(peer);\n    Q_UNUSED(message);\n");
    } else {
        s += QStringLiteral("    QString error;\n    switch (message.serviceId()) {\n");
        for (const RpcStream &stream : iface.streams()) {
            s += QStringLiteral("    case %1: {\n"
                                "        %4 body{};\n"
                                "        if (!decodeBody([] { return %2().bodyType(); }, "
                                "message.body(), m_format, &body, &error)) {\n"
                                "            Q_EMIT invalidBodyReceived(QStringLiteral(\"invalid "
                                "body for %3: \") + error, peer);\n"
                                "            return;\n        }\n")
                         .arg(stream.id())
                         .arg(streamFunction(iface, stream), stream.name(),
                              cppType(stream.bodyType()));
            if (isUnit(stream.bodyType()))
                s += QStringLiteral("        Q_EMIT %1Received(peer);\n")
                             .arg(stem(stream.cppName()));
            else
                s += QStringLiteral("        Q_EMIT %1Received(body, peer);\n")
                             .arg(stem(stream.cppName()));
            s += QStringLiteral("        return;\n    }\n");
        }
        s += QStringLiteral("    default:\n        return; // a stream this interface does not "
                            "know: ignored\n    }\n");
    }
    s += QStringLiteral("}\n\n");
}

} // namespace FizyrRpcGen
