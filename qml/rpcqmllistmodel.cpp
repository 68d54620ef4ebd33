// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmllistmodel.h"

namespace Fizyr {

/*!
    \qmltype RpcListModel
    \inqmlmodule Fizyr.Rpc
    \brief A bounded list of JavaScript values, for a ListView: the last
    \c capacity stream messages or updates.

    append() adds a value (a decoded stream message, an update, anything);
    once there are \c capacity of them, each append drops the oldest. A
    delegate reads the whole value as \c model.value, and each name listed
    in \c roles as a role of its own:

    \qml
    RpcListModel { id: lines; capacity: 50; roles: ["level", "text"] }
    GreeterServer { server: someServer; onLogReceived: (line, peer) => lines.append(line) }
    ListView { model: lines; delegate: Text { text: model.level + ": " + model.text } }
    \endqml

    The values are kept as they are given (no copy of their fields); the
    model lives in the thread of its QML engine.
*/

QmlRpcListModel::QmlRpcListModel(QObject *parent) : QAbstractListModel(parent) { }

/*!
    \qmlproperty int RpcListModel::capacity
    How many values the model keeps at most (default 100); lowering it
    drops the oldest values at once. 0 or less keeps every value.
*/
void QmlRpcListModel::setCapacity(int capacity)
{
    if (capacity == m_capacity)
        return;
    m_capacity = capacity;
    Q_EMIT capacityChanged();
    if (m_capacity > 0 && m_values.size() > m_capacity)
        dropOldest(m_capacity);
}

/*!
    \qmlproperty int RpcListModel::count
    \readonly
    How many values the model holds.
*/

/*!
    \qmlproperty int RpcListModel::droppedCount
    \readonly
    How many values were dropped to stay within \c capacity since the model
    was created or last cleared.
*/

/*!
    \qmlproperty list<string> RpcListModel::roles
    Names of properties of the values that delegates read as roles of their
    own (\c model.text for \c{roles: ["text"]}); \c value, the whole value,
    is always there. Set it before a view uses the model.
*/
void QmlRpcListModel::setRoles(const QStringList &roles)
{
    if (roles == m_roles)
        return;
    beginResetModel();
    m_roles = roles;
    endResetModel();
    Q_EMIT rolesChanged();
}

/*!
    \qmlmethod void RpcListModel::append(var value)
    Appends \a value, dropping the oldest value if the model is full.
*/
void QmlRpcListModel::append(const QJSValue &value)
{
    if (m_capacity > 0 && m_values.size() >= m_capacity)
        dropOldest(m_capacity - 1);
    const int row = int(m_values.size());
    beginInsertRows(QModelIndex(), row, row);
    m_values.append(value);
    endInsertRows();
    Q_EMIT countChanged();
}

void QmlRpcListModel::dropOldest(qsizetype keep)
{
    const qsizetype drop = m_values.size() - qMax<qsizetype>(keep, 0);
    if (drop <= 0)
        return;
    beginRemoveRows(QModelIndex(), 0, int(drop - 1));
    m_values.remove(0, drop);
    endRemoveRows();
    m_dropped += int(drop);
    Q_EMIT countChanged();
    Q_EMIT droppedCountChanged();
}

/*!
    \qmlmethod var RpcListModel::get(int row)
    The value at \a row (0 is the oldest), or \c undefined.
*/
QJSValue QmlRpcListModel::get(int row) const
{
    return row >= 0 && row < m_values.size() ? m_values.at(row) : QJSValue();
}

/*!
    \qmlmethod void RpcListModel::clear()
    Removes every value and resets \c droppedCount.
*/
void QmlRpcListModel::clear()
{
    beginResetModel();
    m_values.clear();
    endResetModel();
    Q_EMIT countChanged();
    if (m_dropped != 0) {
        m_dropped = 0;
        Q_EMIT droppedCountChanged();
    }
}

int QmlRpcListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_values.size());
}

QVariant QmlRpcListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_values.size())
        return QVariant();
    const QJSValue &value = m_values.at(index.row());
    if (role == Qt::UserRole || role == Qt::DisplayRole)
        return QVariant::fromValue(value);
    const int field = role - Qt::UserRole - 1;
    if (field >= 0 && field < m_roles.size())
        return QVariant::fromValue(value.property(m_roles.at(field)));
    return QVariant();
}

QHash<int, QByteArray> QmlRpcListModel::roleNames() const
{
    QHash<int, QByteArray> names{{Qt::UserRole, QByteArrayLiteral("value")}};
    for (int i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + 1 + i, m_roles.at(i).toUtf8());
    return names;
}

} // namespace Fizyr
