#!/usr/bin/env python3
"""A tiny authoritative DNS responder for the e2e tests (UDP only).

dns_responder.py ADDR PORT READY_FILE NAME=IP,IP... [NAME=...]
Answers A queries for each NAME with its IPv4 addresses (TTL 300), AAAA
and other types with no records, unknown names with NXDOMAIN. Writes
READY_FILE once bound. Runs until killed.
"""
import socket
import struct
import sys


def qname(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels).lower(), off + 1


def answer(msg, table):
    ident, flags = struct.unpack("!HH", msg[:4])
    name, off = qname(msg, 12)
    qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
    question = msg[12:off + 4]
    addrs = table.get(name)
    rcode = 0 if addrs is not None else 3
    records = b""
    count = 0
    if addrs and qtype == 1 and qclass == 1:
        for ip in addrs:
            records += struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + socket.inet_aton(ip)
            count += 1
    head = struct.pack("!HHHHHH", ident, 0x8400 | (flags & 0x0100) | rcode, 1, count, 0, 0)
    return head + question + records


def main():
    addr, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    table = {}
    for arg in sys.argv[4:]:
        name, ips = arg.split("=", 1)
        table[name.lower()] = [ip for ip in ips.split(",") if ip]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    with open(ready, "w") as f:
        f.write("ready\n")
    while True:
        msg, peer = s.recvfrom(4096)
        try:
            s.sendto(answer(msg, table), peer)
        except (IndexError, struct.error):
            continue


if __name__ == "__main__":
    main()
