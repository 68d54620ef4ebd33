// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Fuzz target: the seqpacket datagram parser, with ancillary data as the
// parser sees it after recvmsg().
//
// Input layout: byte 0 picks the byte order and the flags (MSG_TRUNC,
// MSG_CTRUNC), byte 1 the number of descriptors that arrived (0..15) and the
// maximum accepted, byte 2 the maximum body size; the rest is the datagram.
// The descriptors are real (duplicates of a pipe end) and travel through a
// real SCM_RIGHTS control buffer. Checked: the parser accepts exactly the
// valid datagrams, a parsed message matches the datagram, and no descriptor
// leaks whatever the outcome.

#include "transport/rpcseqpackettransport_p.h"
#include "wire/rpcwire_p.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Fizyr;

#define FUZZ_CHECK(condition) \
    do { \
        if (!(condition)) \
            std::abort(); \
    } while (false)

static bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static int pipeFds[2] = {-1, -1};
    if (pipeFds[0] < 0 && ::pipe2(pipeFds, O_CLOEXEC) != 0)
        return 0;

    static const RpcConfig::ByteOrder orders[]
            = {RpcConfig::LittleEndian, RpcConfig::BigEndian, RpcConfig::NativeEndian};
    const RpcConfig::ByteOrder order = orders[data[0] % 3];
    const bool truncated = data[0] & 0x10;
    const bool controlTruncated = data[0] & 0x20;
    const int fdCount = data[1] & 0x0f;
    const int maxFds = data[1] >> 4;
    const quint32 maxBody = data[2] * 16u;

    // What recvmsg() would have put in the control buffer.
    int fds[16];
    for (int i = 0; i < fdCount; ++i)
        fds[i] = ::fcntl(pipeFds[0], F_DUPFD_CLOEXEC, 0);
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(fds))] = {};
    msghdr msg = {};
    msg.msg_control = control;
    msg.msg_controllen = fdCount > 0 ? CMSG_SPACE(sizeof(int) * size_t(fdCount)) : 0;
    if (fdCount > 0) {
        cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * size_t(fdCount));
        std::memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * size_t(fdCount));
    }

    {
        RpcSeqpacket::ReceivedDatagram datagram;
        datagram.fileDescriptors = RpcSeqpacket::takeFileDescriptors(
                msg.msg_controllen ? control : nullptr, qsizetype(msg.msg_controllen));
        FUZZ_CHECK(datagram.fileDescriptors.size() == fdCount);
        datagram.data = reinterpret_cast<const char *>(data + 3);
        datagram.size = qsizetype(size - 3);
        datagram.truncated = truncated;
        datagram.controlTruncated = controlTruncated;

        const RpcSeqpacket::ParseResult result
                = RpcSeqpacket::parse(datagram, order, maxBody, maxFds);
        const bool valid = !truncated && !controlTruncated && fdCount <= maxFds
                && datagram.size >= RpcWire::HeaderSize
                && RpcWire::readU32(datagram.data, order) <= 4
                && quint64(datagram.size - RpcWire::HeaderSize) <= maxBody;
        FUZZ_CHECK((result.error == RpcError::NoError) == valid);
        if (valid) {
            const QByteArray encoded = RpcWire::encodeDatagram(result.message, order);
            FUZZ_CHECK(encoded.size() == datagram.size);
            FUZZ_CHECK(std::memcmp(encoded.constData(), datagram.data, size_t(encoded.size()))
                       == 0);
            FUZZ_CHECK(result.message.fileDescriptors().size() == fdCount);
        } else {
            FUZZ_CHECK(!result.errorString.isEmpty());
        }
    }
    // Every descriptor is closed once the datagram and the result are gone.
    for (int i = 0; i < fdCount; ++i)
        FUZZ_CHECK(!isOpen(fds[i]));
    return 0;
}
