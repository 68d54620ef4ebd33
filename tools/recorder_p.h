// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// What the pieces of the recorder share: the encoders (recorder_pcapng.cpp,
// recorder_jsonlines.cpp), behind one interface, and the names they write.

#ifndef FIZYRRPC_RECORDER_P_H
#define FIZYRRPC_RECORDER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "output.h"
#include "recorder.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <memory>

namespace Tool {

QString transportName(Fizyr::RpcAddress::Transport transport);
QString directionName(RecordDirection direction);

// ---- encoders: what the event loop turns each event into

class Encoder
{
public:
    virtual ~Encoder() = default;
    virtual QByteArray fileHeader() const = 0;
    virtual QByteArray opened(qint64 time, const RecordedConnection &c) = 0;
    virtual QByteArray closed(qint64 time, int connection) = 0;
    // message: without its descriptors (fds: how many came with it);
    // decoded: by --interface, or null.
    virtual QByteArray message(qint64 time, int connection, RecordDirection direction,
                               const Fizyr::RpcMessage &message, int fds,
                               const DecodedBody *decoded)
            = 0;
};

std::unique_ptr<Encoder> createPcapngEncoder();
std::unique_ptr<Encoder> createJsonLinesEncoder();

} // namespace Tool

#endif // FIZYRRPC_RECORDER_P_H
