"""Kafka framing for the harness's own servers (sasl_front.py): frames, varints, tagged fields,
strings and bytes as the protocol writes them. Standard library only."""
import struct


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(sock):
    (size,) = struct.unpack(">i", read_exact(sock, 4))
    if size < 0 or size > 200 << 20:
        raise ConnectionError("bad frame size %d" % size)
    return read_exact(sock, size)


def send_frame(sock, body):
    sock.sendall(struct.pack(">i", len(body)) + body)


def uvarint(data, pos):
    shift = value = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def put_uvarint(value):
    out = b""
    while value >= 0x80:
        out += bytes([(value & 0x7F) | 0x80])
        value >>= 7
    return out + bytes([value])


def skip_tags(data, pos):
    n, pos = uvarint(data, pos)
    for _ in range(n):
        _, pos = uvarint(data, pos)
        size, pos = uvarint(data, pos)
        pos += size
    return pos


def kafka_bytes(data, flexible):
    return (put_uvarint(len(data) + 1) if flexible else struct.pack(">i", len(data))) + data


def kafka_string(text, flexible):
    if text is None:
        return b"\x00" if flexible else struct.pack(">h", -1)
    raw = text.encode()
    return (put_uvarint(len(raw) + 1) if flexible else struct.pack(">h", len(raw))) + raw
