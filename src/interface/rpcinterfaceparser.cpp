// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: the parser's entry points: parseInterfaceText() with the files it
// imports, parseTypeExpression(). The parts are in rpcinterfaceparser_*.cpp.

#include "rpcinterfaceparser_impl_p.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qset.h>

#include <deque>
#include <memory>

namespace Fizyr {
namespace RpcInterfaceModel {

using namespace ParserPrivate;

namespace {

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

} // namespace RpcInterfaceModel
} // namespace Fizyr
