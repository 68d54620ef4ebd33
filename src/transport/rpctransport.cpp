// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpctransport_p.h"

#include "rpcstreamtransport_p.h"
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
#    include "rpcseqpackettransport_p.h"
#endif

namespace Fizyr {

RpcTransport *RpcTransport::create(RpcAddress::Transport transport, QObject *parent,
                                   RpcError *error)
{
    *error = RpcError::NoError;
    switch (transport) {
    case RpcAddress::Tcp:
    case RpcAddress::UnixStream:
        return new RpcStreamTransport(parent);
    case RpcAddress::UnixSeqpacket:
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        return new RpcSeqpacketTransport(parent);
#else
        *error = RpcError::UnsupportedTransport;
        return nullptr;
#endif
    case RpcAddress::Invalid:
        break;
    }
    *error = RpcError::InvalidAddress;
    return nullptr;
}

RpcError RpcTransport::checkOutgoing(const RpcMessage &message, bool fdsSupported) const
{
    if (quint64(message.body().size()) > m_config.maxBodyWriteSize())
        return RpcError::PayloadTooLarge;
    const qsizetype fdCount = message.fileDescriptors().size();
    if (fdCount > 0) {
        if (!fdsSupported)
            return RpcError::FileDescriptorsNotSupported;
        if (fdCount > m_config.maxFileDescriptorsWrite())
            return RpcError::TooManyFileDescriptors;
    }
    return RpcError::NoError;
}

} // namespace Fizyr

#include "moc_rpctransport_p.cpp"
