-- Copyright (C) 2026 The fizyr-rpc-qt authors
-- SPDX-License-Identifier: BSD-2-Clause
--
-- Wireshark / tshark dissector for the Fizyr RPC protocol.
--
--   tshark -X lua_script:fizyr-rpc.lua -r recording.pcapng
--   wireshark -X lua_script:fizyr-rpc.lua recording.pcapng
-- or copy the file to ~/.local/lib/wireshark/plugins/.
--
-- TCP: decoded on the ports of the "fizyrrpc.tcp_ports" preference and with
-- "Decode As..." (tshark: -d tcp.port==PORT,fizyrrpc). Messages split over
-- segments and several messages in one segment are reassembled
-- (dissect_tcp_pdus). The byte order of the length prefix and header is a
-- preference (little endian by default, as the protocol says).
--
-- Unix stream and seqpacket sockets cannot be captured with libpcap;
-- `fizyr-rpc proxy --record FILE.pcapng` and `listen --record` write them with
-- link type USER0 (147) and a 12-byte pseudo-header in front of each message
-- (all big endian):
--   u8  version (1)
--   u8  transport: 1 tcp, 2 unix stream, 3 unix seqpacket
--   u8  direction: 0 client->server, 1 server->client
--   u8  flags: bit 0 the message header is big endian; bit 1 a connection
--       event (the rest is UTF-8 text, "connected ADDRESS" / "disconnected")
--   u32 connection number
--   u32 number of file descriptors that came with the message
-- followed by the message: 12-byte header and body, no length prefix.
--
-- Requests are paired with their updates and response (fizyrrpc.response_in,
-- fizyrrpc.request_in, fizyrrpc.response_time); run tshark with -2 so that a
-- request shows the frame of its response. Malformed messages (length below
-- 12, unknown message type) get expert info.

local proto = Proto("fizyrrpc", "Fizyr RPC")
local unix_proto = Proto("fizyrrpc_unix", "Fizyr RPC Unix socket capture")

local type_names = {
    [0] = "request",
    [1] = "response",
    [2] = "requester update",
    [3] = "responder update",
    [4] = "stream",
}
local transport_names = { [1] = "tcp", [2] = "unix stream", [3] = "unix seqpacket" }
local direction_names = { [0] = "client->server", [1] = "server->client" }

local f = proto.fields
f.length = ProtoField.uint32("fizyrrpc.length", "Length")
f.type = ProtoField.uint32("fizyrrpc.type", "Message type", base.DEC, type_names)
f.request_id = ProtoField.uint32("fizyrrpc.request_id", "Request id")
f.service_id = ProtoField.int32("fizyrrpc.service_id", "Service id")
f.body_length = ProtoField.uint32("fizyrrpc.body_length", "Body length")
f.body = ProtoField.bytes("fizyrrpc.body", "Body")
f.body_text = ProtoField.string("fizyrrpc.body_text", "Body text")
f.error_text = ProtoField.string("fizyrrpc.error", "Error")
f.request_in = ProtoField.framenum("fizyrrpc.request_in", "Request in", base.NONE,
    frametype.REQUEST)
f.response_in = ProtoField.framenum("fizyrrpc.response_in", "Response in", base.NONE,
    frametype.RESPONSE)
f.response_time = ProtoField.relative_time("fizyrrpc.response_time", "Response time")
f.updates = ProtoField.uint32("fizyrrpc.updates", "Updates before the response")

local uf = unix_proto.fields
uf.version = ProtoField.uint8("fizyrrpc_unix.version", "Version")
uf.transport = ProtoField.uint8("fizyrrpc_unix.transport", "Transport", base.DEC, transport_names)
uf.direction = ProtoField.uint8("fizyrrpc_unix.direction", "Direction", base.DEC, direction_names)
uf.flags = ProtoField.uint8("fizyrrpc_unix.flags", "Flags", base.HEX)
uf.big_endian = ProtoField.bool("fizyrrpc_unix.big_endian", "Big endian header", 8, nil, 0x01)
uf.event = ProtoField.bool("fizyrrpc_unix.is_event", "Connection event", 8, nil, 0x02)
uf.connection = ProtoField.uint32("fizyrrpc_unix.connection", "Connection")
uf.fds = ProtoField.uint32("fizyrrpc_unix.fds", "File descriptors")
uf.event_text = ProtoField.string("fizyrrpc_unix.event", "Event")

local ef_short = ProtoExpert.new("fizyrrpc.short", "Message length below the 12-byte header",
    expert.group.MALFORMED, expert.severity.ERROR)
local ef_type = ProtoExpert.new("fizyrrpc.unknown_type", "Unknown message type",
    expert.group.MALFORMED, expert.severity.ERROR)
local ef_unpaired = ProtoExpert.new("fizyrrpc.unpaired", "No open request with this id",
    expert.group.SEQUENCE, expert.severity.NOTE)
local ef_error = ProtoExpert.new("fizyrrpc.error_response", "Error response",
    expert.group.RESPONSE_CODE, expert.severity.NOTE)
proto.experts = { ef_short, ef_type, ef_unpaired, ef_error }
local uef_short = ProtoExpert.new("fizyrrpc_unix.short", "Frame shorter than the pseudo-header",
    expert.group.MALFORMED, expert.severity.ERROR)
unix_proto.experts = { uef_short }

proto.prefs.big_endian = Pref.bool("Big endian",
    false, "TCP: the length prefix and header are big endian (the default is little endian)")
proto.prefs.tcp_ports = Pref.range("TCP ports", "", "TCP ports decoded as Fizyr RPC", 65535)

local tcp_stream_field = Field.new("tcp.stream")

-- Pairing state, rebuilt when a file is (re)loaded.
local open_requests -- "conversation|requester|id" -> transaction, first pass only
local transactions -- "frame:index" -> transaction
local frame_counter = { frame = -1, index = 0 }

function proto.init()
    open_requests = {}
    transactions = {}
    frame_counter = { frame = -1, index = 0 }
end

local function next_index(pinfo)
    if frame_counter.frame ~= pinfo.number then
        frame_counter.frame = pinfo.number
        frame_counter.index = 0
    end
    frame_counter.index = frame_counter.index + 1
    return pinfo.number .. ":" .. frame_counter.index
end

local function nstime_between(later, earlier)
    local d = later - earlier
    if d < 0 then d = 0 end
    local s = math.floor(d)
    return NSTime.new(s, math.floor((d - s) * 1e9 + 0.5))
end

local function is_text(s)
    return not s:find("[%z\1-\8\11\12\14-\31\127]")
end

-- Dissects one message (header and body, no length prefix) in tvb.
-- ctx: { conversation = string, from = string, to = string }.
local function dissect_message(tvb, pinfo, tree, big_endian, ctx, length_range)
    local item = tree:add(proto, tvb())
    local add = big_endian and item.add or item.add_le
    if length_range then
        add(item, f.length, length_range)
    end
    if tvb:len() < 12 then
        item:add_proto_expert_info(ef_short,
            "Message length " .. tvb:len() .. " is below the 12-byte header")
        pinfo.cols.info:append(" [malformed: short]")
        return
    end
    local function u32(offset)
        return big_endian and tvb(offset, 4):uint() or tvb(offset, 4):le_uint()
    end
    local mtype = u32(0)
    local request_id = u32(4)
    local service_id = big_endian and tvb(8, 4):int() or tvb(8, 4):le_int()
    local type_item = add(item, f.type, tvb(0, 4))
    add(item, f.request_id, tvb(4, 4))
    add(item, f.service_id, tvb(8, 4))
    local body_length = tvb:len() - 12
    item:add(f.body_length, body_length):set_generated()
    local body_text
    if body_length > 0 then
        item:add(f.body, tvb(12))
        local s = tvb(12):string()
        if is_text(s) then
            body_text = tvb(12):string(ENC_UTF_8)
            item:add(f.body_text, tvb(12), body_text)
        end
    end
    local name = type_names[mtype]
    if not name then
        type_item:add_proto_expert_info(ef_type, "Unknown message type " .. mtype)
        item:append_text(", unknown message type " .. mtype)
        pinfo.cols.info:append(" [malformed: type " .. mtype .. "]")
        return
    end
    local summary = name
    if mtype ~= 4 then summary = summary .. " #" .. request_id end
    summary = summary .. " service " .. service_id
    if mtype == 1 and service_id < 0 then
        summary = summary .. " (error)"
        if body_text then item:add(f.error_text, tvb(12), body_text) end
        item:add_proto_expert_info(ef_error, "Error response: " .. (body_text or ""))
    end
    item:append_text(", " .. summary)
    local info = tostring(pinfo.cols.info)
    if info:find("^Fizyr RPC") then
        pinfo.cols.info:append(", " .. summary)
    else
        pinfo.cols.info:set("Fizyr RPC " .. summary)
    end

    -- Pairing: a transaction is keyed by the conversation, the side that
    -- sent the request and the request id.
    if mtype == 4 then return end
    local requester = (mtype == 0 or mtype == 2) and ctx.from or ctx.to
    local key = ctx.conversation .. "|" .. requester .. "|" .. request_id
    local index = next_index(pinfo)
    local txn
    if not pinfo.visited then
        if mtype == 0 then
            txn = { request = pinfo.number, time = pinfo.abs_ts, updates = 0 }
            open_requests[key] = txn
        else
            txn = open_requests[key]
            if txn then
                if mtype == 1 then
                    txn.response = pinfo.number
                    txn.response_time = pinfo.abs_ts
                    open_requests[key] = nil
                else
                    txn.updates = txn.updates + 1
                end
            end
        end
        transactions[index] = txn or false
    else
        txn = transactions[index]
    end
    if not txn then
        if mtype ~= 0 then
            item:add_proto_expert_info(ef_unpaired, "No open request #" .. request_id)
        end
        return
    end
    if mtype == 0 then
        if txn.response then
            item:add(f.response_in, txn.response):set_generated()
            item:add(f.updates, txn.updates):set_generated()
        end
    else
        item:add(f.request_in, txn.request):set_generated()
        if mtype == 1 then
            item:add(f.response_time, nstime_between(txn.response_time, txn.time)):set_generated()
        end
    end
end

-- TCP

local function tcp_context(pinfo)
    local stream = tcp_stream_field()
    return {
        conversation = "tcp" .. (stream and tostring(stream.value) or "?"),
        from = tostring(pinfo.src) .. ":" .. pinfo.src_port,
        to = tostring(pinfo.dst) .. ":" .. pinfo.dst_port,
    }
end

local function tcp_pdu_length(tvb, pinfo, offset)
    local r = tvb(offset, 4)
    local length = proto.prefs.big_endian and r:uint() or r:le_uint()
    return length + 4
end

local function dissect_tcp_pdu(tvb, pinfo, tree)
    local big_endian = proto.prefs.big_endian
    dissect_message(tvb(4):tvb(), pinfo, tree, big_endian, tcp_context(pinfo), tvb(0, 4))
    return tvb:len()
end

function proto.dissector(tvb, pinfo, tree)
    pinfo.cols.protocol = "FIZYR-RPC"
    dissect_tcp_pdus(tvb, tree, 4, tcp_pdu_length, dissect_tcp_pdu, true)
    return tvb:len()
end

local registered_ports
function proto.prefs_changed()
    local tcp = DissectorTable.get("tcp.port")
    if registered_ports and registered_ports ~= "" then
        tcp:remove(registered_ports, proto)
    end
    registered_ports = proto.prefs.tcp_ports
    if registered_ports and registered_ports ~= "" then
        tcp:add(registered_ports, proto)
    end
end

DissectorTable.get("tcp.port"):add_for_decode_as(proto)

-- Unix sockets (USER0 pseudo-header)

function unix_proto.dissector(tvb, pinfo, tree)
    pinfo.cols.protocol = "FIZYR-RPC"
    local item = tree:add(unix_proto, tvb(0, math.min(12, tvb:len())))
    if tvb:len() < 12 then
        item:add_proto_expert_info(uef_short)
        return tvb:len()
    end
    local transport = tvb(1, 1):uint()
    local direction = tvb(2, 1):uint()
    local flags = tvb(3, 1):uint()
    local connection = tvb(4, 4):uint()
    local fds = tvb(8, 4):uint()
    item:add(uf.version, tvb(0, 1))
    item:add(uf.transport, tvb(1, 1))
    item:add(uf.direction, tvb(2, 1))
    local flags_item = item:add(uf.flags, tvb(3, 1))
    flags_item:add(uf.big_endian, tvb(3, 1))
    flags_item:add(uf.event, tvb(3, 1))
    item:add(uf.connection, tvb(4, 4))
    item:add(uf.fds, tvb(8, 4))
    local transport_name = transport_names[transport] or ("transport " .. transport)
    local direction_name = direction_names[direction] or ("direction " .. direction)
    item:append_text(string.format(", connection %d, %s, %s, %d fds", connection, transport_name,
        direction_name, fds))
    pinfo.cols.src = transport_name .. " " .. connection .. (direction == 0 and " client" or " server")
    pinfo.cols.dst = transport_name .. " " .. connection .. (direction == 0 and " server" or " client")
    if bit.band(flags, 2) ~= 0 then
        local text = tvb:len() > 12 and tvb(12):string(ENC_UTF_8) or ""
        item:add(uf.event_text, tvb(12), text)
        pinfo.cols.info:set(string.format("Fizyr RPC connection %d %s", connection, text))
        return tvb:len()
    end
    local ctx = {
        conversation = "unix" .. connection,
        from = tostring(direction),
        to = tostring(1 - direction),
    }
    dissect_message(tvb(12):tvb(), pinfo, tree, bit.band(flags, 1) ~= 0, ctx, nil)
    if fds > 0 then
        pinfo.cols.info:append(string.format(" [%d fds]", fds))
    end
    return tvb:len()
end

local encaps = wtap_encaps or wtap
DissectorTable.get("wtap_encap"):add(encaps.USER0, unix_proto)
