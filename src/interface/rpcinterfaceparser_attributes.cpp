// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: the file parser's entry points, token expectations and attributes
// (doc comments, #[hidden], #[serde(...)]) with the checks of where they are allowed.

#include "rpcinterfaceparser_impl_p.h"

namespace Fizyr {
namespace RpcInterfaceModel {
namespace ParserPrivate {

bool FileParser::parseFile(SyntaxError *error)
{
    try {
        while (!at(Token::Eof))
            parseItem(false);
    } catch (const ParseAbort &) {
        *error = m_error;
        return false;
    }
    return true;
}

const TypeNode *FileParser::parseSingleType(SyntaxError *error)
{
    try {
        const TypeNode *node = parseType();
        if (!at(Token::Eof))
            fail(cur().pos, tr("unexpected %1 after the type").arg(describe(cur())));
        return node;
    } catch (const ParseAbort &) {
        *error = m_error;
        return nullptr;
    }
}

QString FileParser::describe(const Token &t)
{
    switch (t.kind) {
    case Token::Eof:
        return tr("end of file");
    case Token::Ident:
        return quoted(t.text);
    case Token::Int:
        return tr("number %1").arg(t.text);
    case Token::Str:
        return tr("string literal");
    case Token::Punct:
        return quoted(t.text);
    case Token::Doc:
        return tr("doc comment");
    }
    return QString();
}

void FileParser::expectPunct(const char *p)
{
    if (!atPunct(p))
        fail(cur().pos, tr("expected %1, found %2").arg(quoted(QLatin1String(p)), describe(cur())));
    next();
}

Token FileParser::expectIdent(const QString &what)
{
    if (!at(Token::Ident))
        fail(cur().pos, tr("expected %1, found %2").arg(what, describe(cur())));
    Token t = cur();
    next();
    return t;
}

// #[...] and doc comments in front of an item.
Attributes FileParser::parseAttributes()
{
    Attributes attrs;
    for (;;) {
        if (at(Token::Doc)) {
            attrs.doc.append(cur().text);
            attrs.any = true;
            next();
            continue;
        }
        if (atPunct("#")) {
            const Position hashPos = cur().pos;
            next();
            if (atPunct("!"))
                fail(hashPos, tr("inner attributes (#![...]) are not supported"));
            expectPunct("[");
            parseAttribute(&attrs);
            expectPunct("]");
            attrs.any = true;
            continue;
        }
        return attrs;
    }
}

void FileParser::skipGroup()
{
    // cur() is an opening bracket; skip to after its match.
    int depth = 0;
    do {
        if (atPunct("(") || atPunct("[") || atPunct("{"))
            ++depth;
        else if (atPunct(")") || atPunct("]") || atPunct("}"))
            --depth;
        else if (at(Token::Eof))
            fail(cur().pos, tr("unexpected end of file"));
        next();
    } while (depth > 0);
}

void FileParser::parseAttribute(Attributes *attrs)
{
    const Token name = expectIdent(tr("an attribute name"));
    QString path = name.text;
    while (atPunct("::")) {
        next();
        path += QLatin1String("::") + expectIdent(tr("an attribute name")).text;
    }
    if (path == QLatin1String("doc")) {
        expectPunct("=");
        if (!at(Token::Str))
            fail(cur().pos, tr("expected a string literal after `doc =`"));
        attrs->doc.append(cur().text.startsWith(QLatin1Char(' ')) ? cur().text.mid(1) : cur().text);
        next();
        return;
    }
    if (path == QLatin1String("hidden")) {
        attrs->hidden = true;
        attrs->hiddenPos = name.pos;
        return;
    }
    if (path == QLatin1String("derive") || path == QLatin1String("allow")
        || path == QLatin1String("warn") || path == QLatin1String("deny")
        || path == QLatin1String("forbid") || path == QLatin1String("expect")) {
        if (atPunct("("))
            skipGroup();
        return;
    }
    if (path == QLatin1String("serde")) {
        expectPunct("(");
        while (!atPunct(")")) {
            SerdeItem item;
            const Token key = expectIdent(tr("a serde attribute"));
            item.key = key.text;
            item.pos = key.pos;
            if (atPunct("=")) {
                next();
                if (!at(Token::Str))
                    fail(cur().pos, tr("expected a string literal after `%1 =`").arg(item.key));
                item.value = cur().text;
                item.valuePos = cur().pos;
                item.hasValue = true;
                next();
            } else if (atPunct("(")) {
                fail(key.pos,
                     tr("unsupported serde attribute %1: only rename, rename_all and default "
                        "are supported, without arguments in parentheses")
                             .arg(quoted(item.key)));
            }
            attrs->serde.append(item);
            if (atPunct(","))
                next();
            else if (!atPunct(")"))
                fail(cur().pos, tr("expected `,` or `)`, found %1").arg(describe(cur())));
        }
        next();
        return;
    }
    fail(name.pos, tr("unknown attribute %1").arg(quoted(path)));
}

// Checks that attrs only holds what target allows.
void FileParser::checkAttributes(const Attributes &attrs, AttrTarget target, bool structVariant)
{
    if (attrs.hidden && target != OnMessage)
        fail(attrs.hiddenPos, tr("`#[hidden]` is only allowed on services, updates and streams"));
    for (const SerdeItem &item : attrs.serde) {
        if (target == OnInterface || target == OnMessage)
            fail(item.pos, tr("serde attributes are not allowed here"));
        const bool isRename = item.key == QLatin1String("rename");
        const bool isRenameAll = item.key == QLatin1String("rename_all");
        const bool isDefault = item.key == QLatin1String("default");
        if (!isRename && !isRenameAll && !isDefault)
            fail(item.pos,
                 tr("unsupported serde attribute %1: only rename, rename_all and default are "
                    "supported")
                         .arg(quoted(item.key)));
        if ((isRename || isRenameAll) && !item.hasValue)
            fail(item.pos, tr("serde attribute %1 needs a string value").arg(quoted(item.key)));
        if (isRenameAll && target != OnStruct && target != OnEnum
            && !(target == OnVariant && structVariant))
            fail(item.pos,
                 tr("`rename_all` is only allowed on structs, enums and struct variants"));
        if (isRenameAll && !isValidRenameRule(item.value))
            fail(item.valuePos,
                 tr("unknown rename_all rule %1 (expected lowercase, UPPERCASE, PascalCase, "
                    "camelCase, snake_case, SCREAMING_SNAKE_CASE, kebab-case or "
                    "SCREAMING-KEBAB-CASE)")
                         .arg(quoted(item.value)));
        if (isDefault) {
            if (item.hasValue)
                fail(item.pos, tr("`default = \"...\"` is not supported; use `default`"));
            if (target != OnStruct && target != OnField)
                fail(item.pos, tr("`default` is only allowed on structs and fields"));
        }
    }
}

QString FileParser::serdeValue(const Attributes &attrs, const char *key)
{
    QString value;
    for (const SerdeItem &item : attrs.serde) {
        if (item.key == QLatin1String(key))
            value = item.value;
    }
    return value;
}

const SerdeItem *FileParser::serdeItem(const Attributes &attrs, const char *key)
{
    const SerdeItem *found = nullptr;
    for (const SerdeItem &item : attrs.serde) {
        if (item.key == QLatin1String(key))
            found = &item;
    }
    return found;
}

void FileParser::skipVisibility()
{
    if (atIdent("pub")) {
        next();
        if (atPunct("("))
            skipGroup();
    }
}

} // namespace ParserPrivate
} // namespace RpcInterfaceModel
} // namespace Fizyr
