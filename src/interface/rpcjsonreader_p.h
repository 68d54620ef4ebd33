// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCJSONREADER_P_H
#define FIZYRRPCQT_RPCJSONREADER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the fizyr-rpc-qt API. It exists purely as an
// implementation detail. This header file may change from version to
// version without notice, or even be removed.
//
// We mean it.
//

// RpcJsonReaderPrivate: the state of an RpcJsonReader (its open containers)
// over the JSON lexer of RpcCodec::JsonReader.

#include "rpcjsoncodecreader_p.h"
#include "rpcjsonreader.h"

#include <QtCore/qvarlengtharray.h>

#include <memory>

namespace Fizyr {

class RpcJsonReaderPrivate final : public RpcCodec::JsonReader
{
public:
    using Field = RpcJsonReader::Field;
    using Variant = RpcJsonReader::Variant;

    // An open container, for the state of its reading and for the path of
    // the value being read, built only for an error message.
    struct Frame
    {
        enum Kind { Sequence, Map, Struct, Enum, Tuple };
        Kind kind = Sequence;
        bool active = false; // a member is being read: part of the path
        bool first = true;
        bool sequenceForm = false; // Struct: from an array; Enum: {"name": data} form
        int index = -1; // Sequence, Tuple: element; Struct: field
        int next = 0; // Struct (array form), Tuple: the next index
        int count = 0;
        const Field *fields = nullptr;
        const Variant *variant = nullptr;
        // Struct (object form): the fields read, bit i for field i when there
        // are at most 64 (no allocation); else from m_seen[seenOffset] on.
        quint64 seenMask = 0;
        qsizetype seenOffset = -1;
        QString key; // Map
    };

    explicit RpcJsonReaderPrivate(const QByteArray &body) : JsonReader(body), m_body(body) { }

    // A reader of this thread, ready for body: the one the last reader
    // released (no allocation per decode: the generated code makes a reader
    // per body), or a new one. Nested readers each get their own.
    static RpcJsonReaderPrivate *acquire(const QByteArray &body)
    {
        RpcJsonReaderPrivate *d = s_spare.release();
        if (!d)
            return new RpcJsonReaderPrivate(body);
        d->m_body = body;
        d->m_start = reinterpret_cast<const uchar *>(d->m_body.constData());
        d->m_p = d->m_start;
        d->m_end = d->m_start + d->m_body.size();
        return d;
    }

    // Keeps d for the next reader of this thread, in the state of a new one
    // (the scratch buffer keeps its capacity); deletes it if one is kept.
    static void release(std::unique_ptr<RpcJsonReaderPrivate> d)
    {
        if (s_spare)
            return;
        d->m_body = QByteArray();
        d->m_start = d->m_p = d->m_end = nullptr;
        d->m_depth = 128;
        d->m_error.clear();
        d->m_frames.clear(); // a reading that stopped at an error leaves frames
        d->m_seen.clear();
        if (d->m_scratch.capacity() > 4096)
            d->m_scratch = QByteArray();
        s_spare = std::move(d);
    }

    QString describe(const QString &message) const override
    {
        RpcCodec::Path path;
        for (const Frame &f : m_frames) {
            if (!f.active)
                continue;
            switch (f.kind) {
            case Frame::Sequence:
            case Frame::Tuple:
                path.pushIndex(f.index);
                break;
            case Frame::Map:
                path.pushKey(f.key);
                break;
            case Frame::Struct:
                path.pushField(QString::fromUtf8(f.fields[f.index].wireName));
                break;
            case Frame::Enum:
                path.pushField(QString::fromUtf8(f.variant->wireName));
                break;
            }
        }
        return path.describe(message);
    }

    Frame &top() { return m_frames.last(); }

    Frame &push(Frame::Kind kind)
    {
        m_frames.append(Frame());
        Frame &f = m_frames.last();
        f.kind = kind;
        return f;
    }

    bool readNumber(RpcTypeSchema::Kind kind, RpcCodec::Number *n)
    {
        const int c = peek();
        if (c != '-' && !(c >= '0' && c <= '9'))
            return invalidType(kindName(kind));
        return parseNumber(n);
    }

    template<typename T>
    bool readSigned(RpcTypeSchema::Kind kind, T *value)
    {
        RpcCodec::Number n;
        if (!readNumber(kind, &n) || !checkInteger(kind, n))
            return false;
        *value = T(n.kind == RpcCodec::Number::U64 ? qint64(n.u) : n.i);
        return true;
    }

    template<typename T>
    bool readUnsigned(RpcTypeSchema::Kind kind, T *value)
    {
        RpcCodec::Number n;
        if (!readNumber(kind, &n) || !checkInteger(kind, n))
            return false;
        *value = T(n.u); // checkInteger() accepts no negative number here
        return true;
    }

    bool readDouble(RpcTypeSchema::Kind kind, double *value)
    {
        RpcCodec::Number n;
        if (!readNumber(kind, &n))
            return false;
        *value = n.kind == RpcCodec::Number::U64  ? double(n.u)
                : n.kind == RpcCodec::Number::I64 ? double(n.i)
                                                  : n.f;
        return true;
    }

    bool readNullAs(const char *expected)
    {
        if (peek() != 'n')
            return invalidType(expected);
        ++m_p;
        return ident("ull");
    }

    // The common case of nextKey() + findField(): the next key is the next
    // field in declared order, written without escapes. Returns its index
    // (the key read), or -1 with nothing read but white space.
    int expectedKey(Frame &f)
    {
        const int expected = f.index + 1;
        if (expected >= f.count)
            return -1;
        const int c = peek();
        const uchar *q = m_p;
        if (c == ',' && !f.first) {
            ++q;
            while (q < m_end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
                ++q;
        } else if (!(c == '"' && f.first)) {
            return -1;
        }
        if (q >= m_end || *q != '"')
            return -1;
        ++q;
        const char *name = f.fields[expected].wireName;
        for (; *name; ++name, ++q) {
            const auto n = uchar(*name);
            if (n == '"' || n == '\\' || n < 0x20 || q >= m_end || *q != n)
                return -1;
        }
        if (q >= m_end || *q != '"')
            return -1;
        m_p = q + 1;
        f.first = false;
        return expected;
    }

    int findField(Frame &f, const QByteArray &key)
    {
        // Fields usually arrive in their declared order: try the next one first.
        const int expected = f.index + 1;
        auto matches = [&](int i) {
            const char *name = f.fields[i].wireName;
            return qstrncmp(name, key.constData(), size_t(key.size())) == 0
                    && name[key.size()] == '\0';
        };
        if (expected < f.count && matches(expected))
            return expected;
        for (int i = 0; i < f.count; ++i) {
            if (i != expected && matches(i))
                return i;
        }
        return -1;
    }

    QByteArray m_body; // keeps the text alive
    QVarLengthArray<Frame, 4> m_frames; // grows beyond 4 levels of nesting
    QVarLengthArray<bool, 32> m_seen; // Struct (object form), over 64 fields: the fields read

    // Field i of a struct was read (its frame's seenMask and seenOffset).
    bool seen(quint64 mask, qsizetype offset, int i) const
    {
        return offset < 0 ? (mask >> i) & 1 : m_seen[offset + i];
    }
    bool seen(const Frame &f, int i) const { return seen(f.seenMask, f.seenOffset, i); }
    // Every one of the count fields was read, known from the mask alone.
    static bool allSeen(quint64 mask, qsizetype offset, int count)
    {
        return offset < 0 && mask == (count == 64 ? ~quint64(0) : (quint64(1) << count) - 1);
    }
    void markSeen(Frame &f, int i)
    {
        if (f.seenOffset < 0)
            f.seenMask |= quint64(1) << i;
        else
            m_seen[f.seenOffset + i] = true;
    }

private:
    static thread_local std::unique_ptr<RpcJsonReaderPrivate> s_spare;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCJSONREADER_P_H
