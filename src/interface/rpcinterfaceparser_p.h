// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCINTERFACEPARSER_P_H
#define FIZYRRPCQT_RPCINTERFACEPARSER_P_H

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

#include "rpcinterfacemodel_p.h"

namespace Fizyr {
namespace RpcInterfaceModel {

// Parses text (and, recursively, the files it imports) into a new model.
// The model's errors list is empty on success.
QSharedPointer<Model> parseInterfaceText(const QString &text, const QString &fileName);

// Parses one type expression in the context of the types of base. Returns
// nullptr and sets *error on failure; the new nodes go into target.
const TypeNode *parseTypeExpression(Model *target, const Model &base, const QString &text,
                                    QString *error);

// serde's rename_all rules.
bool isValidRenameRule(const QString &rule);
QString applyRenameRuleToField(const QString &rule, const QString &field);
QString applyRenameRuleToVariant(const QString &rule, const QString &variant);

} // namespace RpcInterfaceModel
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCINTERFACEPARSER_P_H
