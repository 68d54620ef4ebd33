// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCINTERFACEGLOBAL_H
#define FIZYRRPCQT_RPCINTERFACEGLOBAL_H

#include "fizyrrpcqtinterface_export.h"

#include <QtCore/qglobal.h>
#include <QtCore/qsharedpointer.h>

namespace Fizyr {
namespace RpcInterfaceModel {
struct Model;
struct TypeNode;
struct TypeDef;
struct FieldDef;
struct VariantDef;
struct InterfaceDef;
struct ServiceDef;
struct UpdateDef;
} // namespace RpcInterfaceModel
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCINTERFACEGLOBAL_H
