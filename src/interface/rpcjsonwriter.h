// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCJSONWRITER_H
#define FIZYRRPCQT_RPCJSONWRITER_H

#include "rpcinterfaceglobal.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringview.h>

namespace Fizyr {

class FIZYRRPCQTINTERFACE_EXPORT RpcJsonWriter
{
public:
    RpcJsonWriter();
    ~RpcJsonWriter();

    void writeNull();
    void writeBool(bool value);
    void writeInteger(qint64 value);
    void writeUnsigned(quint64 value);
    void writeFloat(float value);
    void writeDouble(double value);
    void writeString(QStringView value);

    void beginArray();
    void endArray();
    void beginObject();
    void writeKey(QByteArrayView utf8);
    void writeKey(QStringView key);
    void endObject();

    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    QByteArray data() const;
    QByteArray takeData();

private:
    Q_DISABLE_COPY_MOVE(RpcJsonWriter)

    // Room for max more bytes at the end; shrinkTo() then marks the end written.
    char *grow(qsizetype max)
    {
        if (m_out.size() - m_used < max)
            reserveMore(max);
        return m_buffer + m_used;
    }
    void shrinkTo(const char *end) { m_used = end - m_buffer; }
    void reserveMore(qsizetype max);
    void appendString(QStringView value, const char *before, const char *after);

    QByteArray m_out; // the buffer: its size is the capacity, m_used bytes are written
    char *m_buffer = nullptr; // m_out.data()
    qsizetype m_used = 0;
    QString m_error;
    bool m_comma = false;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCJSONWRITER_H
