#!/usr/bin/env python3
"""gen-packets.py: writes the packet corpus of tests/compat/filter-diff.sh.

    gen-packets.py OUTDIR      one capture per link type, OUTDIR/NAME.pcap
    gen-packets.py --list      the link type names it writes

Every capture holds a few thousand varied packets (the protocols the
expression corpus talks about, in the link-layer framings of that link
type) and truncated copies of many of them (caplen cut at every offset up
to past the transport header: BPF programs end with "reject" on an
out-of-bounds load, so every boundary matters).  Output is deterministic:
a fixed-seed generator of our own, no dependency on Python's `random`.
"""
import os
import struct
import sys

# ---------------------------------------------------------------------------
# Deterministic choices


class Rng:
    """xorshift64*: the same stream on every Python version."""

    def __init__(self, seed):
        self.s = (seed * 0x9E3779B97F4A7C15 + 1) & (2**64 - 1) or 1

    def u64(self):
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & (2**64 - 1)
        s ^= s >> 27
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & (2**64 - 1)

    def below(self, n):
        return self.u64() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, percent):
        return self.below(100) < percent

    def blob(self, n):
        return bytes(self.below(256) for _ in range(n))


# ---------------------------------------------------------------------------
# Addresses and numbers the expression corpus refers to (keep in sync with
# tests/compat/filters/README "Packet corpus contents").

V4 = ["10.0.0.1", "10.0.0.2", "10.1.2.3", "10.20.30.40", "10.0.0.255",
      "192.168.1.1", "192.168.1.100", "192.168.1.255", "192.168.2.7",
      "172.16.5.4", "172.31.255.255", "127.0.0.1", "127.1.2.3",
      "169.254.1.1", "224.0.0.1", "224.0.0.5", "224.0.0.18", "239.1.2.3",
      "255.255.255.255", "8.8.8.8", "1.2.3.4", "0.0.0.0", "128.3.4.5",
      "10.255.255.255", "192.0.2.1"]
V6 = ["2001:db8::1", "2001:db8::2", "2001:db8:1::5", "2001:db8:0:1::1",
      "fe80::1", "fe80::211:22ff:fe33:4455", "ff02::1", "ff02::2",
      "ff05::1:3", "ff0e::101", "::1", "::", "fd00::1", "fd00:1::2",
      "::ffff:10.0.0.1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"]
MACS = ["00:11:22:33:44:55", "66:77:88:99:aa:bb", "ff:ff:ff:ff:ff:ff",
        "01:00:5e:00:00:01", "01:00:5e:7f:00:05", "33:33:00:00:00:01",
        "02:00:00:00:00:01", "00:00:00:00:00:00", "08:00:20:01:02:03",
        "01:80:c2:00:00:00", "aa:00:04:00:0a:04", "00:1b:21:aa:bb:cc"]
PORTS = [0, 1, 7, 20, 21, 22, 23, 25, 53, 67, 68, 69, 80, 110, 123, 137,
         161, 162, 179, 443, 514, 520, 1023, 1024, 1194, 2049, 4789, 5060,
         6081, 8080, 8443, 33434, 65535]
VLANS = [0, 1, 2, 10, 100, 200, 1000, 4094, 4095]
MPLS_LABELS = [0, 1, 2, 3, 16, 17, 100, 1024, 0xfffff]


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def mac(a):
    return bytes(int(x, 16) for x in a.split(":"))


def be16(v):
    return struct.pack(">H", v & 0xffff)


def be32(v):
    return struct.pack(">I", v & 0xffffffff)


def le16(v):
    return struct.pack("<H", v & 0xffff)


def le32(v):
    return struct.pack("<I", v & 0xffffffff)


# ---------------------------------------------------------------------------
# Transport layer

TCP_FLAGS = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x29, 0x3f,
             0x00, 0xc2, 0x40, 0x80, 0x08, 0x20, 0xff]


def payload(r):
    n = r.pick([0, 0, 1, 4, 12, 30, 64, 100, 180])
    if r.chance(4):
        n = 500 + r.below(1000)
    return r.blob(n)


def tcp(r, sport, dport):
    optlen = r.pick([0, 0, 0, 4, 12, 20, 40])
    opts = bytes([2, 4, 5, 0xb4]) + bytes(max(0, optlen - 4)) if optlen else b""
    off = (20 + len(opts)) // 4
    return (be16(sport) + be16(dport) + be32(r.u64()) + be32(r.u64()) +
            bytes([off << 4, r.pick(TCP_FLAGS)]) + be16(r.below(65536)) +
            be16(0) + be16(r.pick([0, 0, 5])) + opts + payload(r))


def udp(r, sport, dport, body=None):
    body = payload(r) if body is None else body
    return be16(sport) + be16(dport) + be16(8 + len(body)) + be16(0) + body


def sctp(r, sport, dport):
    return be16(sport) + be16(dport) + be32(r.u64()) + be32(0) + r.blob(16)


ICMP_TYPES = [0, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 40, 255]
ICMP6_TYPES = [1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137,
               138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149,
               151, 152, 153, 200, 255]


def icmp(r, types):
    return bytes([r.pick(types), r.pick([0, 0, 1, 3, 13])]) + be16(0) + \
        r.blob(4 + r.pick([0, 8, 28]))


def igmp(r):
    return bytes([r.pick([0x11, 0x12, 0x16, 0x17, 0x22])]) + bytes(3) + \
        ip4(r.pick(V4))


def pim(r):
    return bytes([0x20 | r.pick([0, 1, 2, 3, 4, 5, 8, 9])]) + bytes(3) + r.blob(8)


def vrrp(r):
    return bytes([0x21, r.below(256), 100, 1]) + bytes(4) + ip4(r.pick(V4))


def gre(r, depth):
    etype, inner = l3_packet(r, depth + 1)
    flags = r.pick([0, 0x2000, 0x8000])
    extra = r.blob(4) if flags else b""
    return be16(flags) + be16(etype) + extra + inner


COMMON_PORTS = [22, 23, 53, 80, 443, 8080]


def port(r):
    return r.pick(COMMON_PORTS) if r.chance(40) else r.pick(PORTS)


def transport(r, proto, depth, v6=False):
    """Body for IP protocol PROTO."""
    sp, dp = port(r), port(r)
    if proto == 6:
        return tcp(r, sp, dp)
    if proto == 17:
        if depth == 0 and r.chance(12):
            return tunnel_udp(r, depth)
        return udp(r, sp, dp)
    if proto == 132:
        return sctp(r, sp, dp)
    if proto == 1:
        return icmp(r, ICMP_TYPES)
    if proto == 58:
        return icmp(r, ICMP6_TYPES)
    if proto == 2:
        return igmp(r)
    if proto == 103:
        return pim(r)
    if proto == 112:
        return vrrp(r)
    if proto == 47 and depth < 2:
        return gre(r, depth)
    if proto == 4 and depth < 2:
        return ipv4(r, depth + 1)
    if proto == 41 and depth < 2:
        return ipv6(r, depth + 1)
    return r.blob(r.pick([0, 8, 24]))


def tunnel_udp(r, depth):
    """UDP carrying Geneve (6081) or VXLAN (4789)."""
    if r.chance(60):
        optlen = r.pick([0, 0, 1, 2, 5, 63])
        if r.chance(60):
            proto, inner = 0x6558, ethernet_frame(r, depth + 1)
        else:
            proto, inner = l3_packet(r, depth + 1)
        hdr = bytes([optlen, r.pick([0, 0x40, 0x80])]) + be16(proto) + \
            be32(r.pick([0, 1, 0xabcdef, 0xffffff]) << 8) + r.blob(4 * optlen)
        return udp(r, r.pick(PORTS), 6081, hdr + inner)
    hdr = bytes([0x08, 0, 0, 0]) + be32(r.pick([0, 1, 100, 0xffffff]) << 8)
    return udp(r, r.pick(PORTS), 4789, hdr + ethernet_frame(r, depth + 1))


# ---------------------------------------------------------------------------
# Network layer: (ethertype, bytes)

IP_PROTOS = [6] * 8 + [17] * 6 + [1, 1, 132, 2, 103, 112, 47, 50, 51, 4, 41,
                                   89, 0, 255, 58, 94, 115]
IP6_PROTOS = [6] * 6 + [17] * 5 + [58, 58, 58, 132, 103, 47, 89, 4, 41, 59,
                                   50, 112, 1]


def ipv4(r, depth=0, proto=None):
    proto = r.pick(IP_PROTOS) if proto is None else proto
    ihl = 5 if r.chance(75) else r.pick([6, 7, 10, 15])
    opts = bytes([0x94, 4, 0, 0]) + bytes(4 * (ihl - 6)) if ihl > 5 else b""
    frag = 0
    if r.chance(10):
        frag = r.pick([0x2000, 0x2000 | 185, 185, 1, 0x1fff, 0x4000 | 7])
    elif r.chance(50):
        frag = 0x4000
    if proto == 51:
        body = bytes([r.pick([6, 17, 1]), 4]) + bytes(2) + be32(r.u64()) + \
            be32(1) + r.blob(12) + transport(r, 6, depth)
    elif proto == 50:
        body = be32(r.u64()) + be32(r.below(100)) + r.blob(r.pick([8, 40]))
    else:
        body = transport(r, proto, depth)
    total = 4 * ihl + len(body)
    hdr = bytes([0x40 | ihl, r.pick([0, 0, 0x10, 0xb8, 0xff])]) + \
        be16(total) + be16(r.below(65536)) + be16(frag) + \
        bytes([r.pick([1, 64, 255]), proto]) + be16(0) + \
        ip4(r.pick(V4)) + ip4(r.pick(V4))
    return hdr + opts + body


EXT_HEADERS = [0, 43, 44, 60, 51]


def ipv6_ext(r, kind, nxt):
    if kind == 44:
        return bytes([nxt, 0]) + be16(r.pick([0, 1, 8, 0x10 | 1])) + be32(r.u64())
    if kind == 51:
        return bytes([nxt, 4]) + bytes(2) + be32(r.u64()) + be32(1) + r.blob(12)
    n = r.pick([0, 0, 1, 2])
    return bytes([nxt, n]) + (bytes([r.pick([0, 2, 4]), 0]) if kind == 43
                              else bytes(2)) + bytes(4 + 8 * n)


def ipv6(r, depth=0, proto=None):
    final = r.pick(IP6_PROTOS) if proto is None else proto
    chain = []
    if r.chance(35):
        chain = [r.pick(EXT_HEADERS) for _ in range(1 + r.below(4))]
        if r.chance(50) and 0 in chain:
            chain.remove(0)
            chain.insert(0, 0)
    if final == 50:
        body = be32(r.u64()) + be32(1) + r.blob(24)
    elif final == 59:
        body = r.blob(r.pick([0, 8]))
    else:
        body = transport(r, final, depth, v6=True)
    nxt = final
    for kind in reversed(chain):
        body = ipv6_ext(r, kind, nxt) + body
        nxt = kind
    hdr = be32(0x60000000 | r.below(1 << 20) | (r.pick([0, 0, 0xb8]) << 20)) + \
        be16(len(body)) + bytes([nxt, r.pick([1, 64, 255])]) + \
        ip6(r.pick(V6)) + ip6(r.pick(V6))
    return hdr + body


def arp(r, etype):
    hw = r.pick([1, 1, 1, 6, 0x18])
    return be16(hw) + be16(0x0800) + bytes([6, 4]) + \
        be16(r.pick([1, 2, 3, 4])) + mac(r.pick(MACS)) + ip4(r.pick(V4)) + \
        mac(r.pick(MACS)) + ip4(r.pick(V4))


def decnet(r):
    area_addr = r.pick([0x0401, 0x0a04, 0x1234, 0xfc01])
    pad = r.pick([b"", b"\x81", b"\x83\x00\x00"])
    if r.chance(50):
        route = bytes([0x26]) + bytes(2) + b"\xaa\x00\x04\x00" + \
            le16(area_addr) + bytes(2) + b"\xaa\x00\x04\x00" + \
            le16(r.pick([0x0401, 0x0402, 0x2c10])) + bytes(4)
    else:
        route = bytes([0x02]) + le16(area_addr) + le16(0x0402) + bytes(1)
    body = pad + route + r.blob(8)
    return le16(len(body)) + body


OTHER_ETHERTYPES = [0x8137, 0x809b, 0x80f3, 0x6001, 0x6002, 0x6004, 0x6007,
                    0x88cc, 0x888e, 0x9000, 0x0842, 0x22f0, 0x88f7, 0x8035,
                    0x0200, 0x0600, 0x05dc, 0x05ff, 0xffff, 0x8100, 0x8863,
                    0x8864, 0x8847, 0x8848]


def l3_packet(r, depth=0):
    """A network-layer packet: (ethertype, bytes)."""
    k = r.below(100)
    if k < 42:
        return 0x0800, ipv4(r, depth)
    if k < 72:
        return 0x86dd, ipv6(r, depth)
    if k < 78:
        return 0x0806, arp(r, 0x0806)
    if k < 80:
        return 0x8035, arp(r, 0x8035)
    if k < 84:
        return 0x6003, decnet(r)
    return r.pick(OTHER_ETHERTYPES), r.blob(r.pick([0, 2, 28, 46]))


# ---------------------------------------------------------------------------
# LLC frames (what 802.3, FDDI, token ring, 802.11 and ATM carry)

ISIS_PDUS = [15, 16, 17, 18, 20, 24, 25, 26, 27, 1, 31]


def llc_frame(r, depth=0):
    """An LLC PDU (starting with DSAP) or SNAP-encapsulated packet."""
    k = r.below(100)
    if k < 55:
        etype, pkt = l3_packet(r, depth)
        return b"\xaa\xaa\x03\x00\x00\x00" + be16(etype) + pkt
    if k < 60:
        return b"\xaa\xaa\x03\x08\x00\x07\x80\x9b" + r.blob(20)
    if k < 63:
        return b"\xaa\xaa\x03" + r.blob(3) + be16(r.pick(OTHER_ETHERTYPES)) + r.blob(8)
    if k < 70:
        return b"\x42\x42\x03" + bytes(3) + r.blob(32)
    if k < 74:
        return b"\xe0\xe0\x03" + b"\xff\xff" + r.blob(28)
    if k < 77:
        return b"\xf0\xf0" + r.pick([b"\x03", b"\x00\x00"]) + r.blob(20)
    if k < 92:
        nlpid = r.pick([0x83, 0x83, 0x83, 0x81, 0x82, 0x8e, 0xcc])
        return b"\xfe\xfe\x03" + bytes([nlpid, 27, 1, 0, r.pick(ISIS_PDUS),
                                       1, 0, 0]) + r.blob(24)
    return bytes([r.pick([0x06, 0x04, 0x98, 0xbc, 0x7f, 0x00, 0xaa]),
                  r.pick([0x06, 0x05, 0x98, 0xff, 0x01]),
                  r.pick([0x03, 0xf3, 0xaf, 0xe3, 0x00, 0x01, 0xbf])]) + \
        r.blob(r.pick([0, 1, 20]))


def l2_payload(r, depth=0, llc_share=25):
    """('etype', ethertype, bytes) or ('llc', bytes)."""
    if r.chance(llc_share):
        return ("llc", llc_frame(r, depth))
    etype, pkt = l3_packet(r, depth)
    return ("etype", etype, pkt)


# ---------------------------------------------------------------------------
# Ethernet with its stacks: VLAN/QinQ, MPLS, PPPoE


def mpls_stack(r, inner_version):
    n = r.pick([1, 1, 2, 3])
    out = b""
    for i in range(n):
        label = r.pick(MPLS_LABELS)
        if i == n - 1 and r.chance(50):
            label = 0 if inner_version == 4 else 2
        out += be32((label << 12) | (r.below(8) << 9) |
                    (0x100 if i == n - 1 else 0) | r.pick([1, 64, 255]))
    return out


def pppoe_session(r, depth):
    proto, body = r.pick([(0x0021, None), (0x0021, None), (0x0057, None),
                          (0xc021, b"\x01\x01\x00\x04"), (0x8021, None),
                          (0x002b, None), (0x0023, None)])
    if body is None:
        if proto == 0x0021:
            body = ipv4(r, depth)
        elif proto == 0x0057:
            body = ipv6(r, depth)
        else:
            body = r.blob(12)
    sess = r.pick([0x3b, 0x3b, 1, 0, 0xffff, 0x1234])
    return b"\x11\x00" + be16(sess) + be16(len(body) + 2) + be16(proto) + body


def pppoe_discovery(r):
    tags = b"\x01\x01\x00\x00\x01\x03\x00\x04" + r.blob(4)
    return bytes([0x11, r.pick([0x09, 0x07, 0x19, 0x65, 0xa7])]) + \
        be16(r.pick([0, 0x3b])) + be16(len(tags)) + tags


def ethertype_stack(r, depth):
    """(ethertype, bytes after it): the encapsulations Ethernet carries."""
    k = r.below(100)
    if k < 18:
        tags = b""
        ntags = r.pick([1, 1, 2, 3])
        first = None
        for i in range(ntags):
            tpid = r.pick([0x8100, 0x8100, 0x88a8, 0x9100])
            tci = (r.below(8) << 13) | r.pick(VLANS)
            if first is None:
                first = tpid
            else:
                tags += be16(tpid)
            tags += be16(tci)
        etype, rest = ethertype_stack(r, depth) if r.chance(30) else \
            l3_packet(r, depth)
        return first, tags + be16(etype) + rest
    if k < 28:
        version = r.pick([4, 4, 6, 0])
        if version == 4:
            pkt = ipv4(r, depth)
        elif version == 6:
            pkt = ipv6(r, depth)
        else:
            pkt = r.blob(20)
        return r.pick([0x8847, 0x8847, 0x8848]), mpls_stack(r, version) + pkt
    if k < 35:
        return 0x8864, pppoe_session(r, depth)
    if k < 38:
        return 0x8863, pppoe_discovery(r)
    return l3_packet(r, depth)


def ethernet_frame(r, depth=0):
    dst, src = mac(r.pick(MACS)), mac(r.pick(MACS))
    if r.chance(22):
        if r.chance(12):
            body = b"\xff\xff" + r.blob(30)      # Novell "raw" 802.3
        else:
            body = llc_frame(r, depth)
        return dst + src + be16(len(body)) + body
    etype, rest = ethertype_stack(r, depth)
    return dst + src + be16(etype) + rest


# ---------------------------------------------------------------------------
# IEEE 802.11 and the headers in front of it


def wlan_frame(r):
    a = [mac(r.pick(MACS)) for _ in range(4)]
    kind = r.below(100)
    flags = r.pick([0, 0, 0x01, 0x02, 0x03, 0x08, 0x10, 0x40, 0x80, 0x41, 0x42])
    if kind < 55:       # data
        subtype = r.pick([0, 0, 8, 8, 4, 12, 1, 2, 3, 9, 10])
        fc = bytes([0x08 | (subtype << 4), flags])
        hdr = fc + be16(r.below(32768)) + a[0] + a[1] + a[2] + be16(r.below(65536))
        if flags & 3 == 3:
            hdr += a[3]
        if subtype & 8:
            hdr += le16(r.pick([0, 7, 0x80]))
            if flags & 0x80:
                hdr += r.blob(4)
        body = b"" if subtype & 4 else llc_frame(r)
        if flags & 0x40:
            body = r.blob(8) + body[:30]
        return hdr, body
    if kind < 80:       # management
        subtype = r.pick([0, 1, 2, 3, 4, 5, 8, 8, 9, 10, 11, 12, 13, 14, 15, 6])
        fc = bytes([subtype << 4, flags & 0xfc])
        return fc + be16(314) + a[0] + a[1] + a[2] + be16(r.below(65536)), \
            r.blob(r.pick([0, 12, 40]))
    subtype = r.pick([7, 8, 9, 10, 11, 12, 13, 14, 15, 4, 5, 6])   # control
    fc = bytes([0x04 | (subtype << 4), flags & 0xfc])
    if subtype in (12, 13):
        return fc + be16(0) + a[0], b""
    if subtype == 7:
        return fc + be16(0) + a[0] + r.blob(6), b""
    hdr = fc + be16(r.below(32768)) + a[0] + a[1]
    return hdr, r.blob(4 if subtype in (8, 9) else 0)


def radiotap(r, hdrlen_802_11):
    """A radiotap header and the padding it implies for the 802.11 header."""
    k = r.below(7)
    datapad = r.chance(40)
    flags = (0x20 if datapad else 0) | r.pick([0, 0x10, 0x02])
    if k == 0:
        present, fields, flags_seen = [0], b"", False
    elif k == 1:
        present, fields, flags_seen = [0x2], bytes([flags]), True
    elif k == 2:
        present, fields, flags_seen = [0x3], r.blob(8) + bytes([flags]), True
    elif k == 3:
        present, fields, flags_seen = [0x0000000e], \
            bytes([flags, 2]) + le16(2412) + le16(0xa0), True
    elif k == 4:
        present, fields, flags_seen = [0x80000002, 0x00000001], \
            bytes(4) + bytes([flags]), True
    elif k == 5:
        present, fields, flags_seen = [0x0000482f], r.blob(8) + \
            bytes([flags, 2]) + le16(2437) + le16(0xc0) + r.blob(2) + \
            bytes(2) + r.blob(6), True
    else:
        present, fields, flags_seen = [0x00000001], r.blob(8), False
    body = b"".join(le32(p) for p in present) + fields
    length = 4 + len(body)
    hdr = bytes([0, 0]) + le16(length) + body
    pad = 0
    if flags_seen and datapad:
        pad = (-hdrlen_802_11) % 4
    return hdr, pad


def wlan_with_prefix(r, prefix):
    hdr, body = wlan_frame(r)
    if prefix == "radiotap":
        rt, pad = radiotap(r, len(hdr))
        return rt + hdr + bytes(pad) + body
    if prefix == "prism":
        if r.chance(30):     # AVS header inside a Prism capture
            avs = be32(0x80211001) + be32(64) + r.blob(56)
            return avs + hdr + body
        return le32(0x41) + le32(144) + r.blob(136) + hdr + body
    if prefix == "avs":
        n = r.pick([64, 64, 72, 32])
        return be32(0x80211001) + be32(n) + r.blob(n - 8) + hdr + body
    if prefix == "ppi":
        n = r.pick([8, 8, 32, 20])
        return bytes([0, 0]) + le16(n) + le32(105) + r.blob(n - 8) + hdr + body
    return hdr + body


# ---------------------------------------------------------------------------
# Link types: each returns one frame


def sll_protocol(r, p):
    if p[0] == "llc":
        return r.pick([0x0004, 0x0004, 0x0001]), p[1]
    return p[1], p[2]


def frame_sll(r):
    proto, body = sll_protocol(r, l2_payload(r, llc_share=8))
    if r.chance(10):
        proto, body = ethertype_stack(r, 0)
    hatype = r.pick([1, 1, 1, 772, 512, 776, 778, 0xfffe, 24])
    return be16(r.pick([0, 0, 1, 2, 3, 4, 4, 5])) + be16(hatype) + \
        be16(r.pick([6, 6, 0, 8])) + mac(r.pick(MACS)) + bytes(2) + \
        be16(proto) + body


def frame_sll2(r):
    proto, body = sll_protocol(r, l2_payload(r, llc_share=8))
    if r.chance(10):
        proto, body = ethertype_stack(r, 0)
    return be16(proto) + bytes(2) + be32(r.pick([1, 2, 3, 7, 1000, 0])) + \
        be16(r.pick([1, 1, 772, 512, 776])) + \
        bytes([r.pick([0, 0, 1, 2, 3, 4, 4]), 6]) + mac(r.pick(MACS)) + bytes(2) + body


def raw_ip(r, versions=(4, 6)):
    v = r.pick(versions)
    if r.chance(3):
        return r.blob(r.pick([1, 20, 40]))
    return ipv4(r) if v == 4 else ipv6(r)


AF_VALUES = [2, 2, 2, 10, 24, 28, 30, 7, 23, 0, 0x02000000, 0x18000000]


def frame_null(r, order):
    af = r.pick(AF_VALUES)
    body = ipv6(r) if af in (10, 24, 28, 30, 0x18000000) else \
        (ipv4(r) if af in (2, 0x02000000) else r.blob(30))
    return (le32(af) if order == "<" else be32(af)) + body


PPP_PROTOS = [0x0021, 0x0021, 0x0057, 0x0057, 0x002b, 0x0029, 0x0023,
              0x8021, 0x8057, 0xc021, 0xc023, 0x0031, 0x0281, 0x003d,
              0x0201, 0x8001, 0x0025, 0x00fd]


def ppp_body(r, proto):
    if proto == 0x0021:
        return ipv4(r)
    if proto == 0x0057:
        return ipv6(r)
    if proto == 0x0281:
        return mpls_stack(r, 4) + ipv4(r)
    return r.blob(r.pick([4, 20]))


def frame_ppp(r):
    proto = r.pick(PPP_PROTOS)
    lead = r.pick([b"\xff\x03", b"\xff\x03", b"\xff\x03", b"\x0f\x00", b"\x00\x21"])
    return lead + be16(proto) + ppp_body(r, proto)


def frame_ppp_pppd(r):
    proto = r.pick(PPP_PROTOS)
    return bytes([r.pick([0, 1])]) + b"\x03" + be16(proto) + ppp_body(r, proto)


def frame_ppp_ether(r):
    proto = r.pick(PPP_PROTOS)
    body = ppp_body(r, proto)
    return b"\x11\x00" + be16(0x3b) + be16(len(body) + 2) + be16(proto) + body


def frame_ppp_bsdos(r):
    proto = r.pick(PPP_PROTOS)
    return bytes([r.pick([0, 1]), 2, 0xff, 0x03, 0]) + be16(proto) + \
        bytes(17) + ppp_body(r, proto)


def frame_chdlc(r):
    p = l2_payload(r, llc_share=0)
    return bytes([r.pick([0x0f, 0x0f, 0x8f]), 0]) + be16(p[1]) + p[2]


def frame_ethernet(r):
    return ethernet_frame(r)


def frame_netanalyzer(r):
    return r.blob(4) + ethernet_frame(r)


def frame_netanalyzer_transparent(r):
    return r.blob(4) + b"\x55" * 7 + b"\xd5" + ethernet_frame(r)


def frame_fddi(r):
    return bytes([r.pick([0x50, 0x51, 0x57, 0x41])]) + mac(r.pick(MACS)) + \
        mac(r.pick(MACS)) + llc_frame(r)


def frame_token_ring(r):
    return bytes([0x10, r.pick([0x40, 0x40, 0x00])]) + mac(r.pick(MACS)) + \
        mac(r.pick(MACS)) + llc_frame(r)


def frame_ip_over_fc(r):
    return r.blob(2) + mac(r.pick(MACS)) + r.blob(2) + mac(r.pick(MACS)) + \
        llc_frame(r)


def frame_atm_llc(r):
    return llc_frame(r)


ARC_TYPES = [0xd4, 0xf0, 0xd5, 0xf1, 0xd6, 0xdd, 0xfa, 0xc4, 0xcd, 0x80,
             0xe8, 0xe0, 0x00]


def arc_body(r, t):
    if t in (0xd4, 0xf0):
        return ipv4(r)
    if t == 0xc4:
        return ipv6(r)
    if t in (0xd5, 0xf1, 0xd6):
        return arp(r, 0x0806)
    return r.blob(20)


def frame_arcnet(r, linux):
    t = r.pick(ARC_TYPES)
    src, dst = r.pick([0x01, 0x10, 0xff, 0x00, 0x7f]), r.pick([0x00, 0x01, 0x20, 0xff])
    hdr = bytes([src, dst]) + (bytes(2) if linux else b"")
    split = bytes([0, 0]) + be16(r.below(65536)) if t not in (0xf0, 0xf1) else b""
    return hdr + bytes([t]) + split[:3] + arc_body(r, t)


def frame_sunatm(r):
    vpi = r.pick([0, 0, 0, 1, 5, 255])
    vci = r.pick([1, 2, 3, 4, 5, 16, 32, 100, 0])
    kind = r.pick([0, 1, 2, 2, 2])
    flags = r.pick([0, 0x80]) | kind
    if kind == 1:
        body = b"\xff\x00" + ethernet_frame(r)
    elif kind == 2:
        body = llc_frame(r)
    else:
        body = bytes([0x09, 0x03, 0, 0, 0x1a, r.pick([0x02, 0x07, 0x0f, 0x05,
                                                       0x4d, 0x5a, 0x0d])]) + r.blob(20)
    return bytes([flags, vpi]) + be16(vci) + body


def mtp3(r):
    sio = r.pick([0x03, 0x05, 0x83, 0x85, 0x0a, 0x00, 0xff, 0xc5])
    dpc, opc, sls = r.pick([0, 1, 100, 8191, 16383]), \
        r.pick([0, 2, 200, 16383]), r.pick([0, 1, 15])
    label = dpc | (opc << 14) | (sls << 28)
    return bytes([sio]) + le32(label) + r.blob(r.pick([0, 6, 20]))


def frame_mtp2(r, phdr):
    li = r.pick([0, 1, 2, 3, 20, 63])
    head = r.blob(4) if phdr else b""
    if r.chance(20):     # high-speed links: 9-bit length
        return head + r.blob(2) + le16(li) + (mtp3(r) if li > 2 else b"")
    return head + r.blob(2) + bytes([li | r.pick([0, 0x40, 0xc0])]) + \
        (mtp3(r) if li > 2 else b"")


def frame_mtp3(r):
    return mtp3(r)


def frame_pflog(r):
    af = r.pick([2, 2, 2, 10, 24, 28, 30])
    body = ipv6(r) if af != 2 else ipv4(r)
    hdrlen = r.pick([61, 61, 61, 64, 48, 45])
    ifname = r.pick([b"lo0", b"em0", b"pflog0", b"xl1", b""]).ljust(16, b"\0")
    ruleset = r.pick([b"", b"main", b"nat"]).ljust(16, b"\0")
    hdr = bytes([hdrlen, af, r.pick([0, 1, 2, 3, 4, 5, 8]),
                 r.pick([0, 1, 2, 3, 8])]) + ifname + ruleset + \
        be32(r.pick([0, 1, 5, 0xffffffff])) + be32(r.pick([0, 2, 0xffffffff])) + \
        be32(0) + be32(0) + be32(0) + be32(0) + bytes([r.pick([0, 1, 2, 3])]) + bytes(3)
    hdr = hdr[:((hdrlen + 3) & ~3)].ljust((hdrlen + 3) & ~3, b"\0")
    return hdr + body


def frame_ipnet(r):
    fam = r.pick([2, 2, 26, 26, 0])
    body = ipv4(r) if fam == 2 else (ipv6(r) if fam == 26 else r.blob(20))
    return bytes([1, fam]) + be16(0) + be32(len(body)) + be32(r.below(5)) + \
        bytes(12) + body


def frame_nflog(r):
    fam = r.pick([2, 10, 0, 7])
    body = ipv4(r) if fam == 2 else ipv6(r)
    tlv = le16(8) + le16(1) + be16(0x0800) + bytes([0, 0])
    return bytes([fam, 0]) + be16(r.below(5)) + tlv + le16(4 + len(body)) + \
        le16(9) + body


def frame_enc(r):
    af = r.pick([2, 2, 24, 10, 28])
    body = ipv4(r) if af == 2 else ipv6(r)
    return le32(af) + be32(r.u64()) + be32(r.pick([0, 1, 0x400])) + body


def frame_slip(r, hdrlen):
    return bytes([r.pick([0, 1])]) + r.blob(hdrlen - 1) + raw_ip(r)


def frame_ltalk(r):
    return bytes([r.below(256), r.below(256), r.pick([1, 2, 0x81])]) + r.blob(20)


def frame_frelay(r):
    q922 = r.pick([b"\x04\x01", b"\x18\x41", b"\x00\x01"])
    k = r.below(6)
    if k == 0:
        return q922 + b"\x03\xcc" + ipv4(r)
    if k == 1:
        return q922 + b"\x03\x8e" + ipv6(r)
    if k == 2:
        return q922 + b"\x03\x00\x80\x00\x00\x00\x08\x00" + ipv4(r)
    if k == 3:
        return q922 + b"\x03" + bytes([r.pick([0x81, 0x82, 0x83])]) + \
            bytes([27, 1, 0, r.pick(ISIS_PDUS)]) + r.blob(20)
    return q922 + b"\x03\x08" + r.blob(12)


def frame_symantec(r):
    etype, pkt = l3_packet(r)
    return bytes(6) + be16(etype) + bytes(36) + pkt


def frame_ieee1394(r):
    etype, pkt = l3_packet(r)
    return r.blob(8) + r.blob(8) + be16(etype) + pkt


def frame_juniper(r):
    return b"MGC" + bytes([r.pick([0, 1, 0x80, 0x81])]) + r.blob(4) + raw_ip(r)


def frame_opaque(r):
    return r.blob(r.pick([0, 4, 20, 60, 200]))


def frame_bacnet(r):
    return b"\x55\xff" + bytes([r.below(8), r.below(256), r.below(256)]) + \
        be16(8) + r.blob(10)


def frame_dsa_brcm(r):
    f = ethernet_frame(r)
    return f[:12] + r.blob(4) + f[12:]


def frame_dsa(r):
    f = ethernet_frame(r)
    return f[:12] + r.blob(4) + f[12:]


# name: (LINKTYPE number in the file, frame builder, count)
LINKS = {
    "EN10MB": (1, frame_ethernet, 3000),
    "LINUX_SLL": (113, frame_sll, 2000),
    "LINUX_SLL2": (276, frame_sll2, 2000),
    "RAW": (101, raw_ip, 1500),
    "IPV4": (228, lambda r: raw_ip(r, (4, 4, 4, 6)), 1000),
    "IPV6": (229, lambda r: raw_ip(r, (6, 6, 6, 4)), 1000),
    "NULL": (0, lambda r: frame_null(r, "<"), 1200),
    "LOOP": (108, lambda r: frame_null(r, ">"), 1000),
    "ENC": (109, frame_enc, 600),
    "PPP": (9, frame_ppp, 1500),
    "PPP_SERIAL": (50, frame_ppp, 800),
    "PPP_PPPD": (166, frame_ppp_pppd, 800),
    "PPP_ETHER": (51, frame_ppp_ether, 800),
    "PPP_BSDOS": (103, frame_ppp_bsdos, 600),
    "C_HDLC": (104, frame_chdlc, 1000),
    "IEEE802_11": (105, lambda r: wlan_with_prefix(r, None), 2500),
    "IEEE802_11_RADIO": (127, lambda r: wlan_with_prefix(r, "radiotap"), 2500),
    "PRISM_HEADER": (119, lambda r: wlan_with_prefix(r, "prism"), 800),
    "IEEE802_11_RADIO_AVS": (163, lambda r: wlan_with_prefix(r, "avs"), 800),
    "PPI": (192, lambda r: wlan_with_prefix(r, "ppi"), 800),
    "FDDI": (10, frame_fddi, 1200),
    "IEEE802": (6, frame_token_ring, 1200),
    "IP_OVER_FC": (122, frame_ip_over_fc, 600),
    "ATM_RFC1483": (100, frame_atm_llc, 600),
    "ATM_CLIP": (106, frame_atm_llc, 400),
    "SUNATM": (123, frame_sunatm, 1200),
    "ARCNET": (7, lambda r: frame_arcnet(r, False), 800),
    "ARCNET_LINUX": (129, lambda r: frame_arcnet(r, True), 800),
    "MTP2": (140, lambda r: frame_mtp2(r, False), 1000),
    "MTP2_WITH_PHDR": (139, lambda r: frame_mtp2(r, True), 600),
    "MTP3": (141, frame_mtp3, 600),
    "PFLOG": (117, frame_pflog, 1200),
    "IPNET": (226, frame_ipnet, 800),
    "NFLOG": (239, frame_nflog, 300),
    "SLIP": (8, lambda r: frame_slip(r, 16), 600),
    "SLIP_BSDOS": (102, lambda r: frame_slip(r, 24), 400),
    "LTALK": (114, frame_ltalk, 200),
    "FRELAY": (107, frame_frelay, 600),
    "SYMANTEC_FIREWALL": (99, frame_symantec, 400),
    "APPLE_IP_OVER_IEEE1394": (138, frame_ieee1394, 400),
    "NETANALYZER": (240, frame_netanalyzer, 600),
    "NETANALYZER_TRANSPARENT": (241, frame_netanalyzer_transparent, 600),
    "JUNIPER_MLPPP": (130, frame_juniper, 200),
    "JUNIPER_ETHER": (178, frame_juniper, 200),
    "BACNET_MS_TP": (165, frame_bacnet, 200),
    "DSA_TAG_BRCM": (281, frame_dsa_brcm, 300),
    "DSA_TAG_DSA": (284, frame_dsa, 300),
    "USB_LINUX": (189, frame_opaque, 100),
    "DOCSIS": (143, frame_opaque, 100),
}

# Written in the other byte order too (compiled on their savefile handle,
# libpcap byte-swaps the address family constants).
SWAPPED = {"NULL", "LOOP", "ENC", "PFLOG"}

# ---------------------------------------------------------------------------
# Truncation and output


def truncations(frame):
    """Cut points: every length up to 100 bytes, then every 7th."""
    n = len(frame)
    cuts = list(range(0, min(n, 100)))
    cuts += list(range(100, n, 7))
    return cuts


def build(name):
    linktype, builder, count = LINKS[name]
    r = Rng(sum(name.encode()) * 7919 + len(name))
    frames = [builder(r) for _ in range(count)]
    out = [(f, len(f)) for f in frames]
    # About as many truncated copies of every 8th frame, cut at offsets
    # sampled evenly (so across frames of one kind every offset occurs),
    # keeping the original length as the wire length.
    cuts = [(f, cut) for f in frames[::8] for cut in truncations(f)]
    keep = min(1000, 1000 * count // max(1, len(cuts)))
    for f, cut in cuts:
        if r.below(1000) < keep:
            out.append((f[:cut], len(f)))
    return linktype, out


def write_pcap(path, linktype, packets, order="<"):
    with open(path, "wb") as fh:
        fh.write(struct.pack(order + "IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0,
                             262144, linktype))
        for i, (data, wirelen) in enumerate(packets):
            fh.write(struct.pack(order + "IIII", 1600000000 + i // 1000,
                                 i % 1000 * 1000, len(data), wirelen))
            fh.write(data)


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(LINKS))
        return 0
    if len(argv) != 2:
        sys.stderr.write("usage: gen-packets.py OUTDIR | --list\n")
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in LINKS:
        linktype, packets = build(name)
        write_pcap(os.path.join(outdir, name + ".pcap"), linktype, packets)
        if name in SWAPPED:
            write_pcap(os.path.join(outdir, name + ".swapped.pcap"), linktype,
                       packets[::3], order=">")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
