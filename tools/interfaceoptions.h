// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// --interface FILE, --interface-name NAME and --body-format json|cbor: an
// interface file read with the library's runtime API (RpcInterfaceFile,
// RpcInterface, RpcTypeSchema, RpcBodyCodec), services, updates and streams
// looked up by name or id, bodies encoded from JSON text by schema, and
// received bodies decoded for printing.

#ifndef FIZYRRPC_INTERFACEOPTIONS_H
#define FIZYRRPC_INTERFACEOPTIONS_H

#include "commandline.h"
#include "output.h"

#include <FizyrRpcQt/RpcBodyCodec>
#include <FizyrRpcQt/RpcInterface>
#include <FizyrRpcQt/RpcInterfaceFile>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcTypeSchema>

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QVariant>

#include <optional>

namespace Tool {

// Reads an interface file; on failure returns nothing and sets errorText to
// the parser's first "file:line:column: message" (or why it cannot be read).
std::optional<Fizyr::RpcInterfaceFile> loadInterfaceFile(const QString &path, QString *errorText);

class InterfaceOptions
{
public:
    // Adds --interface, --interface-name and --body-format.
    static void addOptions(QCommandLineParser &parser);
    // Reads them back: an inactive object without --interface; nothing after
    // an error (printed, exitCode set).
    static std::optional<InterfaceOptions> fromOptions(CommandLine &commandLine, int *exitCode);

    bool isActive() const { return m_interface.isValid(); }
    const Fizyr::RpcInterface &interface() const { return m_interface; }
    Fizyr::RpcBodyCodec::Format format() const { return m_format; }

    // A service or stream by name or decimal id; nothing (errorText set) if
    // the interface has none.
    std::optional<Fizyr::RpcService> service(const QString &nameOrId, QString *errorText) const;
    std::optional<Fizyr::RpcStream> stream(const QString &nameOrId, QString *errorText) const;
    std::optional<Fizyr::RpcUpdate> requestUpdate(const Fizyr::RpcService &service,
                                                  const QString &nameOrId,
                                                  QString *errorText) const;

    // JSON text (empty: null) checked against type and encoded in format().
    // On failure: "invalid body for WHAT: reason".
    std::optional<QByteArray> encodeJson(const Fizyr::RpcTypeSchema &type, const QByteArray &json,
                                         const QString &what, QString *errorText) const;
    // A value (as RpcBodyCodec takes it) encoded in format().
    std::optional<QByteArray> encodeValue(const Fizyr::RpcTypeSchema &type, const QVariant &value,
                                          const QString &what, QString *errorText) const;
    // body decoded by type (an empty body is null for `()`); on failure
    // errorText is "invalid body for WHAT: reason".
    bool decodeBody(const Fizyr::RpcTypeSchema &type, const QByteArray &body, const QString &what,
                    QVariant *value, QString *errorText) const;

    // What message is, by the interface, for printing: a request or stream
    // by its service id, an update or response by the service of its request
    // (requestServiceId). Nothing known (no interface, id not in it, error
    // responses): an empty DecodedBody.
    DecodedBody decode(const Fizyr::RpcMessage &message, qint32 requestServiceId) const;
    // Whether the response to a request for requestServiceId is an error
    // response: RpcService::isErrorResponse() with an interface,
    // RpcMessage::isError() without.
    bool isErrorResponse(const Fizyr::RpcMessage &response, qint32 requestServiceId) const;

    // value (as RpcBodyCodec gives it) as compact JSON text, by type.
    static QString jsonText(const Fizyr::RpcTypeSchema &type, const QVariant &value);

private:
    DecodedBody decodeAs(const Fizyr::RpcTypeSchema &type, const QByteArray &body,
                         const QString &name, const QString &what) const;

    Fizyr::RpcInterfaceFile m_file;
    Fizyr::RpcInterface m_interface;
    Fizyr::RpcBodyCodec::Format m_format = Fizyr::RpcBodyCodec::Json;
};

} // namespace Tool

#endif // FIZYRRPC_INTERFACEOPTIONS_H
