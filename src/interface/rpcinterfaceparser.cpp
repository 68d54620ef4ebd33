// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcinterfaceparser_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qset.h>

#include <limits>

namespace Fizyr {
namespace RpcInterfaceModel {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Fizyr::RpcInterfaceFile", text);
}

QString quoted(const QString &name)
{
    return QLatin1Char('`') + name + QLatin1Char('`');
}

QString positionText(const Position &pos)
{
    return pos.fileName + QLatin1Char(':') + QString::number(pos.line) + QLatin1Char(':')
            + QString::number(pos.column);
}

// ---------------------------------------------------------------------------
// Lexer

struct Token
{
    enum Kind { Eof, Ident, Int, Str, Punct, Doc };
    Kind kind = Eof;
    QString text; // identifier (without r#), punctuation, string value, doc line
    bool raw = false; // r#ident
    Position pos;
};

struct SyntaxError
{
    Position pos;
    QString message;
};

class Lexer
{
public:
    Lexer(const QString &text, const QString &fileName) : m_text(text), m_fileName(fileName) { }

    bool run(QList<Token> *tokens, SyntaxError *error)
    {
        for (;;) {
            skipSpace();
            Token t;
            t.pos = position();
            if (m_pos >= m_text.size()) {
                t.kind = Token::Eof;
                tokens->append(t);
                return true;
            }
            const QChar c = m_text.at(m_pos);
            if (c == QLatin1Char('/') && peek(1) == QLatin1Char('/')) {
                // "///" (not "////") is an outer doc comment; "//!" and others are comments.
                const bool doc = peek(2) == QLatin1Char('/') && peek(3) != QLatin1Char('/');
                const qsizetype start = m_pos + (doc ? 3 : 2);
                while (m_pos < m_text.size() && m_text.at(m_pos) != QLatin1Char('\n'))
                    advance();
                if (doc) {
                    t.kind = Token::Doc;
                    t.text = docLine(m_text.mid(start, m_pos - start));
                    tokens->append(t);
                }
                continue;
            }
            if (c == QLatin1Char('/') && peek(1) == QLatin1Char('*')) {
                const bool doc = peek(2) == QLatin1Char('*') && peek(3) != QLatin1Char('*')
                        && peek(3) != QLatin1Char('/');
                const qsizetype start = m_pos + 3;
                int depth = 0;
                qsizetype end = -1;
                while (m_pos < m_text.size()) {
                    if (m_text.at(m_pos) == QLatin1Char('/') && peek(1) == QLatin1Char('*')) {
                        ++depth;
                        advance();
                        advance();
                    } else if (m_text.at(m_pos) == QLatin1Char('*')
                               && peek(1) == QLatin1Char('/')) {
                        --depth;
                        end = m_pos;
                        advance();
                        advance();
                        if (depth == 0)
                            break;
                    } else {
                        advance();
                    }
                }
                if (depth != 0) {
                    *error = {t.pos, tr("unterminated block comment")};
                    return false;
                }
                if (doc) {
                    t.kind = Token::Doc;
                    const QStringList lines
                            = m_text.mid(start, end - start).split(QLatin1Char('\n'));
                    QStringList cleaned;
                    for (QString line : lines) {
                        line = line.trimmed();
                        if (line.startsWith(QLatin1Char('*')))
                            line = line.mid(1);
                        cleaned.append(docLine(line));
                    }
                    while (!cleaned.isEmpty() && cleaned.first().trimmed().isEmpty())
                        cleaned.removeFirst();
                    while (!cleaned.isEmpty() && cleaned.last().trimmed().isEmpty())
                        cleaned.removeLast();
                    t.text = cleaned.join(QLatin1Char('\n'));
                    tokens->append(t);
                }
                continue;
            }
            if (c == QLatin1Char('r') && peek(1) == QLatin1Char('#') && isIdentStart(peek(2))) {
                advance();
                advance();
                t.kind = Token::Ident;
                t.raw = true;
                t.text = identifier();
                tokens->append(t);
                continue;
            }
            if (isIdentStart(c)) {
                t.kind = Token::Ident;
                t.text = identifier();
                tokens->append(t);
                continue;
            }
            if (c.isDigit()) {
                t.kind = Token::Int;
                while (m_pos < m_text.size()
                       && (m_text.at(m_pos).isDigit() || m_text.at(m_pos) == QLatin1Char('_'))) {
                    if (m_text.at(m_pos) != QLatin1Char('_'))
                        t.text.append(m_text.at(m_pos));
                    advance();
                }
                if (m_pos < m_text.size() && isIdentStart(m_text.at(m_pos))) {
                    *error = {t.pos,
                              tr("invalid integer literal (only decimal digits are allowed)")};
                    return false;
                }
                tokens->append(t);
                continue;
            }
            if (c == QLatin1Char('"')) {
                t.kind = Token::Str;
                if (!string(&t.text, error))
                    return false;
                tokens->append(t);
                continue;
            }
            if ((c == QLatin1Char(':') && peek(1) == QLatin1Char(':'))
                || (c == QLatin1Char('-') && peek(1) == QLatin1Char('>'))) {
                t.kind = Token::Punct;
                t.text = m_text.mid(m_pos, 2);
                advance();
                advance();
                tokens->append(t);
                continue;
            }
            static const QString singles = QStringLiteral("{}()[]<>,;:#!=-.*&'+?");
            if (singles.contains(c)) {
                t.kind = Token::Punct;
                t.text = c;
                advance();
                tokens->append(t);
                continue;
            }
            *error = {t.pos, tr("unexpected character %1").arg(quoted(c))};
            return false;
        }
    }

private:
    static bool isIdentStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
    static bool isIdentChar(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

    static QString docLine(const QString &line)
    {
        return line.startsWith(QLatin1Char(' ')) ? line.mid(1) : line;
    }

    QChar peek(qsizetype offset) const
    {
        return m_pos + offset < m_text.size() ? m_text.at(m_pos + offset) : QChar();
    }

    void advance()
    {
        if (m_text.at(m_pos) == QLatin1Char('\n')) {
            ++m_line;
            m_lineStart = m_pos + 1;
        }
        ++m_pos;
    }

    Position position() const { return {m_fileName, m_line, int(m_pos - m_lineStart) + 1}; }

    void skipSpace()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
            advance();
    }

    QString identifier()
    {
        const qsizetype start = m_pos;
        while (m_pos < m_text.size() && isIdentChar(m_text.at(m_pos)))
            advance();
        return m_text.mid(start, m_pos - start);
    }

    bool string(QString *out, SyntaxError *error)
    {
        const Position start = position();
        advance(); // opening quote
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos);
            if (c == QLatin1Char('"')) {
                advance();
                return true;
            }
            if (c == QLatin1Char('\\')) {
                const Position escPos = position();
                advance();
                if (m_pos >= m_text.size())
                    break;
                const QChar e = m_text.at(m_pos);
                advance();
                switch (e.unicode()) {
                case 'n':
                    out->append(QLatin1Char('\n'));
                    break;
                case 't':
                    out->append(QLatin1Char('\t'));
                    break;
                case 'r':
                    out->append(QLatin1Char('\r'));
                    break;
                case '0':
                    out->append(QChar(0));
                    break;
                case '\\':
                case '"':
                case '\'':
                    out->append(e);
                    break;
                default:
                    *error = {escPos, tr("unsupported escape sequence in string literal")};
                    return false;
                }
                continue;
            }
            out->append(c);
            advance();
        }
        *error = {start, tr("unterminated string literal")};
        return false;
    }

    const QString &m_text;
    QString m_fileName;
    qsizetype m_pos = 0;
    qsizetype m_lineStart = 0;
    int m_line = 1;
};

// ---------------------------------------------------------------------------
// Attributes

struct SerdeItem
{
    QString key;
    QString value; // for key = "value"
    bool hasValue = false;
    Position pos;
    Position valuePos;
};

struct Attributes
{
    QStringList doc;
    bool hidden = false;
    Position hiddenPos;
    QList<SerdeItem> serde;
    bool any = false;
};

// Raised to unwind the recursive-descent parser at the first syntax error.
struct ParseAbort
{
};

class FileParser
{
public:
    FileParser(Model *model, const QList<Token> &tokens, const QString &fileName)
        : m_model(model), m_tokens(tokens), m_fileName(fileName)
    { }

    // Raw material the resolver needs beyond the model.
    struct RawFieldAttrs
    {
        QString rename;
        bool defaulted = false;
    };
    QList<QPair<QString, Position>> imports;
    QHash<const TypeDef *, QString> renameAll; // struct or enum
    QHash<const TypeDef *, Position> renameAllPos;
    QHash<QPair<const TypeDef *, int>, QString> variantRenameAll;
    QHash<QPair<const TypeDef *, int>, Position> variantRenameAllPos;
    QList<const TypeNode *> namedNodes;

    bool parseFile(SyntaxError *error)
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

    const TypeNode *parseSingleType(SyntaxError *error)
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

private:
    const Token &cur() const { return m_tokens.at(m_index); }
    const Token &peekToken(int n) const
    {
        const qsizetype i = qMin(m_index + n, m_tokens.size() - 1);
        return m_tokens.at(i);
    }
    bool at(Token::Kind kind) const { return cur().kind == kind; }
    bool atPunct(const char *p) const
    {
        return cur().kind == Token::Punct && cur().text == QLatin1String(p);
    }
    bool atIdent(const char *word) const
    {
        return cur().kind == Token::Ident && !cur().raw && cur().text == QLatin1String(word);
    }
    void next()
    {
        if (m_index < m_tokens.size() - 1)
            ++m_index;
    }

    [[noreturn]] void fail(const Position &pos, const QString &message)
    {
        m_error = {pos, message};
        throw ParseAbort();
    }

    static QString describe(const Token &t)
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

    void expectPunct(const char *p)
    {
        if (!atPunct(p))
            fail(cur().pos,
                 tr("expected %1, found %2").arg(quoted(QLatin1String(p)), describe(cur())));
        next();
    }

    Token expectIdent(const QString &what)
    {
        if (!at(Token::Ident))
            fail(cur().pos, tr("expected %1, found %2").arg(what, describe(cur())));
        Token t = cur();
        next();
        return t;
    }

    // #[...] and doc comments in front of an item.
    Attributes parseAttributes()
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

    void skipGroup()
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

    void parseAttribute(Attributes *attrs)
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
            attrs->doc.append(cur().text.startsWith(QLatin1Char(' ')) ? cur().text.mid(1)
                                                                      : cur().text);
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

    enum AttrTarget { OnInterface, OnMessage, OnStruct, OnEnum, OnField, OnVariant };

    // Checks that attrs only holds what target allows.
    void checkAttributes(const Attributes &attrs, AttrTarget target, bool structVariant = false)
    {
        if (attrs.hidden && target != OnMessage)
            fail(attrs.hiddenPos,
                 tr("`#[hidden]` is only allowed on services, updates and streams"));
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

    static QString serdeValue(const Attributes &attrs, const char *key)
    {
        QString value;
        for (const SerdeItem &item : attrs.serde) {
            if (item.key == QLatin1String(key))
                value = item.value;
        }
        return value;
    }

    static const SerdeItem *serdeItem(const Attributes &attrs, const char *key)
    {
        const SerdeItem *found = nullptr;
        for (const SerdeItem &item : attrs.serde) {
            if (item.key == QLatin1String(key))
                found = &item;
        }
        return found;
    }

    static QString docText(const Attributes &attrs) { return attrs.doc.join(QLatin1Char('\n')); }

    void skipVisibility()
    {
        if (atIdent("pub")) {
            next();
            if (atPunct("("))
                skipGroup();
        }
    }

    void parseItem(bool insideMacro)
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
                    fail(cur().pos,
                         tr("expected `{` after %1").arg(quoted(path + QLatin1Char('!'))));
                const char *close = brace ? "}" : atPunct("(") ? ")" : "]";
                next();
                while (!atPunct(close)) {
                    if (at(Token::Eof))
                        fail(cur().pos,
                             tr("expected %1, found end of file")
                                     .arg(quoted(QLatin1String(close))));
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

    qint32 parseId(Position *pos)
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

    void parseInterface(const Attributes &attrs)
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
                            fail(cur().pos,
                                 tr("expected `,` or `}`, found %1").arg(describe(cur())));
                    }
                    next();
                    if (atPunct(","))
                        next();
                } else if (atPunct(",")) {
                    next();
                } else if (!atPunct("}")) {
                    fail(cur().pos,
                         tr("expected `,` or `{` after the service, found %1")
                                 .arg(describe(cur())));
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
                    fail(cur().pos,
                         tr("expected `,` after the stream, found %1").arg(describe(cur())));
                def.streams.append(st);
            } else {
                fail(cur().pos,
                     tr("expected `service` or `stream`, found %1").arg(describe(cur())));
            }
        }
        next();
        m_model->interfaces.push_back(def);
    }

    void parseGenericsRejected()
    {
        if (atPunct("<"))
            fail(cur().pos, tr("generic types are not supported"));
    }

    QList<FieldDef> parseFields(TypeDef *owner, int variantIndex, QList<QString> *renames)
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

public:
    // Field renames by (definition, variant index or -1), in field order.
    QHash<QPair<const TypeDef *, int>, QList<QString>> fieldRenames;
    QHash<QPair<const TypeDef *, int>, QString> variantRenames;

private:
    void parseStruct(const Attributes &attrs)
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

    void parseEnum(const Attributes &attrs)
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

    TypeNode *newNode(RpcTypeSchema::Kind kind, const Position &pos)
    {
        m_model->nodes.push_back(TypeNode());
        TypeNode *node = &m_model->nodes.back();
        node->kind = kind;
        node->pos = pos;
        return node;
    }

    const TypeNode *parseType()
    {
        const Position pos = cur().pos;
        if (atPunct("(")) {
            next();
            if (!atPunct(")"))
                fail(pos, tr("tuple types are not supported (only `()`)"));
            next();
            return newNode(RpcTypeSchema::Unit, pos);
        }
        if (atPunct("&"))
            fail(pos, tr("references are not supported; use owned types such as String"));
        if (atPunct("["))
            fail(pos, tr("arrays and slices are not supported; use Vec<T>"));
        if (atPunct("::"))
            next();
        Token name = expectIdent(tr("a type"));
        while (atPunct("::")) {
            next();
            name = expectIdent(tr("a type"));
        }
        const QString &n = name.text;
        static const QHash<QString, RpcTypeSchema::Kind> primitives = {
                {QStringLiteral("bool"), RpcTypeSchema::Bool},
                {QStringLiteral("i8"), RpcTypeSchema::I8},
                {QStringLiteral("i16"), RpcTypeSchema::I16},
                {QStringLiteral("i32"), RpcTypeSchema::I32},
                {QStringLiteral("i64"), RpcTypeSchema::I64},
                {QStringLiteral("u8"), RpcTypeSchema::U8},
                {QStringLiteral("u16"), RpcTypeSchema::U16},
                {QStringLiteral("u32"), RpcTypeSchema::U32},
                {QStringLiteral("u64"), RpcTypeSchema::U64},
                {QStringLiteral("f32"), RpcTypeSchema::F32},
                {QStringLiteral("f64"), RpcTypeSchema::F64},
                {QStringLiteral("String"), RpcTypeSchema::String},
        };
        const auto prim = primitives.constFind(n);
        if (prim != primitives.cend() && !name.raw) {
            if (atPunct("<"))
                fail(cur().pos, tr("%1 takes no type arguments").arg(quoted(n)));
            return newNode(prim.value(), pos);
        }
        if (n == QLatin1String("Vec") || n == QLatin1String("Option")) {
            TypeNode *node = newNode(
                    n == QLatin1String("Vec") ? RpcTypeSchema::Vec : RpcTypeSchema::Option, pos);
            if (!atPunct("<"))
                fail(cur().pos, tr("%1 needs one type argument").arg(quoted(n)));
            next();
            node->element = parseType();
            if (atPunct(","))
                next();
            closeAngle(n);
            return node;
        }
        if (n == QLatin1String("BTreeMap") || n == QLatin1String("HashMap")) {
            TypeNode *node = newNode(RpcTypeSchema::Map, pos);
            node->hashMap = n == QLatin1String("HashMap");
            if (!atPunct("<"))
                fail(cur().pos, tr("%1 needs two type arguments").arg(quoted(n)));
            next();
            const TypeNode *key = parseType();
            if (key->kind != RpcTypeSchema::String)
                fail(key->pos, tr("map keys must be String"));
            expectPunct(",");
            node->element = parseType();
            if (atPunct(","))
                next();
            closeAngle(n);
            return node;
        }
        if (atPunct("<"))
            fail(cur().pos, tr("unknown generic type %1").arg(quoted(n)));
        TypeNode *node = newNode(RpcTypeSchema::Invalid, pos);
        node->spelled = n;
        namedNodes.append(node);
        return node;
    }

    void closeAngle(const QString &typeName)
    {
        if (!atPunct(">"))
            fail(cur().pos,
                 tr("expected `>` to close %1, found %2").arg(quoted(typeName), describe(cur())));
        next();
    }

    Model *m_model;
    const QList<Token> &m_tokens;
    QString m_fileName;
    qsizetype m_index = 0;
    SyntaxError m_error;
};

// ---------------------------------------------------------------------------
// Resolution and validation over all files of a model

class Resolver
{
public:
    explicit Resolver(Model *model) : m_model(model) { }

    void error(const Position &pos, const QString &message)
    {
        m_model->errors.append(RpcInterfaceError(pos.fileName, pos.line, pos.column, message));
    }

    void run(const QList<FileParser *> &parsers)
    {
        // Types by name.
        for (TypeDef &def : m_model->types) {
            const auto existing = m_model->typesByName.constFind(def.name);
            if (existing != m_model->typesByName.cend()) {
                error(def.pos,
                      tr("type %1 is defined twice (first at %2)")
                              .arg(quoted(def.name), positionText(existing.value()->pos)));
                continue;
            }
            m_model->typesByName.insert(def.name, &def);
            m_model->nodes.push_back(TypeNode());
            TypeNode *self = &m_model->nodes.back();
            self->kind = def.isEnum ? RpcTypeSchema::Enum : RpcTypeSchema::Struct;
            self->def = &def;
            self->pos = def.pos;
            def.self = self;
        }
        for (FileParser *p : parsers) {
            for (const TypeNode *constNode : p->namedNodes)
                resolveNamed(const_cast<TypeNode *>(constNode));
        }
        // Names: wire names after serde renames, C++ names.
        for (FileParser *p : parsers)
            applyRenames(p);
        for (TypeDef &def : m_model->types)
            checkDefinition(def);
        checkInterfaces();
        checkRecursion();
    }

    void resolveNamed(TypeNode *node)
    {
        const TypeDef *def = m_model->typesByName.value(node->spelled);
        if (!def) {
            error(node->pos, tr("unknown type %1").arg(quoted(node->spelled)));
            return;
        }
        node->def = def;
        node->kind = def->isEnum ? RpcTypeSchema::Enum : RpcTypeSchema::Struct;
    }

    void applyRenames(FileParser *p)
    {
        for (TypeDef &def : m_model->types) {
            const auto renamesIt = p->fieldRenames.constFind({&def, -1});
            const QString rule = p->renameAll.value(&def);
            if (!def.isEnum && renamesIt != p->fieldRenames.cend()) {
                for (qsizetype i = 0; i < def.fields.size(); ++i) {
                    FieldDef &f = def.fields[i];
                    const QString rename = renamesIt.value().value(i);
                    f.wireName = !rename.isEmpty() ? rename : applyRenameRuleToField(rule, f.name);
                    f.wireUtf8 = f.wireName.toUtf8();
                    f.cppName = cppIdentifier(f.name);
                    if (def.containerDefault)
                        f.hasDefault = true;
                }
            }
            if (def.isEnum) {
                for (int vi = 0; vi < def.variants.size(); ++vi) {
                    const auto vr = p->variantRenames.constFind({&def, vi});
                    if (vr == p->variantRenames.cend())
                        continue; // defined in another file
                    VariantDef &v = def.variants[vi];
                    v.wireName = !vr.value().isEmpty() ? vr.value()
                                                       : applyRenameRuleToVariant(rule, v.name);
                    v.wireUtf8 = v.wireName.toUtf8();
                    const QString fieldRule = p->variantRenameAll.value({&def, vi});
                    const QList<QString> renames = p->fieldRenames.value({&def, vi});
                    for (qsizetype i = 0; i < v.fields.size(); ++i) {
                        FieldDef &f = v.fields[i];
                        const QString rename = renames.value(i);
                        f.wireName = !rename.isEmpty() ? rename
                                                       : applyRenameRuleToField(fieldRule, f.name);
                        f.wireUtf8 = f.wireName.toUtf8();
                        f.cppName = cppIdentifier(f.name);
                    }
                }
            }
        }
    }

    void checkFields(const QList<FieldDef> &fields, const QString &owner)
    {
        QHash<QString, const FieldDef *> names, wires, cpps;
        for (const FieldDef &f : fields) {
            if (const FieldDef *other = names.value(f.name)) {
                error(f.pos,
                      tr("field %1 is defined twice in %2 (first at %3)")
                              .arg(quoted(f.name), quoted(owner), positionText(other->pos)));
                continue;
            }
            names.insert(f.name, &f);
            if (const FieldDef *other = wires.value(f.wireName)) {
                error(f.pos,
                      tr("fields %1 and %2 of %3 have the same wire name %4")
                              .arg(quoted(other->name), quoted(f.name), quoted(owner),
                                   quoted(f.wireName)));
            } else {
                wires.insert(f.wireName, &f);
            }
            if (const FieldDef *other = cpps.value(f.cppName)) {
                error(f.pos,
                      tr("fields %1 and %2 of %3 get the same C++ name %4")
                              .arg(quoted(other->name), quoted(f.name), quoted(owner),
                                   quoted(f.cppName)));
            } else {
                cpps.insert(f.cppName, &f);
            }
        }
    }

    void checkDefinition(const TypeDef &def)
    {
        if (isCppKeyword(def.name))
            error(def.pos, tr("type name %1 is a C++ keyword").arg(quoted(def.name)));
        if (!def.isEnum) {
            checkFields(def.fields, def.name);
            return;
        }
        QHash<QString, const VariantDef *> names, wires;
        for (const VariantDef &v : def.variants) {
            if (const VariantDef *other = names.value(v.name)) {
                error(v.pos,
                      tr("variant %1 is defined twice in %2 (first at %3)")
                              .arg(quoted(v.name), quoted(def.name), positionText(other->pos)));
                continue;
            }
            names.insert(v.name, &v);
            if (const VariantDef *other = wires.value(v.wireName)) {
                error(v.pos,
                      tr("variants %1 and %2 of %3 have the same wire name %4")
                              .arg(quoted(other->name), quoted(v.name), quoted(def.name),
                                   quoted(v.wireName)));
            } else {
                wires.insert(v.wireName, &v);
            }
            if (v.kind == RpcVariant::Struct)
                checkFields(v.fields, def.name + QLatin1String("::") + v.name);
        }
    }

    template<typename T>
    void checkIds(const QList<T> &items, const QString &what)
    {
        QHash<qint32, const T *> ids;
        for (const T &item : items) {
            if (const T *other = ids.value(item.id)) {
                error(item.idPos,
                      tr("duplicate %1 id %2 (already used by %3 at %4)")
                              .arg(what, QString::number(item.id), quoted(other->name),
                                   positionText(other->pos)));
            } else {
                ids.insert(item.id, &item);
            }
        }
    }

    struct NamedItem
    {
        QString name;
        QString cppName;
        Position pos;
    };

    void checkCppNames(const QList<NamedItem> &items, const QString &scope)
    {
        QHash<QString, const NamedItem *> seen;
        for (const NamedItem &item : items) {
            if (const NamedItem *other = seen.value(item.cppName)) {
                if (other->name == item.name)
                    error(item.pos,
                          tr("%1 is defined twice in %2 (first at %3)")
                                  .arg(quoted(item.name), scope, positionText(other->pos)));
                else
                    error(item.pos,
                          tr("%1 and %2 in %3 get the same C++ name %4")
                                  .arg(quoted(other->name), quoted(item.name), scope,
                                       quoted(item.cppName)));
            } else {
                seen.insert(item.cppName, &item);
            }
        }
    }

    void checkInterfaces()
    {
        QHash<QString, const InterfaceDef *> names;
        for (InterfaceDef &iface : m_model->interfaces) {
            if (const InterfaceDef *other = names.value(iface.name)) {
                error(iface.pos,
                      tr("interface %1 is defined twice (first at %2)")
                              .arg(quoted(iface.name), positionText(other->pos)));
            } else {
                names.insert(iface.name, &iface);
            }
            for (const QString &suffix :
                 {QString(), QStringLiteral("Client"), QStringLiteral("Server")}) {
                if (const TypeDef *clash = m_model->typesByName.value(iface.name + suffix))
                    error(clash->pos,
                          tr("type %1 clashes with the generated class %1 of interface %2")
                                  .arg(quoted(iface.name + suffix), quoted(iface.name)));
            }
            QList<NamedItem> items;
            for (ServiceDef &s : iface.services) {
                s.cppName = cppIdentifier(s.name);
                items.append({s.name, s.cppName, s.pos});
                QList<NamedItem> updates;
                for (UpdateDef &u : s.requestUpdates) {
                    u.cppName = cppIdentifier(u.name);
                    updates.append({u.name, u.cppName, u.pos});
                }
                for (UpdateDef &u : s.responseUpdates) {
                    u.cppName = cppIdentifier(u.name);
                    updates.append({u.name, u.cppName, u.pos});
                }
                checkIds(s.requestUpdates, tr("request update"));
                checkIds(s.responseUpdates, tr("response update"));
                checkCppNames(updates, tr("the updates of service %1").arg(quoted(s.name)));
            }
            for (UpdateDef &st : iface.streams) {
                st.cppName = cppIdentifier(st.name);
                items.append({st.name, st.cppName, st.pos});
            }
            checkIds(iface.services, tr("service"));
            checkIds(iface.streams, tr("stream"));
            checkCppNames(items, tr("interface %1").arg(quoted(iface.name)));
        }
    }

    // A type may contain itself only through Vec or a map (which may be empty).
    void directChildren(const TypeNode *node, QList<QPair<const TypeDef *, QString>> *out,
                        const QString &via)
    {
        if (!node)
            return;
        switch (node->kind) {
        case RpcTypeSchema::Option:
            directChildren(node->element, out, via);
            break;
        case RpcTypeSchema::Struct:
        case RpcTypeSchema::Enum:
            if (node->def)
                out->append({node->def, via});
            break;
        default:
            break;
        }
    }

    QList<QPair<const TypeDef *, QString>> children(const TypeDef *def)
    {
        QList<QPair<const TypeDef *, QString>> out;
        for (const FieldDef &f : def->fields)
            directChildren(f.type, &out, tr("field %1").arg(quoted(f.name)));
        for (const VariantDef &v : def->variants) {
            for (const TypeNode *t : v.types)
                directChildren(t, &out, tr("variant %1").arg(quoted(v.name)));
            for (const FieldDef &f : v.fields)
                directChildren(f.type, &out,
                               tr("field %1 of variant %2").arg(quoted(f.name), quoted(v.name)));
        }
        return out;
    }

    void checkRecursion()
    {
        for (const TypeDef &def : m_model->types) {
            if (m_model->typesByName.value(def.name) != &def)
                continue;
            // Depth-first search from def's direct children back to def.
            QSet<const TypeDef *> visited;
            QList<QPair<const TypeDef *, QString>> stack = children(&def);
            bool found = false;
            QString firstVia;
            QList<QString> vias;
            for (const auto &c : stack)
                vias.append(c.second);
            while (!stack.isEmpty() && !found) {
                const auto item = stack.takeLast();
                const QString via = vias.takeLast();
                if (item.first == &def) {
                    found = true;
                    firstVia = via;
                    break;
                }
                if (visited.contains(item.first))
                    continue;
                visited.insert(item.first);
                for (const auto &c : children(item.first)) {
                    stack.append(c);
                    vias.append(via);
                }
            }
            if (found)
                error(def.pos,
                      tr("type %1 contains itself (through %2) other than through Vec or "
                         "a map, so its values would be infinite")
                              .arg(quoted(def.name), firstVia));
        }
    }

private:
    Model *m_model;
};

struct ParsedFile
{
    QString fileName;
    QList<Token> tokens;
    std::unique_ptr<FileParser> parser;
};

bool parseOne(Model *model, const QString &text, const QString &fileName,
              std::deque<ParsedFile> *files, QSet<QString> *seen)
{
    files->push_back(ParsedFile());
    ParsedFile &pf = files->back();
    pf.fileName = fileName;
    SyntaxError err;
    Lexer lexer(text, fileName);
    if (!lexer.run(&pf.tokens, &err)) {
        model->errors.append(
                RpcInterfaceError(err.pos.fileName, err.pos.line, err.pos.column, err.message));
        return false;
    }
    pf.parser = std::make_unique<FileParser>(model, pf.tokens, fileName);
    if (!pf.parser->parseFile(&err)) {
        model->errors.append(
                RpcInterfaceError(err.pos.fileName, err.pos.line, err.pos.column, err.message));
        return false;
    }
    const QList<QPair<QString, Position>> imports = pf.parser->imports;
    bool ok = true;
    const QDir dir = fileName.isEmpty() ? QDir::current() : QFileInfo(fileName).dir();
    for (const auto &import : imports) {
        const QString path = QDir::cleanPath(dir.filePath(import.first));
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (!canonical.isEmpty() && seen->contains(canonical))
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            model->errors.append(RpcInterfaceError(
                    import.second.fileName, import.second.line, import.second.column,
                    tr("cannot open imported file %1: %2")
                            .arg(quoted(import.first), file.errorString())));
            ok = false;
            continue;
        }
        seen->insert(canonical);
        const QString importedText = QString::fromUtf8(file.readAll());
        QString importedName = fileName.isEmpty() ? import.first : path;
        if (!parseOne(model, importedText, importedName, files, seen))
            ok = false;
    }
    return ok;
}

} // namespace

QSharedPointer<Model> parseInterfaceText(const QString &text, const QString &fileName)
{
    auto model = QSharedPointer<Model>::create();
    model->fileName = fileName;
    std::deque<ParsedFile> files;
    QSet<QString> seen;
    if (!fileName.isEmpty()) {
        const QString canonical = QFileInfo(fileName).canonicalFilePath();
        if (!canonical.isEmpty())
            seen.insert(canonical);
    }
    if (!parseOne(model.data(), text, fileName, &files, &seen))
        return model;
    QList<FileParser *> parsers;
    for (ParsedFile &pf : files)
        parsers.append(pf.parser.get());
    Resolver(model.data()).run(parsers);
    return model;
}

const TypeNode *parseTypeExpression(Model *target, const Model &base, const QString &text,
                                    QString *error)
{
    QList<Token> tokens;
    SyntaxError err;
    Lexer lexer(text, QString());
    if (!lexer.run(&tokens, &err)) {
        *error = err.message;
        return nullptr;
    }
    FileParser parser(target, tokens, QString());
    const TypeNode *node = parser.parseSingleType(&err);
    if (!node) {
        *error = tr("column %1: %2").arg(err.pos.column).arg(err.message);
        return nullptr;
    }
    for (const TypeNode *constNode : parser.namedNodes) {
        auto *named = const_cast<TypeNode *>(constNode);
        const TypeDef *def = base.typesByName.value(named->spelled);
        if (!def) {
            *error = tr("unknown type %1").arg(quoted(named->spelled));
            return nullptr;
        }
        named->def = def;
        named->kind = def->isEnum ? RpcTypeSchema::Enum : RpcTypeSchema::Struct;
    }
    return node;
}

bool isValidRenameRule(const QString &rule)
{
    static const QStringList rules = {
            QStringLiteral("lowercase"),  QStringLiteral("UPPERCASE"),
            QStringLiteral("PascalCase"), QStringLiteral("camelCase"),
            QStringLiteral("snake_case"), QStringLiteral("SCREAMING_SNAKE_CASE"),
            QStringLiteral("kebab-case"), QStringLiteral("SCREAMING-KEBAB-CASE"),
    };
    return rules.contains(rule);
}

static QString asciiLower(const QString &s)
{
    QString r = s;
    for (QChar &c : r) {
        if (c.unicode() < 128)
            c = c.toLower();
    }
    return r;
}

static QString asciiUpper(const QString &s)
{
    QString r = s;
    for (QChar &c : r) {
        if (c.unicode() < 128)
            c = c.toUpper();
    }
    return r;
}

// serde_derive's RenameRule::apply_to_field (fields are snake_case in Rust).
QString applyRenameRuleToField(const QString &rule, const QString &field)
{
    if (rule.isEmpty() || rule == QLatin1String("lowercase") || rule == QLatin1String("snake_case"))
        return field;
    if (rule == QLatin1String("UPPERCASE") || rule == QLatin1String("SCREAMING_SNAKE_CASE"))
        return asciiUpper(field);
    if (rule == QLatin1String("PascalCase") || rule == QLatin1String("camelCase")) {
        QString pascal;
        bool capitalize = true;
        for (const QChar c : field) {
            if (c == QLatin1Char('_')) {
                capitalize = true;
            } else if (capitalize) {
                pascal.append(c.unicode() < 128 ? c.toUpper() : c);
                capitalize = false;
            } else {
                pascal.append(c);
            }
        }
        if (rule == QLatin1String("camelCase") && !pascal.isEmpty())
            pascal = asciiLower(pascal.left(1)) + pascal.mid(1);
        return pascal;
    }
    if (rule == QLatin1String("kebab-case"))
        return QString(field).replace(QLatin1Char('_'), QLatin1Char('-'));
    if (rule == QLatin1String("SCREAMING-KEBAB-CASE"))
        return asciiUpper(field).replace(QLatin1Char('_'), QLatin1Char('-'));
    return field;
}

// serde_derive's RenameRule::apply_to_variant (variants are PascalCase in Rust).
QString applyRenameRuleToVariant(const QString &rule, const QString &variant)
{
    if (rule.isEmpty() || rule == QLatin1String("PascalCase"))
        return variant;
    if (rule == QLatin1String("lowercase"))
        return asciiLower(variant);
    if (rule == QLatin1String("UPPERCASE"))
        return asciiUpper(variant);
    if (rule == QLatin1String("camelCase"))
        return variant.isEmpty() ? variant : asciiLower(variant.left(1)) + variant.mid(1);
    QString snake;
    for (qsizetype i = 0; i < variant.size(); ++i) {
        const QChar c = variant.at(i);
        if (i > 0 && c.isUpper())
            snake.append(QLatin1Char('_'));
        snake.append(c.unicode() < 128 ? c.toLower() : c);
    }
    if (rule == QLatin1String("snake_case"))
        return snake;
    if (rule == QLatin1String("SCREAMING_SNAKE_CASE"))
        return asciiUpper(snake);
    if (rule == QLatin1String("kebab-case"))
        return snake.replace(QLatin1Char('_'), QLatin1Char('-'));
    if (rule == QLatin1String("SCREAMING-KEBAB-CASE"))
        return asciiUpper(snake).replace(QLatin1Char('_'), QLatin1Char('-'));
    return variant;
}

bool isCppKeyword(const QString &word)
{
    static const QSet<QString> keywords = [] {
        QSet<QString> set;
        const char *const list[] = {
                "alignas",
                "alignof",
                "and",
                "and_eq",
                "asm",
                "auto",
                "bitand",
                "bitor",
                "bool",
                "break",
                "case",
                "catch",
                "char",
                "char8_t",
                "char16_t",
                "char32_t",
                "class",
                "compl",
                "concept",
                "const",
                "consteval",
                "constexpr",
                "constinit",
                "const_cast",
                "continue",
                "co_await",
                "co_return",
                "co_yield",
                "decltype",
                "default",
                "delete",
                "do",
                "double",
                "dynamic_cast",
                "else",
                "enum",
                "explicit",
                "export",
                "extern",
                "false",
                "float",
                "for",
                "friend",
                "goto",
                "if",
                "inline",
                "int",
                "long",
                "mutable",
                "namespace",
                "new",
                "noexcept",
                "not",
                "not_eq",
                "nullptr",
                "operator",
                "or",
                "or_eq",
                "private",
                "protected",
                "public",
                "register",
                "reinterpret_cast",
                "requires",
                "return",
                "short",
                "signed",
                "sizeof",
                "static",
                "static_assert",
                "static_cast",
                "struct",
                "switch",
                "template",
                "this",
                "thread_local",
                "throw",
                "true",
                "try",
                "typedef",
                "typeid",
                "typename",
                "union",
                "unsigned",
                "using",
                "virtual",
                "void",
                "volatile",
                "wchar_t",
                "while",
                "xor",
                "xor_eq",
                // Qt's keywords (without QT_NO_KEYWORDS)
                "signals",
                "slots",
                "emit",
                "foreach",
                "forever",
        };
        for (const char *w : list)
            set.insert(QLatin1String(w));
        return set;
    }();
    return keywords.contains(word);
}

QString cppIdentifier(const QString &rustName)
{
    QString result;
    bool upperNext = false;
    for (const QChar c : rustName) {
        if (c == QLatin1Char('_')) {
            upperNext = !result.isEmpty();
            continue;
        }
        if (upperNext) {
            result.append(c.toUpper());
            upperNext = false;
        } else {
            result.append(c);
        }
    }
    if (result.isEmpty())
        return QStringLiteral("unnamed_");
    result[0] = result.at(0).toLower();
    if (isCppKeyword(result))
        result.append(QLatin1Char('_'));
    return result;
}

} // namespace RpcInterfaceModel
} // namespace Fizyr
