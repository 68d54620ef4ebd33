// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "qmlemitter.h"

#include <FizyrRpcQt/rpcinterface.h>
#include <FizyrRpcQt/rpctypeschema.h>

using Fizyr::RpcInterface;
using Fizyr::RpcService;
using Fizyr::RpcStream;
using Fizyr::RpcTypeSchema;
using Fizyr::RpcUpdate;

namespace {

// The bases of the QML types, written once per generated file.
const char supportHeader[] =
#include "qmlsupport_h.inc"
        ;
const char supportSource[] =
#include "qmlsupport_cpp.inc"
        ;

QString upperFirst(const QString &name)
{
    QString result = name;
    if (!result.isEmpty())
        result[0] = result.at(0).toUpper();
    return result;
}

// A C++ name without the underscore a keyword got (`class_` -> `class`), as
// the C++ generator spells signals and classes.
QString stem(const QString &cppName)
{
    return cppName.endsWith(QLatin1Char('_')) ? cppName.chopped(1) : cppName;
}

QString literal(const QString &text)
{
    QString out = QStringLiteral("QStringLiteral(\"");
    for (const QChar c : text) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\');
        out += c;
    }
    return out + QStringLiteral("\")");
}

bool isUnit(const RpcTypeSchema &type)
{
    return type.kind() == RpcTypeSchema::Unit;
}

QString docLine(const QString &doc, const QString &indent)
{
    if (doc.trimmed().isEmpty())
        return QString();
    QString out;
    for (const QString &line : doc.trimmed().split(QLatin1Char('\n')))
        out += indent + QStringLiteral("// ") + line.trimmed() + QLatin1Char('\n');
    return out;
}

class Emitter
{
public:
    Emitter(const Fizyr::RpcInterfaceFile &file, const QmlEmitterOptions &options)
        : m_file(file), m_options(options)
    {
        QString base;
        for (const QChar c : options.baseName)
            base += c.isLetterOrNumber() ? c : QLatin1Char('_');
        m_support = QStringLiteral("FizyrRpcQml_") + base;
    }

    QmlEmitterResult run();

private:
    QString callClass(const RpcInterface &i, const RpcService &svc) const
    {
        return i.name() + upperFirst(stem(svc.cppName())) + QStringLiteral("QmlCall");
    }
    QString requestClass(const RpcInterface &i, const RpcService &svc) const
    {
        return i.name() + upperFirst(stem(svc.cppName())) + QStringLiteral("QmlRequest");
    }
    void writeCall(const RpcInterface &iface, const RpcService &service);
    void writeRequest(const RpcInterface &iface, const RpcService &service);
    void writeClient(const RpcInterface &iface);
    void writeServer(const RpcInterface &iface);

    Fizyr::RpcInterfaceFile m_file;
    QmlEmitterOptions m_options;
    QString m_support;
    QStringList m_errors;
    QString h;
    QString s;
};

void Emitter::writeCall(const RpcInterface &iface, const RpcService &service)
{
    // The properties of QmlCallBase: an update of such a name would hide one.
    static const QStringList reserved{
            QStringLiteral("status"),  QStringLiteral("open"),        QStringLiteral("response"),
            QStringLiteral("error"),   QStringLiteral("errorString"), QStringLiteral("owner"),
            QStringLiteral("promise"), QStringLiteral("then"),        QStringLiteral("abort"),
            QStringLiteral("cancel"),  QStringLiteral("finished"),    QStringLiteral("update")};
    for (const RpcUpdate &u : service.responseUpdates()) {
        if (reserved.contains(stem(u.cppName())))
            m_errors.append(QStringLiteral("%1: response update `%2` of service `%3`: the QML call "
                                           "type has a member of this name; rename the update "
                                           "(updates travel by id, the wire does not change)")
                                    .arg(m_file.fileName(), u.name(), service.name()));
    }
    const QString cls = callClass(iface, service);
    const QList<RpcUpdate> updates = service.responseUpdates();
    const QList<RpcUpdate> requestUpdates = service.requestUpdates();
    h += QStringLiteral("// A call of %1.%2: status, response and the latest of each update as "
                        "properties; a thenable.\n")
                 .arg(iface.name(), service.name());
    h += QStringLiteral("class %1 : public %2::QmlCallBase\n{\n    Q_OBJECT\n"
                        "    QML_NAMED_ELEMENT(%3)\n"
                        "    QML_UNCREATABLE(\"calls come from %4Client.%5()\")\n")
                 .arg(cls, m_support,
                      iface.name() + upperFirst(stem(service.cppName())) + QStringLiteral("Call"),
                      iface.name(), stem(service.cppName()));
    for (const RpcUpdate &u : updates)
        h += QStringLiteral("    Q_PROPERTY(QJSValue %1 READ %1 NOTIFY %1Changed)\n")
                     .arg(stem(u.cppName()));
    h += QStringLiteral("\npublic:\n    explicit %1(QObject *parent = nullptr) : "
                        "QmlCallBase(parent) { }\n\n")
                 .arg(cls);
    for (qsizetype i = 0; i < updates.size(); ++i) {
        h += docLine(updates.at(i).doc(), QStringLiteral("    "));
        h += QStringLiteral("    QJSValue %1() const { return latest(%2); }\n")
                     .arg(stem(updates.at(i).cppName()))
                     .arg(i);
    }
    bool hasCancel = false;
    for (const RpcUpdate &u : requestUpdates) {
        const QString name = upperFirst(stem(u.cppName()));
        h += docLine(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    Q_INVOKABLE bool send%1() { return sendRequestUpdate(%2, "
                                "QJSValue()); }\n")
                         .arg(name, literal(u.name()));
        else
            h += QStringLiteral("    Q_INVOKABLE bool send%1(const QJSValue &%3 = QJSValue()) { "
                                "return sendRequestUpdate(%2, %3); }\n")
                         .arg(name, literal(u.name()), stem(u.cppName()));
        hasCancel = hasCancel || u.name() == QLatin1String("cancel");
    }
    if (hasCancel)
        h += QStringLiteral("    // Sends the cancel update and finishes the call at once, "
                            "canceled.\n"
                            "    Q_INVOKABLE void cancel() { cancelCall(); }\n");
    h += QStringLiteral("\nQ_SIGNALS:\n");
    for (const RpcUpdate &u : updates) {
        h += QStringLiteral("    void %1Changed();\n").arg(stem(u.cppName()));
        h += QStringLiteral("    void %1Received(const QJSValue &%1);\n").arg(stem(u.cppName()));
    }
    h += QStringLiteral("\nprotected:\n    void emitUpdate(int index, const QJSValue &value) "
                        "override;\n};\n\n");

    s += QStringLiteral("void %1::emitUpdate(int index, const QJSValue &value)\n{\n").arg(cls);
    if (updates.isEmpty())
        s += QStringLiteral("    Q_UNUSED(index);\n    Q_UNUSED(value);\n");
    else
        s += QStringLiteral("    switch (index) {\n");
    for (qsizetype i = 0; i < updates.size(); ++i)
        s += QStringLiteral("    case %1:\n        Q_EMIT %2Changed();\n"
                            "        Q_EMIT %2Received(value);\n        break;\n")
                     .arg(i)
                     .arg(stem(updates.at(i).cppName()));
    if (!updates.isEmpty())
        s += QStringLiteral("    default:\n        break;\n    }\n");
    s += QStringLiteral("}\n\n");
}

void Emitter::writeRequest(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = requestClass(iface, service);
    const QList<RpcUpdate> updates = service.requestUpdates();
    h += QStringLiteral("// A request of %1.%2 that a %1Server received.\n")
                 .arg(iface.name(), service.name());
    h += QStringLiteral("class %1 : public %2::QmlRequestBase\n{\n    Q_OBJECT\n"
                        "    QML_NAMED_ELEMENT(%3)\n"
                        "    QML_UNCREATABLE(\"requests come from %4Server.%5Requested\")\n"
                        "\npublic:\n    explicit %1(QObject *parent = nullptr) : "
                        "QmlRequestBase(parent) { }\n\n")
                 .arg(cls, m_support,
                      iface.name() + upperFirst(stem(service.cppName()))
                              + QStringLiteral("Request"),
                      iface.name(), stem(service.cppName()));
    for (const RpcUpdate &u : service.responseUpdates()) {
        const QString name = upperFirst(stem(u.cppName()));
        h += docLine(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    Q_INVOKABLE bool send%1() { return sendResponseUpdate(%2, "
                                "QJSValue()); }\n")
                         .arg(name, literal(u.name()));
        else
            h += QStringLiteral("    Q_INVOKABLE bool send%1(const QJSValue &%3 = QJSValue()) { "
                                "return sendResponseUpdate(%2, %3); }\n")
                         .arg(name, literal(u.name()), stem(u.cppName()));
    }
    h += QStringLiteral("\nQ_SIGNALS:\n");
    for (const RpcUpdate &u : updates) {
        h += docLine(u.doc(), QStringLiteral("    "));
        if (u.name() == QLatin1String("cancel"))
            h += QStringLiteral("    void cancelRequested();\n");
        else
            h += QStringLiteral("    void %1Received(const QJSValue &%1);\n")
                         .arg(stem(u.cppName()));
    }
    h += QStringLiteral("\nprotected:\n    void emitUpdate(int index, const QJSValue &value) "
                        "override;\n};\n\n");

    s += QStringLiteral("void %1::emitUpdate(int index, const QJSValue &value)\n{\n").arg(cls);
    s += QStringLiteral("    Q_UNUSED(value);\n");
    if (updates.isEmpty())
        s += QStringLiteral("    Q_UNUSED(index);\n");
    else
        s += QStringLiteral("    switch (index) {\n");
    for (qsizetype i = 0; i < updates.size(); ++i) {
        const RpcUpdate &u = updates.at(i);
        if (u.name() == QLatin1String("cancel"))
            s += QStringLiteral("    case %1:\n        Q_EMIT cancelRequested();\n        break;\n")
                         .arg(i);
        else
            s += QStringLiteral("    case %1:\n        Q_EMIT %2Received(value);\n        break;\n")
                         .arg(i)
                         .arg(stem(u.cppName()));
    }
    if (!updates.isEmpty())
        s += QStringLiteral("    default:\n        break;\n    }\n");
    s += QStringLiteral("}\n\n");
}

void Emitter::writeClient(const RpcInterface &iface)
{
    const QString cls = iface.name() + QStringLiteral("QmlClient");
    h += docLine(iface.doc(), QString());
    h += QStringLiteral("// QML: %1Client { peer: somePeer }, one method per service returning "
                        "its call.\n")
                 .arg(iface.name());
    h += QStringLiteral("class %1 : public %2::QmlClientBase\n{\n    Q_OBJECT\n"
                        "    QML_NAMED_ELEMENT(%3Client)\n\npublic:\n"
                        "    explicit %1(QObject *parent = nullptr);\n\n")
                 .arg(cls, m_support, iface.name());
    for (const RpcService &service : iface.services()) {
        h += docLine(service.doc(), QStringLiteral("    "));
        if (isUnit(service.requestType()))
            h += QStringLiteral("    Q_INVOKABLE %1 *%2(QObject *owner = nullptr);\n")
                         .arg(callClass(iface, service), service.cppName());
        else
            h += QStringLiteral("    Q_INVOKABLE %1 *%2(const QJSValue &request = QJSValue(), "
                                "QObject *owner = nullptr);\n")
                         .arg(callClass(iface, service), service.cppName());
    }
    for (const RpcStream &stream : iface.streams()) {
        h += docLine(stream.doc(), QStringLiteral("    "));
        h += QStringLiteral("    Q_INVOKABLE bool send%1(const QJSValue &%2 = QJSValue());\n")
                     .arg(upperFirst(stem(stream.cppName())), stem(stream.cppName()));
    }
    h += QStringLiteral("\nQ_SIGNALS:\n");
    for (const RpcStream &stream : iface.streams())
        h += QStringLiteral("    void %1Received(const QJSValue &%1);\n")
                     .arg(stem(stream.cppName()));
    h += QStringLiteral("\nprotected:\n    void emitStream(int index, const QJSValue &value) "
                        "override;\n};\n\n");

    s += QStringLiteral("%1::%1(QObject *parent) : QmlClientBase(%2Client::rpcInterface(), "
                        "parent) { }\n\n")
                 .arg(cls, iface.name());
    for (const RpcService &service : iface.services()) {
        const QString call = callClass(iface, service);
        if (isUnit(service.requestType()))
            s += QStringLiteral("%1 *%2::%3(QObject *owner)\n{\n    auto *call = new %1;\n"
                                "    startCall(call, %4, QJSValue(), owner);\n"
                                "    return call;\n}\n\n")
                         .arg(call, cls, service.cppName(), literal(service.name()));
        else
            s += QStringLiteral("%1 *%2::%3(const QJSValue &request, QObject *owner)\n{\n"
                                "    auto *call = new %1;\n"
                                "    startCall(call, %4, request, owner);\n"
                                "    return call;\n}\n\n")
                         .arg(call, cls, service.cppName(), literal(service.name()));
    }
    for (const RpcStream &stream : iface.streams())
        s += QStringLiteral("bool %1::send%2(const QJSValue &%3)\n{\n"
                            "    return sendStreamByName(%4, %3);\n}\n\n")
                     .arg(cls, upperFirst(stem(stream.cppName())), stem(stream.cppName()),
                          literal(stream.name()));
    s += QStringLiteral("void %1::emitStream(int index, const QJSValue &value)\n{\n").arg(cls);
    s += QStringLiteral("    switch (index) {\n");
    const QList<RpcStream> streams = iface.streams();
    for (qsizetype i = 0; i < streams.size(); ++i)
        s += QStringLiteral("    case %1:\n        Q_EMIT %2Received(value);\n        break;\n")
                     .arg(i)
                     .arg(stem(streams.at(i).cppName()));
    s += QStringLiteral("    default:\n        Q_UNUSED(value);\n        break;\n    }\n}\n\n");
}

void Emitter::writeServer(const RpcInterface &iface)
{
    const QString cls = iface.name() + QStringLiteral("QmlServer");
    h += QStringLiteral("// QML: %1Server { server: someServer; on<Service>Requested: request => "
                        "... }.\n")
                 .arg(iface.name());
    h += QStringLiteral("class %1 : public %2::QmlServerBase\n{\n    Q_OBJECT\n"
                        "    QML_NAMED_ELEMENT(%3Server)\n\npublic:\n"
                        "    explicit %1(QObject *parent = nullptr);\n\nQ_SIGNALS:\n")
                 .arg(cls, m_support, iface.name());
    for (const RpcService &service : iface.services()) {
        h += docLine(service.doc(), QStringLiteral("    "));
        h += QStringLiteral("    void %1Requested(%2 *request);\n")
                     .arg(stem(service.cppName()), requestClass(iface, service));
    }
    for (const RpcStream &stream : iface.streams()) {
        h += docLine(stream.doc(), QStringLiteral("    "));
        h += QStringLiteral("    void %1Received(const QJSValue &%1, QObject *peer);\n")
                     .arg(stem(stream.cppName()));
    }
    h += QStringLiteral("\nprotected:\n"
                        "    %1::QmlRequestBase *createRequest(int index) override;\n"
                        "    bool emitRequest(int index, %1::QmlRequestBase *request) override;\n"
                        "    void emitStream(int index, const QJSValue &value, QObject *peer) "
                        "override;\n};\n\n")
                 .arg(m_support);

    s += QStringLiteral("%1::%1(QObject *parent) : QmlServerBase(%2Client::rpcInterface(), "
                        "parent) { }\n\n")
                 .arg(cls, iface.name());
    const QList<RpcService> services = iface.services();
    s += QStringLiteral("%1::QmlRequestBase *%2::createRequest(int index)\n{\n    switch (index) "
                        "{\n")
                 .arg(m_support, cls);
    for (qsizetype i = 0; i < services.size(); ++i)
        s += QStringLiteral("    case %1:\n        return new %2;\n")
                     .arg(i)
                     .arg(requestClass(iface, services.at(i)));
    s += QStringLiteral("    default:\n        return nullptr;\n    }\n}\n\n");
    s += QStringLiteral("bool %2::emitRequest(int index, %1::QmlRequestBase *request)\n{\n"
                        "    switch (index) {\n")
                 .arg(m_support, cls);
    for (qsizetype i = 0; i < services.size(); ++i) {
        const QString name = stem(services.at(i).cppName());
        s += QStringLiteral(
                     "    case %1:\n"
                     "        if (!isSignalConnected(QMetaMethod::fromSignal(&%2::%3Requested)))\n"
                     "            return false;\n"
                     "        Q_EMIT %3Requested(static_cast<%4 *>(request));\n"
                     "        return true;\n")
                     .arg(i)
                     .arg(cls, name, requestClass(iface, services.at(i)));
    }
    s += QStringLiteral("    default:\n        return false;\n    }\n}\n\n");
    s += QStringLiteral("void %1::emitStream(int index, const QJSValue &value, QObject *peer)\n{\n"
                        "    switch (index) {\n")
                 .arg(cls);
    const QList<RpcStream> streams = iface.streams();
    for (qsizetype i = 0; i < streams.size(); ++i)
        s += QStringLiteral(
                     "    case %1:\n        Q_EMIT %2Received(value, peer);\n        break;\n")
                     .arg(i)
                     .arg(stem(streams.at(i).cppName()));
    s += QStringLiteral("    default:\n        Q_UNUSED(value);\n        Q_UNUSED(peer);\n"
                        "        break;\n    }\n}\n\n");
}

QmlEmitterResult Emitter::run()
{
    const QString guard = QStringLiteral("FIZYRRPCGEN_%1_QML_H")
                                  .arg(m_options.baseName.toUpper().replace(QLatin1Char('-'),
                                                                            QLatin1Char('_')));
    h += QStringLiteral("// Generated by fizyr-rpc-gen --qml from %1.rpc: do not edit.\n"
                        "// The QML types of its interfaces (see doc/qml.md, \"Typed interfaces "
                        "in QML\").\n\n")
                 .arg(m_options.baseName);
    h += QStringLiteral("#ifndef %1\n#define %1\n\n#include \"%2\"\n\n")
                 .arg(guard, m_options.cppHeaderName);
    h += QStringLiteral("#include <QtCore/qlist.h>\n#include <QtCore/qmetaobject.h>\n"
                        "#include <QtCore/qpointer.h>\n#include <QtQml/qjsengine.h>\n"
                        "#include <QtQml/qjsvalue.h>\n#include <QtQml/qqmlregistration.h>\n\n");
    if (!m_options.cppNamespace.isEmpty())
        h += QStringLiteral("namespace %1 {\n\n").arg(m_options.cppNamespace);
    h += QString::fromUtf8(supportHeader).replace(QStringLiteral("@SUPPORT@"), m_support);
    h += QLatin1Char('\n');

    s += QStringLiteral("// Generated by fizyr-rpc-gen --qml from %1.rpc: do not edit.\n\n"
                        "#include \"%1_qml.h\"\n\n#include <FizyrRpcQt/rpcmessage.h>\n\n")
                 .arg(m_options.baseName);
    if (!m_options.cppNamespace.isEmpty())
        s += QStringLiteral("namespace %1 {\n\n").arg(m_options.cppNamespace);
    // gadgetToWire: the generated value types, as RpcBodyCodec takes them.
    s += QStringLiteral("namespace %1 {\n\nQVariant gadgetToWire(const QVariant &value)\n{\n")
                 .arg(m_support);
    for (const RpcTypeSchema &type : m_file.types())
        s += QStringLiteral("    if (value.metaType() == QMetaType::fromType<%1>())\n"
                            "        return value.value<%1>().toVariant();\n")
                     .arg(type.name());
    s += QStringLiteral("    return value;\n}\n\n} // namespace %1\n").arg(m_support);
    s += QString::fromUtf8(supportSource).replace(QStringLiteral("@SUPPORT@"), m_support);
    s += QLatin1Char('\n');

    // The variants of each enum type, as a QML namespace: Level.Info.
    for (const RpcTypeSchema &type : m_file.types()) {
        if (type.kind() != RpcTypeSchema::Enum)
            continue;
        h += QStringLiteral("// QML: %1.<Variant>, the variant's index, accepted where a %1 is "
                            "expected.\nnamespace %1QmlEnum {\nQ_NAMESPACE\n"
                            "QML_FOREIGN_NAMESPACE(%2%1)\nQML_NAMED_ELEMENT(%1)\n}\n\n")
                     .arg(type.name(),
                          m_options.cppNamespace.isEmpty()
                                  ? QStringLiteral("::")
                                  : QStringLiteral("::%1::").arg(m_options.cppNamespace));
    }
    for (const RpcInterface &iface : m_file.interfaces()) {
        s += QStringLiteral("// ---- interface %1\n\n").arg(iface.name());
        for (const RpcService &service : iface.services())
            writeCall(iface, service);
        writeClient(iface);
        for (const RpcService &service : iface.services())
            writeRequest(iface, service);
        writeServer(iface);
    }
    if (!m_options.cppNamespace.isEmpty()) {
        h += QStringLiteral("} // namespace %1\n\n").arg(m_options.cppNamespace);
        s += QStringLiteral("} // namespace %1\n").arg(m_options.cppNamespace);
    }
    h += QStringLiteral("#endif // %1\n").arg(guard);
    return {h, s, m_errors};
}

} // namespace

QmlEmitterResult emitQml(const Fizyr::RpcInterfaceFile &file, const QmlEmitterOptions &options)
{
    return Emitter(file, options).run();
}
