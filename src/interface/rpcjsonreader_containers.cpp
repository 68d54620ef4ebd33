// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcJsonReader: reading containers (sequences, maps, structs, enums and
// tuples) with serde_derive's rules.

#include "rpcjsonreader_p.h"

namespace Fizyr {

/*! Starts reading an array (a \c Vec). Returns \c false on an error. */
bool RpcJsonReader::beginSequence()
{
    if (d->peek() != '[')
        return d->invalidType("a sequence");
    ++d->m_p;
    if (!d->enter())
        return false;
    d->push(RpcJsonReaderPrivate::Frame::Sequence);
    return true;
}

/*!
    Returns \c true if the array has another element (read it next), \c
    false at its end or on an error.
*/
bool RpcJsonReader::nextElement()
{
    auto &f = d->top();
    f.active = false;
    if (d->nextElement(&f.first) <= 0)
        return false;
    ++f.index;
    f.active = true;
    return true;
}

/*!
    Ends reading an array, after nextElement() returned \c false. Returns
    \c false on an error.
*/
bool RpcJsonReader::endSequence()
{
    d->m_frames.removeLast();
    d->leave();
    return d->endSeq();
}

/*!
    Starts reading an object as a map (a \c BTreeMap or \c HashMap).
    Returns \c false on an error.
*/
bool RpcJsonReader::beginMap()
{
    if (d->peek() != '{')
        return d->invalidType("a map");
    ++d->m_p;
    if (!d->enter())
        return false;
    d->push(RpcJsonReaderPrivate::Frame::Map);
    return true;
}

/*!
    Reads the next key of the map into \a key and returns \c true (read the
    value next); returns \c false at its end or on an error.
*/
bool RpcJsonReader::nextKey(QString *key)
{
    auto &f = d->top();
    f.active = false;
    if (d->nextKey(&f.first, &d->m_scratch) <= 0)
        return false;
    *key = QString::fromUtf8(d->m_scratch);
    if (!d->colon())
        return false;
    f.key = *key;
    f.active = true;
    return true;
}

/*!
    Ends reading a map, after nextKey() returned \c false. Returns \c false
    on an error.
*/
bool RpcJsonReader::endMap()
{
    d->m_frames.removeLast();
    d->leave();
    return d->endMap();
}

/*!
    Starts reading a struct with the \a count fields \a fields (in declared
    order; the array must outlive the reading of the struct). Both of
    serde's forms are accepted: an object, and an array of the fields in
    order. Returns \c false on an error.
*/
bool RpcJsonReader::beginStruct(const Field *fields, int count)
{
    const int c = d->peek();
    if (c != '[' && c != '{')
        return d->invalidType("a struct");
    ++d->m_p;
    if (!d->enter())
        return false;
    auto &f = d->push(RpcJsonReaderPrivate::Frame::Struct);
    f.fields = fields;
    f.count = count;
    f.sequenceForm = c == '[';
    if (!f.sequenceForm) {
        if (count > 64) {
            f.seenOffset = d->m_seen.size();
            d->m_seen.resize(f.seenOffset + count);
            std::fill(d->m_seen.begin() + f.seenOffset, d->m_seen.end(), false);
        }
    }
    return true;
}

/*!
    Returns the index (in the array given to beginStruct()) of the next
    field in the body, whose value is to be read next; -1 at the end of the
    struct (call endStruct()), -2 on an error. Unknown fields are skipped.
*/
int RpcJsonReader::nextField()
{
    auto &f = d->top();
    f.active = false;
    if (f.sequenceForm) {
        while (f.next < f.count) {
            const int r = d->nextElement(&f.first);
            if (r < 0)
                return -2;
            if (r == 0) {
                if (f.fields[f.next].flags & HasDefault) {
                    ++f.next;
                    continue;
                }
                d->fail(RpcCodec::tr("invalid length %1, expected a struct with %2 elements")
                                .arg(f.next)
                                .arg(f.count));
                return -2;
            }
            f.index = f.next++;
            f.active = true;
            return f.index;
        }
        return -1;
    }
    for (;;) {
        int i = d->expectedKey(f);
        if (i < 0) {
            const int r = d->nextKey(&f.first, &d->m_scratch);
            if (r < 0)
                return -2;
            if (r == 0)
                return -1;
            i = d->findField(f, d->m_scratch);
        }
        if (i >= 0 && d->seen(f, i)) {
            d->fail(RpcCodec::tr("duplicate field `%1`")
                            .arg(QString::fromUtf8(f.fields[i].wireName)));
            return -2;
        }
        if (!d->colon())
            return -2;
        if (i < 0) {
            if (!d->ignoreValue())
                return -2;
            continue;
        }
        d->markSeen(f, i);
        f.index = i;
        f.active = true;
        return i;
    }
}

/*!
    Ends reading a struct, after nextField() returned -1: fails for a
    missing field that is neither \l Optional nor has a default. Returns \c
    false on an error.
*/
bool RpcJsonReader::endStruct()
{
    const RpcJsonReaderPrivate::Frame &top = d->top();
    const bool sequenceForm = top.sequenceForm;
    const int count = top.count;
    const Field *const fields = top.fields;
    const quint64 seenMask = top.seenMask;
    const qsizetype seenOffset = top.seenOffset;
    d->m_frames.removeLast();
    d->leave();
    if (sequenceForm)
        return d->endSeq();
    bool ok = d->endMap();
    // Every field read (the common case): nothing to look up.
    if (ok && !RpcJsonReaderPrivate::allSeen(seenMask, seenOffset, count)) {
        for (int i = 0; i < count && ok; ++i) {
            if (!d->seen(seenMask, seenOffset, i) && !(fields[i].flags & (HasDefault | Optional)))
                ok = d->fail(RpcCodec::tr("missing field `%1`")
                                     .arg(QString::fromUtf8(fields[i].wireName)));
        }
    }
    if (seenOffset >= 0)
        d->m_seen.resize(seenOffset);
    return ok;
}

/*!
    Starts reading an enum with the \a count variants \a variants (the array
    must outlive the reading of the value), in serde's externally tagged
    form: \c {"Name"} for a unit variant, \c {{"Name": data}} otherwise.
    Returns the index of the variant, or -1 on an error. The data of a unit
    variant is read here; the data of the others is read next (a value, a
    tuple with beginTuple(), a struct with beginStruct()), then endEnum().
*/
int RpcJsonReader::beginEnum(const Variant *variants, int count)
{
    auto find = [&](const QByteArray &name) {
        for (int i = 0; i < count; ++i) {
            if (qstrcmp(variants[i].wireName, name.constData()) == 0
                && qstrlen(variants[i].wireName) == size_t(name.size()))
                return i;
        }
        QStringList names;
        for (int i = 0; i < count; ++i)
            names.append(QLatin1Char('`') + QString::fromUtf8(variants[i].wireName)
                         + QLatin1Char('`'));
        d->fail(RpcCodec::tr("unknown variant `%1`, expected one of %2")
                        .arg(QString::fromUtf8(name), names.join(QLatin1String(", "))));
        return -1;
    };
    const int c = d->peek();
    if (c == '"') {
        if (!d->parseString(&d->m_scratch))
            return -1;
        const int i = find(d->m_scratch);
        if (i < 0)
            return -1;
        const Variant &v = variants[i];
        if (v.kind != UnitVariant) {
            d->fail(RpcCodec::tr("invalid type: unit variant, expected %1 variant `%2`")
                            .arg(v.kind == NewtypeVariant         ? RpcCodec::tr("newtype")
                                         : v.kind == TupleVariant ? RpcCodec::tr("tuple")
                                                                  : RpcCodec::tr("struct"),
                                 QString::fromUtf8(v.wireName)));
            return -1;
        }
        auto &f = d->push(RpcJsonReaderPrivate::Frame::Enum);
        f.variant = &v;
        return i;
    }
    if (c != '{') {
        d->fail(c == -1 ? RpcCodec::tr("EOF while parsing a value")
                        : RpcCodec::tr("expected value"));
        return -1;
    }
    ++d->m_p;
    if (!d->enter())
        return -1;
    if (d->peek() != '"') {
        d->invalidType("variant identifier");
        return -1;
    }
    if (!d->parseString(&d->m_scratch))
        return -1;
    const int i = find(d->m_scratch);
    if (i < 0 || !d->colon())
        return -1;
    auto &f = d->push(RpcJsonReaderPrivate::Frame::Enum);
    f.variant = &variants[i];
    f.sequenceForm = true;
    f.active = true;
    if (variants[i].kind == UnitVariant && !d->readNullAs("unit variant"))
        return -1;
    return i;
}

/*! Ends reading an enum, after its variant's data. Returns \c false on an error. */
bool RpcJsonReader::endEnum()
{
    const bool mapForm = d->top().sequenceForm;
    d->m_frames.removeLast();
    if (!mapForm)
        return true;
    d->leave();
    const int c = d->peek();
    if (c != '}')
        return d->fail(c == -1 ? RpcCodec::tr("EOF while parsing an object")
                               : RpcCodec::tr("expected value"));
    ++d->m_p;
    return true;
}

/*!
    Starts reading the data of a tuple variant with \a count elements (after
    beginEnum()). Returns \c false on an error.
*/
bool RpcJsonReader::beginTuple(int count)
{
    if (d->peek() != '[')
        return d->invalidType("tuple variant");
    ++d->m_p;
    if (!d->enter())
        return false;
    auto &f = d->push(RpcJsonReaderPrivate::Frame::Tuple);
    f.count = count;
    return true;
}

/*!
    Moves to the next element of the tuple (read it next); fails if the array
    has fewer elements than the tuple. Returns \c false on an error.
*/
bool RpcJsonReader::nextTupleElement()
{
    auto &f = d->top();
    f.active = false;
    const int r = d->nextElement(&f.first);
    if (r < 0)
        return false;
    if (r == 0) {
        const qsizetype n = d->m_frames.size();
        const Variant *v = n >= 2 ? d->m_frames.at(n - 2).variant : nullptr;
        return d->fail(RpcCodec::tr("invalid length %1, expected tuple variant %2 with %3 elements")
                               .arg(f.next)
                               .arg(v ? QString::fromUtf8(v->name) : QString())
                               .arg(f.count));
    }
    f.index = f.next++;
    f.active = true;
    return true;
}

/*! Ends reading a tuple, after its last element. Returns \c false on an error. */
bool RpcJsonReader::endTuple()
{
    d->m_frames.removeLast();
    d->leave();
    return d->endSeq();
}

} // namespace Fizyr
