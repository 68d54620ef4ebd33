// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: resolution and validation over all files of a model: type names, serde
// renames, duplicate names and ids, C++ name clashes, recursive types.

#include "rpcinterfaceparser_impl_p.h"

#include <QtCore/qset.h>

namespace Fizyr {
namespace RpcInterfaceModel {
namespace ParserPrivate {

void Resolver::error(const Position &pos, const QString &message)
{
    m_model->errors.append(RpcInterfaceError(pos.fileName, pos.line, pos.column, message));
}

void Resolver::run(const QList<FileParser *> &parsers)
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

void Resolver::resolveNamed(TypeNode *node)
{
    const TypeDef *def = m_model->typesByName.value(node->spelled);
    if (!def) {
        error(node->pos, tr("unknown type %1").arg(quoted(node->spelled)));
        return;
    }
    node->def = def;
    node->kind = def->isEnum ? RpcTypeSchema::Enum : RpcTypeSchema::Struct;
}

void Resolver::applyRenames(FileParser *p)
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

void Resolver::checkFields(const QList<FieldDef> &fields, const QString &owner)
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

void Resolver::checkDefinition(const TypeDef &def)
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
void Resolver::checkIds(const QList<T> &items, const QString &what)
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

void Resolver::checkCppNames(const QList<NamedItem> &items, const QString &scope)
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

void Resolver::checkInterfaces()
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
void Resolver::directChildren(const TypeNode *node, QList<QPair<const TypeDef *, QString>> *out,
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

QList<QPair<const TypeDef *, QString>> Resolver::children(const TypeDef *def)
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

void Resolver::checkRecursion()
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

} // namespace ParserPrivate
} // namespace RpcInterfaceModel
} // namespace Fizyr
