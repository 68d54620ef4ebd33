// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCINTERFACEPARSER_IMPL_P_H
#define FIZYRRPCQT_RPCINTERFACEPARSER_IMPL_P_H

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

// The parts of the interface-file parser shared by rpcinterfaceparser*.cpp: tokens, the
// lexer, the file parser and the resolver.

#include "rpcinterfaceparser_p.h"

#include <QtCore/qcoreapplication.h>

namespace Fizyr {
namespace RpcInterfaceModel {
namespace ParserPrivate {

inline QString tr(const char *text)
{
    return QCoreApplication::translate("Fizyr::RpcInterfaceFile", text);
}

inline QString quoted(const QString &name)
{
    return QLatin1Char('`') + name + QLatin1Char('`');
}

inline QString positionText(const Position &pos)
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

    bool run(QList<Token> *tokens, SyntaxError *error);

private:
    static bool isIdentStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
    static bool isIdentChar(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

    static QString docLine(const QString &line);

    QChar peek(qsizetype offset) const;

    void advance();

    Position position() const { return {m_fileName, m_line, int(m_pos - m_lineStart) + 1}; }

    void skipSpace();

    QString identifier();

    bool string(QString *out, SyntaxError *error);

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

// The recursive-descent parser of one file (rpcinterfaceparser_attributes.cpp,
// rpcinterfaceparser_items.cpp, rpcinterfaceparser_types.cpp).
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

    bool parseFile(SyntaxError *error);

    const TypeNode *parseSingleType(SyntaxError *error);

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

    static QString describe(const Token &t);

    void expectPunct(const char *p);

    Token expectIdent(const QString &what);

    // #[...] and doc comments in front of an item.
    Attributes parseAttributes();

    void skipGroup();

    void parseAttribute(Attributes *attrs);

    enum AttrTarget { OnInterface, OnMessage, OnStruct, OnEnum, OnField, OnVariant };

    // Checks that attrs only holds what target allows.
    void checkAttributes(const Attributes &attrs, AttrTarget target, bool structVariant = false);

    static QString serdeValue(const Attributes &attrs, const char *key);

    static const SerdeItem *serdeItem(const Attributes &attrs, const char *key);

    static QString docText(const Attributes &attrs) { return attrs.doc.join(QLatin1Char('\n')); }

    void skipVisibility();

    void parseItem(bool insideMacro);

    qint32 parseId(Position *pos);

    void parseInterface(const Attributes &attrs);

    void parseGenericsRejected();

    QList<FieldDef> parseFields(TypeDef *owner, int variantIndex, QList<QString> *renames);

public:
    // Field renames by (definition, variant index or -1), in field order.
    QHash<QPair<const TypeDef *, int>, QList<QString>> fieldRenames;
    QHash<QPair<const TypeDef *, int>, QString> variantRenames;

private:
    void parseStruct(const Attributes &attrs);

    void parseEnum(const Attributes &attrs);

    TypeNode *newNode(RpcTypeSchema::Kind kind, const Position &pos);

    const TypeNode *parseType();

    void closeAngle(const QString &typeName);

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

    void error(const Position &pos, const QString &message);

    void run(const QList<FileParser *> &parsers);

    void resolveNamed(TypeNode *node);

    void applyRenames(FileParser *p);

    void checkFields(const QList<FieldDef> &fields, const QString &owner);

    void checkDefinition(const TypeDef &def);

    template<typename T>
    void checkIds(const QList<T> &items, const QString &what);

    struct NamedItem
    {
        QString name;
        QString cppName;
        Position pos;
    };

    void checkCppNames(const QList<NamedItem> &items, const QString &scope);

    void checkInterfaces();

    // A type may contain itself only through Vec or a map (which may be empty).
    void directChildren(const TypeNode *node, QList<QPair<const TypeDef *, QString>> *out,
                        const QString &via);

    QList<QPair<const TypeDef *, QString>> children(const TypeDef *def);

    void checkRecursion();

private:
    Model *m_model;
};

} // namespace ParserPrivate
} // namespace RpcInterfaceModel
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCINTERFACEPARSER_IMPL_P_H
