// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// serve --interface FILE [--answers FILE]: a mock of the interface's server.
// Each service answers with its canned updates and response from the
// answers file (keyed by service name), or with the zero value of its
// response type; a request body that does not decode gets the error
// response "invalid body for NAME: reason", as a generated server sends.

#ifndef FIZYRRPC_MOCKSERVER_H
#define FIZYRRPC_MOCKSERVER_H

#include "interfaceoptions.h"

#include <FizyrRpcQt/RpcRequest>

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

namespace Tool {

class MockAnswers
{
public:
    // The answers of path (empty: none, every service answers with the zero
    // value), checked against the interface and encoded once. Nothing, with
    // a one-line errorText, if the file does not fit the interface.
    static std::optional<MockAnswers> load(const QString &path, const InterfaceOptions &interface,
                                           QString *errorText);

    // Answers request as the mock: updates, then the response or the error
    // response. Returns false (errorText set) if it could not be sent.
    bool answer(Fizyr::RpcRequest *request, QString *errorText) const;

private:
    struct Update
    {
        qint32 id;
        QByteArray body;
    };
    struct Answer
    {
        QList<Update> updates;
        bool isError = false;
        QString errorText;
        QByteArray response;
    };

    const InterfaceOptions *m_interface = nullptr;
    QHash<qint32, Answer> m_answers; // by service id
};

} // namespace Tool

#endif // FIZYRRPC_MOCKSERVER_H
