"""A web archive read over HTTP as a stream of bytes, for the record walk of `tasks.fetch.warc`.

The file is never held whole: the polite HTTP client (`HttpSession.open_stream`: robots.txt,
address rules, redirects, retries of the opening) runs on an event loop of its own in a helper
thread and hands the body over in chunks through a small bounded queue, so the network runs
ahead of the reader by a few chunks only and memory stays flat whatever the file's size. The
reader keeps a window of the bytes it read last, so the walk can look back at where a record
began when it must decide whether the file ends inside it.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from contextlib import AbstractContextManager, contextmanager
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from config.http import HttpSettings
from tasks.fetch.http import HttpSession, classify_transport_error
from tasks.fetch.robots import RobotsCache
from tasks.records import Rejected

# Chunks the network may run ahead of the reader (httpx hands over up to 64 KiB at a time)
_QUEUE_CHUNKS = 16
# Bytes kept behind the reading position: the walk looks back at most at the start of the record
# whose headers warcio just read (headers and one 16 KiB read block), so this is room to spare
_WINDOW = 1024 * 1024
_PUT_WAIT = 0.25


class StreamBroken(OSError):
    """The stream ended before the file did: `reason` is the quarantine code
    (`connection_lost`, `too_large`), `detail` says where and why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class RemoteArchive:
    """A WARC or WET file at an `http(s)://` URL, read once from its start (see the module)."""

    def __init__(self, url: str, settings: HttpSettings, robots: RobotsCache | None = None) -> None:
        self.name = url
        self._settings = settings
        self._robots = robots
        self._chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_QUEUE_CHUNKS)
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._buffer = bytearray()  # the file's bytes from offset `_start` to `_pulled`
        self._start = 0
        self._pulled = 0
        self._position = 0  # where the reader is
        self._ended = False
        self._failure: BaseException | None = None
        self._opened_at = datetime.now(UTC)

    def open(self) -> AbstractContextManager[RemoteArchive]:
        """The stream, as a file object read from its start; leaving the block hangs up."""
        return self._reading()

    @contextmanager
    def _reading(self) -> Iterator[RemoteArchive]:
        try:
            yield self
        finally:
            self.close()

    def close(self) -> None:
        """Stop the download; what the helper thread still holds is dropped."""
        self._closed.set()
        while self._thread is not None and self._thread.is_alive():
            try:
                self._chunks.get(timeout=_PUT_WAIT)
            except queue.Empty:
                continue

    def fallback_time(self) -> datetime:
        """When the download began: `fetched_at` of a record without a readable WARC-Date."""
        return self._opened_at

    def tell(self) -> int:
        """The reading position, in bytes from the file's start."""
        return self._position

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes from the reading position (all that is left for -1); b"" at the end."""
        if self._pulled == self._position:
            self._pull()
        while size < 0 and self._pull():
            pass
        begin = self._position - self._start
        data = bytes(self._buffer[begin:] if size < 0 else self._buffer[begin:begin + size])
        self._position += len(data)
        if self._position - self._start > 2 * _WINDOW:
            drop = self._position - self._start - _WINDOW
            # a new, smaller buffer: `del buffer[:drop]` would keep the old allocation's size
            self._buffer = self._buffer[drop:]
            self._start += drop
        return data

    def tail(self, offset: int, size: int) -> tuple[bytes, int | None]:
        """Up to `size` bytes from `offset` (read ahead as needed; nothing when `offset` fell
        out of the window), and the bytes from `offset` to the end when the end was reached."""
        while self._pulled < offset + size and self._pull():
            pass
        if offset < self._start:
            return b"", None
        begin = offset - self._start
        return bytes(self._buffer[begin:begin + size]), (self._pulled - offset if self._ended else None)

    def _pull(self) -> bool:
        """One more chunk from the network into the buffer; False at the end of the file.
        A stream that broke raises its failure, now and on every later call."""
        if self._failure is not None:
            raise self._failure
        if self._ended:
            return False
        if self._thread is None:
            self._thread = threading.Thread(target=lambda: asyncio.run(self._download()), name="pressroom-archive", daemon=True)
            self._thread.start()
        chunk = self._chunks.get()
        if chunk is None:
            self._ended = True
            return False
        if isinstance(chunk, BaseException):
            self._failure = chunk
            raise chunk
        self._buffer += chunk
        self._pulled += len(chunk)
        return True

    def _hand_over(self, item: bytes | BaseException | None) -> bool:
        """Queue `item` for the reader, waiting while the queue is full; False once closed."""
        while not self._closed.is_set():
            try:
                self._chunks.put(item, timeout=_PUT_WAIT)
                return True
            except queue.Full:
                continue
        return False

    async def _download(self) -> None:
        received = 0
        try:
            async with HttpSession(self._settings, self._robots) as session:
                response = await session.open_stream(self.name)
                assert response.stream is not None  # open_stream gives 2xx answers only
                self._opened_at = response.fetched_at
                try:
                    async for chunk in response.stream.aiter_bytes():
                        received += len(chunk)
                        if received > self._settings.max_archive_bytes:
                            raise StreamBroken("too_large", f"the archive exceeds max_archive_bytes ({self._settings.max_archive_bytes} bytes)")
                        if not self._hand_over(chunk):
                            return
                finally:
                    await response.stream.aclose()
        except (Rejected, StreamBroken) as failure:
            self._hand_over(failure)
        except (httpx.HTTPError, OSError, TimeoutError) as exc:
            reason, _ = classify_transport_error(exc)
            self._hand_over(StreamBroken("connection_lost", f"the download stopped after {received} bytes ({reason}: {type(exc).__name__}: {exc})"))
        except Exception as exc:  # noqa: BLE001 - handed to the reader, which quarantines the file
            self._hand_over(StreamBroken("connection_lost", f"the download failed after {received} bytes ({type(exc).__name__}: {exc})"))
        else:
            self._hand_over(None)
