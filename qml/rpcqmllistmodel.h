// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLLISTMODEL_H
#define FIZYRRPCQT_RPCQMLLISTMODEL_H

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qlist.h>
#include <QtCore/qstringlist.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqmlregistration.h>

namespace Fizyr {

class QmlRpcListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_NAMED_ELEMENT(RpcListModel)
    Q_PROPERTY(int capacity READ capacity WRITE setCapacity NOTIFY capacityChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int droppedCount READ droppedCount NOTIFY droppedCountChanged)
    Q_PROPERTY(QStringList roles READ roles WRITE setRoles NOTIFY rolesChanged)

public:
    explicit QmlRpcListModel(QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    void setCapacity(int capacity);
    int count() const { return int(m_values.size()); }
    int droppedCount() const { return m_dropped; }
    QStringList roles() const { return m_roles; }
    void setRoles(const QStringList &roles);

    Q_INVOKABLE void append(const QJSValue &value);
    Q_INVOKABLE QJSValue get(int row) const;
    Q_INVOKABLE void clear();

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void capacityChanged();
    void countChanged();
    void droppedCountChanged();
    void rolesChanged();

private:
    void dropOldest(qsizetype keep);

    QList<QJSValue> m_values;
    QStringList m_roles;
    int m_capacity = 100;
    int m_dropped = 0;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLLISTMODEL_H
