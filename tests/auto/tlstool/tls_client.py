#!/usr/bin/env python3
# An independent Fizyr RPC client over TLS: Python's ssl module and the
# framing written by hand (u32 length = 12 + body, then the 12-byte header:
# u32 message type, u32 request id, i32 service id; little endian), against
# `fizyr-rpc serve tls://...`. Sends a request for service 1 (echoed with
# status 0) and a stream message (echoed back), and checks both answers.
# Usage: tls_client.py HOST PORT CA_FILE [CERT_FILE KEY_FILE]
import socket
import ssl
import struct
import sys

host, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
context.minimum_version = ssl.TLSVersion.TLSv1_2
if len(sys.argv) > 5:
    context.load_cert_chain(sys.argv[4], sys.argv[5])


def send(conn, message_type, request_id, service_id, body):
    conn.sendall(struct.pack("<IIIi", 12 + len(body), message_type, request_id, service_id) + body)


def receive_exactly(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def receive(conn):
    (length,) = struct.unpack("<I", receive_exactly(conn, 4))
    frame = receive_exactly(conn, length)
    message_type, request_id, service_id = struct.unpack("<IIi", frame[:12])
    return message_type, request_id, service_id, frame[12:]


with socket.create_connection((host, port), timeout=20) as raw:
    with context.wrap_socket(raw, server_hostname="localhost") as conn:
        send(conn, 0, 42, 1, b"hello over tls")
        reply = receive(conn)
        if reply != (1, 42, 0, b"hello over tls"):
            print("unexpected response", reply)
            sys.exit(1)
        send(conn, 4, 0, 7, b"a stream message")
        reply = receive(conn)
        if reply[0] != 4 or reply[2] != 7 or reply[3] != b"a stream message":
            print("unexpected stream echo", reply)
            sys.exit(1)
        print("ok", conn.version())
