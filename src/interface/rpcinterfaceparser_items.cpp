// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: the file parser's items: use, import, interface! macros, interfaces with
// their services, updates and streams, structs and enums.

#include "rpcinterfaceparser_impl_p.h"

#include <limits>

namespace Fizyr {
namespace RpcInterfaceModel {
namespace ParserPrivate {

void FileParser::parseItem(bool insideMacro)
{
    Attributes attrs = parseAttributes();
    if (at(Token::Eof)) {
        if (attrs.any)
            fail(cur().pos, tr("expected an item after the attributes"));
        return;
    }
    if (atIdent("use")) {
        if (attrs.any)
            fail(cur().pos, tr("attributes are not allowed on `use`"));
        while (!atPunct(";")) {
            if (at(Token::Eof))
                fail(cur().pos, tr("expected `;` after `use`"));
            if (atPunct("{"))
                skipGroup();
            else
                next();
        }
        next();
        return;
    }
    if (atIdent("import")) {
        if (insideMacro)
            fail(cur().pos, tr("`import` is not allowed inside a macro invocation"));
        next();
        if (!at(Token::Str))
            fail(cur().pos, tr("expected a file name in quotes after `import`"));
        imports.append({cur().text, cur().pos});
        next();
        expectPunct(";");
        return;
    }
    skipVisibility();
    if (atIdent("interface") && peekToken(1).kind == Token::Ident) {
        parseInterface(attrs);
        return;
    }
    if (atIdent("struct")) {
        parseStruct(attrs);
        return;
    }
    if (atIdent("enum")) {
        parseEnum(attrs);
        return;
    }
    if (at(Token::Ident)) {
        // A macro invocation: fizyr_rpc::interface! { ... } or interface! { ... }.
        const Token first = cur();
        QString path = first.text;
        next();
        while (atPunct("::")) {
            next();
            path += QLatin1String("::") + expectIdent(tr("a path segment")).text;
        }
        if (atPunct("!")) {
            if (!path.endsWith(QLatin1String("interface")))
                fail(first.pos,
                     tr("unknown macro %1 (only `fizyr_rpc::interface!` is accepted)")
                             .arg(quoted(path + QLatin1Char('!'))));
            if (attrs.any)
                fail(first.pos, tr("attributes are not allowed on a macro invocation"));
            next();
            const bool brace = atPunct("{");
            if (!brace && !atPunct("(") && !atPunct("["))
                fail(cur().pos, tr("expected `{` after %1").arg(quoted(path + QLatin1Char('!'))));
            const char *close = brace ? "}" : atPunct("(") ? ")" : "]";
            next();
            while (!atPunct(close)) {
                if (at(Token::Eof))
                    fail(cur().pos,
                         tr("expected %1, found end of file").arg(quoted(QLatin1String(close))));
                parseItem(true);
            }
            next();
            if (atPunct(";"))
                next();
            return;
        }
        fail(first.pos,
             tr("expected an item (`interface`, `struct`, `enum`, `use` or "
                "`import`), found %1")
                     .arg(quoted(path)));
    }
    fail(cur().pos,
         tr("expected an item (`interface`, `struct`, `enum`, `use` or `import`), "
            "found %1")
                 .arg(describe(cur())));
}

qint32 FileParser::parseId(Position *pos)
{
    *pos = cur().pos;
    bool negative = false;
    if (atPunct("-")) {
        negative = true;
        next();
    }
    if (!at(Token::Int))
        fail(cur().pos, tr("expected an id (an integer), found %1").arg(describe(cur())));
    const QString digits = cur().text;
    bool ok = false;
    const qlonglong magnitude = digits.toLongLong(&ok);
    const qlonglong value = negative ? -magnitude : magnitude;
    if (!ok || digits.size() > 12 || value < std::numeric_limits<qint32>::min()
        || value > std::numeric_limits<qint32>::max())
        fail(*pos,
             tr("id %1%2 is out of range for i32")
                     .arg(negative ? QStringLiteral("-") : QString(), digits));
    next();
    return qint32(value);
}

void FileParser::parseInterface(const Attributes &attrs)
{
    checkAttributes(attrs, OnInterface);
    next(); // interface
    const Token name = expectIdent(tr("an interface name"));
    InterfaceDef def;
    def.name = name.text;
    def.doc = docText(attrs);
    def.pos = name.pos;
    expectPunct("{");
    while (!atPunct("}")) {
        Attributes itemAttrs = parseAttributes();
        checkAttributes(itemAttrs, OnMessage);
        if (atIdent("service")) {
            next();
            ServiceDef s;
            s.id = parseId(&s.idPos);
            const Token sname = expectIdent(tr("a service name"));
            s.name = sname.text;
            s.pos = sname.pos;
            s.doc = docText(itemAttrs);
            s.hidden = itemAttrs.hidden;
            expectPunct(":");
            s.requestType = parseType();
            expectPunct("->");
            s.responseType = parseType();
            if (atPunct("{")) {
                next();
                while (!atPunct("}")) {
                    Attributes ua = parseAttributes();
                    checkAttributes(ua, OnMessage);
                    bool request;
                    if (atIdent("request_update"))
                        request = true;
                    else if (atIdent("response_update"))
                        request = false;
                    else
                        fail(cur().pos,
                             tr("expected `request_update` or `response_update`, "
                                "found %1")
                                     .arg(describe(cur())));
                    next();
                    UpdateDef u;
                    u.id = parseId(&u.idPos);
                    const Token uname = expectIdent(tr("an update name"));
                    u.name = uname.text;
                    u.pos = uname.pos;
                    u.doc = docText(ua);
                    u.hidden = ua.hidden;
                    expectPunct(":");
                    u.type = parseType();
                    (request ? s.requestUpdates : s.responseUpdates).append(u);
                    if (atPunct(","))
                        next();
                    else if (!atPunct("}"))
                        fail(cur().pos, tr("expected `,` or `}`, found %1").arg(describe(cur())));
                }
                next();
                if (atPunct(","))
                    next();
            } else if (atPunct(",")) {
                next();
            } else if (!atPunct("}")) {
                fail(cur().pos,
                     tr("expected `,` or `{` after the service, found %1").arg(describe(cur())));
            }
            def.services.append(s);
        } else if (atIdent("stream")) {
            next();
            UpdateDef st;
            st.id = parseId(&st.idPos);
            const Token sname = expectIdent(tr("a stream name"));
            st.name = sname.text;
            st.pos = sname.pos;
            st.doc = docText(itemAttrs);
            st.hidden = itemAttrs.hidden;
            expectPunct(":");
            st.type = parseType();
            if (atPunct(","))
                next();
            else if (!atPunct("}"))
                fail(cur().pos, tr("expected `,` after the stream, found %1").arg(describe(cur())));
            def.streams.append(st);
        } else {
            fail(cur().pos, tr("expected `service` or `stream`, found %1").arg(describe(cur())));
        }
    }
    next();
    m_model->interfaces.push_back(def);
}

void FileParser::parseGenericsRejected()
{
    if (atPunct("<"))
        fail(cur().pos, tr("generic types are not supported"));
}

QList<FieldDef> FileParser::parseFields(TypeDef *owner, int variantIndex, QList<QString> *renames)
{
    Q_UNUSED(owner);
    Q_UNUSED(variantIndex);
    QList<FieldDef> fields;
    expectPunct("{");
    while (!atPunct("}")) {
        Attributes fa = parseAttributes();
        checkAttributes(fa, OnField);
        skipVisibility();
        const Token fname = expectIdent(tr("a field name"));
        FieldDef f;
        f.name = fname.text;
        f.pos = fname.pos;
        f.doc = docText(fa);
        f.hasDefault = serdeItem(fa, "default") != nullptr;
        renames->append(serdeValue(fa, "rename"));
        expectPunct(":");
        f.type = parseType();
        fields.append(f);
        if (atPunct(","))
            next();
        else if (!atPunct("}"))
            fail(cur().pos, tr("expected `,` or `}`, found %1").arg(describe(cur())));
    }
    next();
    return fields;
}

void FileParser::parseStruct(const Attributes &attrs)
{
    checkAttributes(attrs, OnStruct);
    next(); // struct
    const Token name = expectIdent(tr("a struct name"));
    parseGenericsRejected();
    m_model->types.push_back(TypeDef());
    TypeDef *def = &m_model->types.back();
    def->name = name.text;
    def->pos = name.pos;
    def->doc = docText(attrs);
    def->containerDefault = serdeItem(attrs, "default") != nullptr;
    if (const SerdeItem *ra = serdeItem(attrs, "rename_all")) {
        renameAll.insert(def, ra->value);
        renameAllPos.insert(def, ra->valuePos);
    }
    if (atPunct(";")) {
        next();
        def->unitStruct = true;
    } else if (atPunct("(")) {
        fail(cur().pos, tr("tuple structs are not supported; use named fields"));
    } else if (atPunct("{")) {
        QList<QString> renames;
        def->fields = parseFields(def, -1, &renames);
        fieldRenames.insert({def, -1}, renames);
    } else {
        fail(cur().pos,
             tr("expected `{` or `;` after the struct name, found %1").arg(describe(cur())));
    }
    if (def->unitStruct && def->containerDefault)
        fail(name.pos, tr("`default` is not allowed on a unit struct"));
}

void FileParser::parseEnum(const Attributes &attrs)
{
    checkAttributes(attrs, OnEnum);
    next(); // enum
    const Token name = expectIdent(tr("an enum name"));
    parseGenericsRejected();
    m_model->types.push_back(TypeDef());
    TypeDef *def = &m_model->types.back();
    def->name = name.text;
    def->pos = name.pos;
    def->doc = docText(attrs);
    def->isEnum = true;
    if (const SerdeItem *ra = serdeItem(attrs, "rename_all")) {
        renameAll.insert(def, ra->value);
        renameAllPos.insert(def, ra->valuePos);
    }
    expectPunct("{");
    while (!atPunct("}")) {
        Attributes va = parseAttributes();
        const Token vname = expectIdent(tr("a variant name"));
        VariantDef v;
        v.name = vname.text;
        v.pos = vname.pos;
        v.doc = docText(va);
        const int index = int(def->variants.size());
        if (atPunct("(")) {
            checkAttributes(va, OnVariant);
            next();
            while (!atPunct(")")) {
                v.types.append(parseType());
                if (atPunct(","))
                    next();
                else if (!atPunct(")"))
                    fail(cur().pos, tr("expected `,` or `)`, found %1").arg(describe(cur())));
            }
            next();
            v.kind = v.types.size() == 1 ? RpcVariant::Newtype : RpcVariant::Tuple;
        } else if (atPunct("{")) {
            checkAttributes(va, OnVariant, true);
            v.kind = RpcVariant::Struct;
            QList<QString> renames;
            v.fields = parseFields(def, index, &renames);
            fieldRenames.insert({def, index}, renames);
            if (const SerdeItem *ra = serdeItem(va, "rename_all")) {
                variantRenameAll.insert({def, index}, ra->value);
                variantRenameAllPos.insert({def, index}, ra->valuePos);
            }
        } else {
            checkAttributes(va, OnVariant);
            v.kind = RpcVariant::Unit;
        }
        if (atPunct("="))
            fail(cur().pos, tr("explicit discriminants are not supported"));
        variantRenames.insert({def, index}, serdeValue(va, "rename"));
        def->variants.append(v);
        if (atPunct(","))
            next();
        else if (!atPunct("}"))
            fail(cur().pos, tr("expected `,` or `}`, found %1").arg(describe(cur())));
    }
    next();
}

} // namespace ParserPrivate
} // namespace RpcInterfaceModel
} // namespace Fizyr
