"""Reads the objects of an installed R package's lazy-load data (data/Rdata.rdx + data/Rdata.rdb).

Just enough of R's XDR serialization (versions 2 and 3) for character vectors and named lists,
so that the corpus can be rebuilt from the Debian package without R installed.
"""
import gzip
import struct
import zlib

# SEXP types (R Internals, "Serialization formats")
SYMSXP, LISTSXP, LANGSXP, CHARSXP, LGLSXP, INTSXP, REALSXP, STRSXP, DOTSXP, VECSXP, EXPRSXP = \
    1, 2, 6, 9, 10, 13, 14, 16, 17, 19, 20
REFSXP = 255
EMPTY = {254, 253, 252, 251, 242, 241}  # NILVALUE, GLOBALENV, UNBOUNDVALUE, MISSINGARG, EMPTYENV, BASEENV


class Unserializer:
    """One serialized R object: character vectors as lists of str (None for NA), named vectors as dicts."""

    def __init__(self, data):
        self.data, self.pos, self.refs = data, 0, []

    def int(self):
        value = struct.unpack_from('>i', self.data, self.pos)[0]
        self.pos += 4
        return value

    def top(self):
        if self.data[:2] != b'X\n':
            raise ValueError('not an XDR serialization')
        self.pos = 2
        version = self.int()
        self.int()  # writer's R version
        self.int()  # minimal reader version
        if version == 3:
            encoding_length = self.int()  # then the native encoding's name
            self.pos += encoding_length
        return self.object()

    def object(self):
        flags = self.int()
        kind = flags & 0xff
        has_attributes, has_tag = flags & (1 << 9), flags & (1 << 10)
        if kind in EMPTY:
            return None
        if kind == REFSXP:
            return self.refs[(flags >> 8 or self.int()) - 1]
        if kind == SYMSXP:
            name = self.object()
            self.refs.append(name)
            return name
        if kind == CHARSXP:
            n = self.int()
            if n < 0:
                return None
            text = self.data[self.pos:self.pos + n].decode('utf-8')
            self.pos += n
            return text
        if kind in (LISTSXP, LANGSXP, DOTSXP):
            if has_attributes:
                self.object()
            tag = self.object() if has_tag else None
            head = self.object()
            return [(tag, head)] + (self.object() or [])
        n = self.int()
        if kind in (LGLSXP, INTSXP):
            values = [self.int() for _ in range(n)]
        elif kind == REALSXP:
            values = list(struct.unpack_from('>%dd' % n, self.data, self.pos))
            self.pos += 8 * n
        elif kind in (STRSXP, VECSXP, EXPRSXP):
            values = [self.object() for _ in range(n)]
        else:
            raise ValueError('unsupported SEXP type %d at byte %d' % (kind, self.pos))
        names = dict(self.object()).get('names') if has_attributes else None
        return dict(zip(names, values)) if names else values


def objects(rdx, rdb):
    """Every object of a lazy-load database by name: the gzip index gives each one's zlib chunk in rdb."""
    index = Unserializer(gzip.open(rdx).read()).top()
    with open(rdb, 'rb') as f:
        data = f.read()
    out = {}
    for name, (offset, length) in index['variables'].items():
        chunk = data[int(offset):int(offset) + int(length)]
        out[name] = Unserializer(zlib.decompress(chunk[4:])).top()  # 4 bytes: uncompressed length
    return out
