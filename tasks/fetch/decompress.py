"""Streaming decompression with a cap on the output, for HTTP content codings and `.gz` files.

Every decoder yields its output in pieces of at most `PIECE` bytes and only produces the next
piece when asked, so a consumer that stops at its cap never holds more than the cap plus one
piece: a gzip bomb costs the cap, not the gigabytes it would expand to.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import brotli

from tasks.records import Rejected

PIECE = 64 * 1024
_SLICE = 8 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# Decoded/encoded ratio above which an over-cap file is called a bomb rather than just large:
# text compresses 5-15 times, rarely past 20.
BOMB_RATIO = 20


class DecompressionError(ValueError):
    """The compressed data is corrupt, or its coding is not one we decode."""


class SizeCapExceeded(Exception):
    """Decoding produced more than the cap; `raw_bytes` is how much input had been read."""

    def __init__(self, cap: int, raw_bytes: int) -> None:
        super().__init__(f"decoded size exceeds {cap} bytes after {raw_bytes} input bytes")
        self.cap = cap
        self.raw_bytes = raw_bytes


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), PIECE):
            yield data[start:start + PIECE]

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip (all members) or deflate; HTTP `deflate` is zlib-wrapped, but some servers send it raw."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._obj: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None
        self._done = False

    def _drain(self, data: bytes) -> Iterator[bytes]:
        assert self._obj is not None
        try:
            piece = self._obj.decompress(data, PIECE)
            while True:
                if piece:
                    yield piece
                if self._obj.unconsumed_tail:
                    piece = self._obj.decompress(self._obj.unconsumed_tail, PIECE)
                    continue
                if self._obj.eof:
                    rest = self._obj.unused_data
                    # a further gzip member follows (concatenated gzip files are one stream)
                    if self._gzip and rest.startswith(_GZIP_MAGIC):
                        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        piece = self._obj.decompress(rest, PIECE)
                        continue
                    self._done = True  # trailing bytes after the stream are ignored, as browsers do
                break
        except zlib.error as exc:
            raise DecompressionError(f"corrupt {'gzip' if self._gzip else 'deflate'} data: {exc}") from None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._done or not data:
            return
        if self._obj is None:
            zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        yield from self._drain(data)

    def finish(self) -> Iterator[bytes]:
        if self._obj is not None and not self._done:
            tail = self._obj.flush(PIECE)
            if tail:
                yield tail


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj.is_finished():
            return
        try:
            piece = self._obj.process(data, output_buffer_limit=PIECE)
            # the decoder stops at the output limit with output pending; a shorter piece means
            # it needs more input (can_accept_more_data() does not say so reliably in brotli 1.2)
            while True:
                if piece:
                    yield piece
                if len(piece) < PIECE or self._obj.is_finished():
                    break
                piece = self._obj.process(b"", output_buffer_limit=PIECE)
        except brotli.error as exc:
            raise DecompressionError(f"corrupt brotli data: {exc}") from None

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _decoder_for(coding: str) -> _Identity | _Zlib | _Brotli:
    if coding in {"", "identity"}:
        return _Identity()
    if coding in {"gzip", "x-gzip"}:
        return _Zlib(gzip=True)
    if coding == "deflate":
        return _Zlib(gzip=False)
    if coding == "br":
        return _Brotli()
    raise DecompressionError(f"unsupported content coding {coding!r}")


class CappedDecoder:
    """Decodes a stream compressed with one or more codings, refusing to produce more than `cap`.

    `codings` is a Content-Encoding value (`"gzip"`, `"br"`, `"gzip, br"`: applied in that order,
    so decoded in reverse). Feed raw chunks with `feed`, then call `finish` for the whole output.
    Raises `SizeCapExceeded` as soon as the output passes the cap and `DecompressionError` on
    corrupt data or an unknown coding.
    """

    def __init__(self, codings: str | None, cap: int) -> None:
        names = [c.strip().lower() for c in (codings or "").split(",")]
        self._chain = [_decoder_for(name) for name in reversed(names) if name not in {"", "identity"}] or [_Identity()]
        self._cap = cap
        self._raw = 0
        self._out = bytearray()

    def _collect(self, pieces: Iterator[bytes]) -> None:
        for piece in pieces:
            self._out += piece
            if len(self._out) > self._cap:
                raise SizeCapExceeded(self._cap, self._raw)

    def _through(self, pieces: Iterator[bytes], start: int) -> Iterator[bytes]:
        """Pipe `pieces` through the decoders after position `start` of the chain."""
        for decoder in self._chain[start:]:
            pieces = _piped(decoder, pieces)
        return pieces

    def feed(self, chunk: bytes) -> None:
        """Decode one raw chunk (in slices, so `SizeCapExceeded.raw_bytes` is accurate to a slice)."""
        for start in range(0, len(chunk), _SLICE):
            piece = chunk[start:start + _SLICE]
            self._raw += len(piece)
            self._collect(self._through(self._chain[0].feed(piece), 1))

    def finish(self) -> bytes:
        """Flush the decoders and return everything decoded."""
        for index, decoder in enumerate(self._chain):
            self._collect(self._through(decoder.finish(), index + 1))
        return bytes(self._out)

    @property
    def raw_bytes(self) -> int:
        """Raw (still encoded) bytes fed so far."""
        return self._raw


def _piped(decoder: _Identity | _Zlib | _Brotli, pieces: Iterator[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """Decompress a gzip file held in memory, refusing to produce more than `cap` bytes."""
    decoder = CappedDecoder("gzip", cap)
    decoder.feed(data)
    return decoder.finish()


def is_gzip(data: bytes) -> bool:
    """True when `data` starts with the gzip magic number."""
    return data.startswith(_GZIP_MAGIC)


def gunzip_document(data: bytes, cap: int) -> bytes:
    """The content of a gzip file holding a document (a `.html.gz` file, a page served as
    `application/gzip`), refusing to produce more than `cap` bytes.

    Raises `Rejected`: `decompression_bomb` when it would expand past the cap more than
    `BOMB_RATIO` times its size, `too_large` when it is merely over the cap, and
    `bad_content_encoding` when the data is not valid gzip.
    """
    try:
        return gunzip_capped(data, cap)
    except SizeCapExceeded as exc:
        if exc.cap / max(exc.raw_bytes, 1) >= BOMB_RATIO:
            raise Rejected("decompression_bomb", f"{exc.raw_bytes} gzip bytes decode past {exc.cap} bytes") from None
        raise Rejected("too_large", f"decompressed content exceeds {exc.cap} bytes") from None
    except DecompressionError as exc:
        raise Rejected("bad_content_encoding", str(exc)) from None
