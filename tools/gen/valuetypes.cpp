// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The value classes of an interface file: Q_GADGETs with their members and
// properties, toVariant() / fromVariant(), toBody() / fromBody(), and the JSON
// codec per type (writeJson() / readJson()).

#include "generator_p.h"

namespace FizyrRpcGen {

// ---------------------------------------------------------------------------
// Value classes
// ---------------------------------------------------------------------------

void Generator::writeValueClassDecl(const ValueClass &vc)
{
    h += docComment(vc.doc, QString());
    h += QStringLiteral("class %1\n{\n    Q_GADGET\n").arg(vc.name);
    if (vc.shape == ValueClass::Enum) {
        h += QStringLiteral("    Q_PROPERTY(Kind kind MEMBER kind)\n");
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            if (v.kind == RpcVariant::Newtype && variantProperty(v.newtype))
                h += QStringLiteral(
                             "    Q_PROPERTY(QVariant %1 READ %1Variant WRITE set%2Variant)\n")
                             .arg(v.member, upperFirst(v.member));
            else
                h += QStringLiteral("    Q_PROPERTY(%1 %2 MEMBER %2)\n").arg(v.dataType, v.member);
        }
    } else {
        for (const Member &m : vc.members) {
            if (variantProperty(m.type))
                h += QStringLiteral(
                             "    Q_PROPERTY(QVariant %1 READ %1Variant WRITE set%2Variant)\n")
                             .arg(m.name, upperFirst(m.name));
            else
                h += QStringLiteral("    Q_PROPERTY(%1 %2 MEMBER %2)\n")
                             .arg(cppType(m.type), m.name);
        }
    }
    h += QStringLiteral("\npublic:\n");
    QStringList accessors; // private QVariant accessors: {name, type}
    if (vc.shape == ValueClass::Enum) {
        h += QStringLiteral("    // The variant this value holds.\n    enum Kind {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            h += docComment(v.doc, QStringLiteral("        "));
            h += QStringLiteral("        %1,\n").arg(v.name);
        }
        h += QStringLiteral("    };\n    Q_ENUM(Kind)\n\n");
        const QString first
                = vc.variants.isEmpty() ? QStringLiteral("Kind(0)") : vc.variants.first().name;
        h += QStringLiteral("    %1(Kind kind_ = %2) : kind(kind_) { }\n").arg(vc.name, first);
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            h += QStringLiteral("    static %1 from%2(const %3 &data_);\n")
                         .arg(vc.name, v.name, v.dataType);
        }
        h += QStringLiteral("\n    Kind kind;\n");
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            h += QStringLiteral("    // The data of %1, when kind is %1.\n").arg(v.name);
            h += QStringLiteral("    %1 %2%3;\n")
                         .arg(v.dataType, v.member,
                              v.kind == RpcVariant::Newtype ? initializer(v.newtype) : QString());
            if (v.kind == RpcVariant::Newtype && variantProperty(v.newtype))
                accessors.append(v.member);
        }
    } else {
        for (const Member &m : vc.members) {
            h += docComment(m.doc, QStringLiteral("    "));
            h += QStringLiteral("    %1 %2%3;\n").arg(cppType(m.type), m.name, initializer(m.type));
            if (variantProperty(m.type))
                accessors.append(m.name);
        }
    }
    h += QStringLiteral("\n    // The value as RpcBodyCodec takes and returns it.\n");
    h += QStringLiteral("    QVariant toVariant() const;\n");
    h += QStringLiteral("    static %1 fromVariant(const QVariant &variant_);\n\n").arg(vc.name);
    if (vc.shape != ValueClass::TupleData && vc.shape != ValueClass::StructData) {
        h += QStringLiteral(
                "    // The value as a body: JSON as serde_json writes it, CBOR as serde_cbor. "
                "toBody()\n"
                "    // returns an empty array if the value cannot be encoded.\n");
        h += QStringLiteral("    QByteArray toBody(Fizyr::RpcBodyCodec::Format format_ = "
                            "Fizyr::RpcBodyCodec::Json,\n"
                            "                      QString *errorString_ = nullptr) const;\n");
        h += QStringLiteral("    static bool fromBody(const QByteArray &body_, %1 *value_,\n"
                            "                         Fizyr::RpcBodyCodec::Format format_ = "
                            "Fizyr::RpcBodyCodec::Json,\n"
                            "                         QString *errorString_ = nullptr);\n")
                     .arg(vc.name);
    }
    h += QStringLiteral("    // JSON member by member (what toBody() and fromBody() use for JSON); "
                        "readJson()\n"
                        "    // reads into a default-constructed value.\n");
    h += QStringLiteral("    void writeJson(Fizyr::RpcJsonWriter &writer_) const;\n");
    h += QStringLiteral("    bool readJson(Fizyr::RpcJsonReader &reader_);\n\n");
    h += QStringLiteral("    friend bool operator==(const %1 &lhs, const %1 &rhs);\n").arg(vc.name);
    h += QStringLiteral("    friend bool operator!=(const %1 &lhs, const %1 &rhs) { return !(lhs "
                        "== rhs); }\n")
                 .arg(vc.name);
    if (!accessors.isEmpty()) {
        h += QStringLiteral("\nprivate:\n");
        for (const QString &a : std::as_const(accessors)) {
            h += QStringLiteral("    QVariant %1Variant() const;\n").arg(a);
            h += QStringLiteral("    void set%1Variant(const QVariant &variant_);\n")
                         .arg(upperFirst(a));
        }
    }
    h += QStringLiteral("};\n\n");
    h += QStringLiteral("QDebug operator<<(QDebug debug, const %1 &value);\n\n").arg(vc.name);
}

void Generator::writeValueClassImpl(const ValueClass &vc)
{
    const QString &n = vc.name;
    s += QStringLiteral("// ---- %1\n\n").arg(n);
    // toVariant
    s += QStringLiteral("QVariant %1::toVariant() const\n{\n").arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    return QVariant::fromValue(nullptr);\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData:
        s += QStringLiteral("    QVariantMap map_;\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    map_.insert(%1, valueToVariant(%2));\n")
                         .arg(literal(m.wireName), m.name);
        s += QStringLiteral("    return map_;\n");
        break;
    case ValueClass::TupleData:
        s += QStringLiteral("    QVariantList list_;\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    list_.append(valueToVariant(%1));\n").arg(m.name);
        s += QStringLiteral("    return list_;\n");
        break;
    case ValueClass::Enum:
        s += QStringLiteral("    switch (kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1:\n").arg(v.name);
            if (v.kind == RpcVariant::Unit)
                s += QStringLiteral("        return %1;\n").arg(literal(v.wireName));
            else
                s += QStringLiteral("        return QVariantMap{{%1, valueToVariant(%2)}};\n")
                             .arg(literal(v.wireName), v.member);
        }
        s += QStringLiteral("    }\n    return QVariant();\n");
        break;
    }
    s += QStringLiteral("}\n\n");
    // fromVariant
    s += QStringLiteral("%1 %1::fromVariant(const QVariant &variant_)\n{\n    %1 result_;\n")
                 .arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    Q_UNUSED(variant_);\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData:
        if (vc.members.isEmpty()) {
            s += QStringLiteral("    Q_UNUSED(variant_);\n");
            break;
        }
        s += QStringLiteral("    const QVariantMap map_ = variant_.toMap();\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    valueFromVariant(map_.value(%1), &result_.%2);\n")
                         .arg(literal(m.wireName), m.name);
        break;
    case ValueClass::TupleData:
        if (vc.members.isEmpty()) {
            s += QStringLiteral("    Q_UNUSED(variant_);\n");
            break;
        }
        s += QStringLiteral("    const QVariantList list_ = variant_.toList();\n");
        for (qsizetype i = 0; i < vc.members.size(); ++i)
            s += QStringLiteral("    valueFromVariant(list_.value(%1), &result_.%2);\n")
                         .arg(i)
                         .arg(vc.members.at(i).name);
        break;
    case ValueClass::Enum:
        s += QStringLiteral("    QString tag_;\n    QVariant data_;\n");
        s += QStringLiteral("    if (variant_.typeId() == QMetaType::QString) {\n        tag_ = "
                            "variant_.toString();\n");
        s += QStringLiteral("    } else {\n        const QVariantMap map_ = variant_.toMap();\n");
        s += QStringLiteral("        if (!map_.isEmpty()) {\n            tag_ = map_.firstKey();\n"
                            "            data_ = map_.first();\n        }\n    }\n");
        {
            bool first = true;
            for (const ValueClass::Variant &v : vc.variants) {
                s += QStringLiteral("    %1if (tag_ == %2) {\n")
                             .arg(first ? QString() : QStringLiteral("} else "),
                                  literal(v.wireName));
                s += QStringLiteral("        result_.kind = %1;\n").arg(v.name);
                if (v.kind != RpcVariant::Unit)
                    s += QStringLiteral("        valueFromVariant(data_, &result_.%1);\n")
                                 .arg(v.member);
                first = false;
            }
            if (!first)
                s += QStringLiteral("    }\n");
            else
                s += QStringLiteral("    Q_UNUSED(tag_);\n    Q_UNUSED(data_);\n");
        }
        break;
    }
    s += QStringLiteral("    return result_;\n}\n\n");
    writeJsonImpl(vc);
    // factories
    if (vc.shape == ValueClass::Enum) {
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            s += QStringLiteral("%1 %1::from%2(const %3 &data_)\n{\n    %1 result_(%2);\n    "
                                "result_.%4 = data_;\n"
                                "    return result_;\n}\n\n")
                         .arg(n, v.name, v.dataType, v.member);
        }
    }
    // operator==
    s += QStringLiteral("bool operator==(const %1 &lhs, const %1 &rhs)\n{\n").arg(n);
    if (vc.shape == ValueClass::Enum) {
        s += QStringLiteral(
                "    if (lhs.kind != rhs.kind)\n        return false;\n    switch (lhs.kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1::%2:\n").arg(n, v.name);
            if (v.kind == RpcVariant::Unit)
                s += QStringLiteral("        return true;\n");
            else
                s += QStringLiteral("        return lhs.%1 == rhs.%1;\n").arg(v.member);
        }
        s += QStringLiteral("    }\n    return true;\n");
    } else if (vc.members.isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(lhs);\n    Q_UNUSED(rhs);\n    return true;\n");
    } else {
        QStringList parts;
        for (const Member &m : vc.members)
            parts.append(QStringLiteral("lhs.%1 == rhs.%1").arg(m.name));
        s += QStringLiteral("    return %1;\n")
                     .arg(parts.join(QStringLiteral("\n            && ")));
    }
    s += QStringLiteral("}\n\n");
    // QVariant accessors
    auto accessor = [&](const QString &member) {
        s += QStringLiteral("QVariant %1::%2Variant() const\n{\n    return toProperty(%2);\n}\n\n")
                     .arg(n, member);
        s += QStringLiteral("void %1::set%2Variant(const QVariant &variant_)\n{\n    "
                            "fromProperty(variant_, &%3);\n}\n\n")
                     .arg(n, upperFirst(member), member);
    };
    if (vc.shape == ValueClass::Enum) {
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Newtype && variantProperty(v.newtype))
                accessor(v.member);
        }
    } else {
        for (const Member &m : vc.members) {
            if (variantProperty(m.type))
                accessor(m.name);
        }
    }
    // QDebug
    s += QStringLiteral("QDebug operator<<(QDebug debug, const %1 &value)\n{\n"
                        "    QDebugStateSaver saver(debug);\n    debug.nospace() << \"%1(\";\n")
                 .arg(n);
    if (vc.shape == ValueClass::Enum) {
        s += QStringLiteral("    switch (value.kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1::%2:\n        debug << \"%2\";\n").arg(n, v.name);
            if (v.kind != RpcVariant::Unit)
                s += QStringLiteral(
                             "        debug << \", \";\n        debugValue(debug, value.%1);\n")
                             .arg(v.member);
            s += QStringLiteral("        break;\n");
        }
        s += QStringLiteral("    }\n");
    } else {
        bool first = true;
        for (const Member &m : vc.members) {
            s += QStringLiteral("    debug << \"%1%2: \";\n    debugValue(debug, value.%2);\n")
                         .arg(first ? QString() : QStringLiteral(", "), m.name);
            first = false;
        }
        if (vc.members.isEmpty())
            s += QStringLiteral("    Q_UNUSED(value);\n");
    }
    s += QStringLiteral("    debug << ')';\n    return debug;\n}\n\n");
}

// The body functions of a value class: toBody() / fromBody() and the JSON
// member-by-member writeJson() / readJson().
void Generator::writeJsonImpl(const ValueClass &vc)
{
    const QString &n = vc.name;
    if (vc.shape != ValueClass::TupleData && vc.shape != ValueClass::StructData) {
        s += QStringLiteral("QByteArray %1::toBody(Fizyr::RpcBodyCodec::Format format_, QString "
                            "*errorString_) const\n{\n"
                            "    QByteArray body_;\n"
                            "    if (!encodeBody([] { return interfaceFile().typeSchema(%2); }, "
                            "*this, format_, &body_, errorString_))\n"
                            "        return QByteArray();\n"
                            "    return body_;\n}\n\n")
                     .arg(n, literal(n));
        s += QStringLiteral("bool %1::fromBody(const QByteArray &body_, %1 *value_, "
                            "Fizyr::RpcBodyCodec::Format format_,\n"
                            "                 QString *errorString_)\n{\n"
                            "    *value_ = %1();\n"
                            "    return decodeBody([] { return interfaceFile().typeSchema(%2); }, "
                            "body_, format_, value_, errorString_);\n}\n\n")
                     .arg(n, literal(n));
    }
    // writeJson
    s += QStringLiteral("void %1::writeJson(Fizyr::RpcJsonWriter &writer_) const\n{\n").arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    writer_.writeNull();\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData:
        s += QStringLiteral("    writer_.beginObject();\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    writer_.writeKey(%1);\n    writeJsonValue(writer_, %2);\n")
                         .arg(cString(m.wireName), m.name);
        s += QStringLiteral("    writer_.endObject();\n");
        break;
    case ValueClass::TupleData:
        s += QStringLiteral("    writer_.beginArray();\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    writeJsonValue(writer_, %1);\n").arg(m.name);
        s += QStringLiteral("    writer_.endArray();\n");
        break;
    case ValueClass::Enum:
        s += QStringLiteral("    switch (kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1:\n").arg(v.name);
            if (v.kind == RpcVariant::Unit) {
                s += QStringLiteral("        writer_.writeString(%1);\n").arg(literal(v.wireName));
            } else {
                s += QStringLiteral("        writer_.beginObject();\n"
                                    "        writer_.writeKey(%1);\n"
                                    "        writeJsonValue(writer_, %2);\n"
                                    "        writer_.endObject();\n")
                             .arg(cString(v.wireName), v.member);
            }
            s += QStringLiteral("        return;\n");
        }
        s += QStringLiteral("    }\n");
        if (vc.variants.isEmpty())
            s += QStringLiteral("    Q_UNUSED(writer_);\n");
        break;
    }
    s += QStringLiteral("}\n\n");
    // readJson
    s += QStringLiteral("bool %1::readJson(Fizyr::RpcJsonReader &reader_)\n{\n").arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    return reader_.readUnitStruct();\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData: {
        const bool containerDefault = vc.shape == ValueClass::Struct && vc.schema.hasDefault();
        QString fields = QStringLiteral("nullptr");
        if (!vc.members.isEmpty()) {
            s += QStringLiteral("    static const Fizyr::RpcJsonReader::Field fields_[] = {\n");
            for (const Member &m : vc.members) {
                QString flags = QStringLiteral("Fizyr::RpcJsonReader::Required");
                if (m.hasDefault || containerDefault)
                    flags = QStringLiteral("Fizyr::RpcJsonReader::HasDefault");
                else if (m.type.kind() == RpcTypeSchema::Option)
                    flags = QStringLiteral("Fizyr::RpcJsonReader::Optional");
                s += QStringLiteral("        {%1, %2},\n").arg(cString(m.wireName), flags);
            }
            s += QStringLiteral("    };\n");
            fields = QStringLiteral("fields_");
        }
        s += QStringLiteral(
                     "    if (!reader_.beginStruct(%1, %2))\n        return false;\n"
                     "    // The fields in the order of the body (unknown ones are skipped), "
                     "then -1.\n"
                     "    for (;;) {\n        switch (reader_.nextField()) {\n")
                     .arg(fields)
                     .arg(vc.members.size());
        for (qsizetype i = 0; i < vc.members.size(); ++i)
            s += QStringLiteral("        case %1:\n"
                                "            if (!readJsonValue(reader_, &%2))\n"
                                "                return false;\n"
                                "            break;\n")
                         .arg(i)
                         .arg(vc.members.at(i).name);
        s += QStringLiteral("        case -1:\n            return reader_.endStruct();\n"
                            "        default:\n            return false;\n        }\n    }\n");
        break;
    }
    case ValueClass::TupleData:
        s += QStringLiteral("    if (!reader_.beginTuple(%1))\n        return false;\n")
                     .arg(vc.members.size());
        for (const Member &m : vc.members)
            s += QStringLiteral("    if (!reader_.nextTupleElement() || !readJsonValue(reader_, "
                                "&%1))\n        return false;\n")
                         .arg(m.name);
        s += QStringLiteral("    return reader_.endTuple();\n");
        break;
    case ValueClass::Enum: {
        QString variants = QStringLiteral("nullptr");
        if (!vc.variants.isEmpty()) {
            s += QStringLiteral("    static const Fizyr::RpcJsonReader::Variant variants_[] = {\n");
            for (const ValueClass::Variant &v : vc.variants) {
                const char *kinds[]
                        = {"UnitVariant", "NewtypeVariant", "TupleVariant", "StructVariant"};
                s += QStringLiteral("        {%1, %2, Fizyr::RpcJsonReader::%3},\n")
                             .arg(cString(v.wireName), cString(v.name),
                                  QLatin1String(kinds[int(v.kind)]));
            }
            s += QStringLiteral("    };\n");
            variants = QStringLiteral("variants_");
        }
        s += QStringLiteral("    switch (reader_.beginEnum(%1, %2)) {\n")
                     .arg(variants)
                     .arg(vc.variants.size());
        for (qsizetype i = 0; i < vc.variants.size(); ++i) {
            const ValueClass::Variant &v = vc.variants.at(i);
            s += QStringLiteral("    case %1:\n        kind = %2;\n").arg(i).arg(v.name);
            if (v.kind != RpcVariant::Unit)
                s += QStringLiteral("        if (!readJsonValue(reader_, &%1))\n"
                                    "            return false;\n")
                             .arg(v.member);
            s += QStringLiteral("        break;\n");
        }
        s += QStringLiteral("    default:\n        return false;\n    }\n"
                            "    return reader_.endEnum();\n");
        break;
    }
    }
    s += QStringLiteral("}\n\n");
}

} // namespace FizyrRpcGen
