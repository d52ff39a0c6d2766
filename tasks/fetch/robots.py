"""robots.txt policy per RFC 9309, without network: parsing, the verdict for a URL, and a cache.

Files are parsed by protego, which follows RFC 9309 where the standard library's
`urllib.robotparser` does not: `*` and `$` in paths, the longest (most specific) matching rule
deciding (an `Allow` winning a tie), and a fractional `Crawl-delay`.

The HTTP client fetches `/robots.txt` and hands the outcome here. How the outcome maps to a
policy follows RFC 9309 section 2.3.1: a 2xx body is parsed; a 4xx means "no robots.txt", so
everything is allowed; a 5xx (or 429) means "unreachable", so everything is disallowed; a
network failure (DNS, refused, TLS, timeout) makes every URL of the host fail with that same
reason, so a dead host costs one failed request per run instead of one per URL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from tasks.records import Rejected


def robots_url(url: str) -> str:
    """The robots.txt URL that governs `url`."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt"


def origin(url: str) -> str:
    """Scheme and authority of `url`: the scope of one robots.txt."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (`pressroom` in `pressroom/0.1 (...)`)."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


@dataclass(frozen=True)
class RobotsPolicy:
    """What one host's robots.txt allows.

    Exactly one of `rules` (a parsed file), `allow_all`, `disallow_reason` or `failure` (the
    network reason code the host failed with) decides; `source` says where the policy came from.
    """

    source: str
    rules: Protego | None = None
    allow_all: bool = False
    disallow_reason: str | None = None
    failure: tuple[str, str] | None = None

    @classmethod
    def from_response(cls, url: str, status: int, body: bytes) -> RobotsPolicy:
        """The policy for an HTTP answer to a robots.txt request (after redirects)."""
        if 200 <= status < 300:
            # utf-8-sig: a byte order mark would otherwise hide the first line's `User-agent`
            return cls(source=url, rules=Protego.parse(body.decode("utf-8-sig", errors="replace")))
        if status == 429 or status >= 500:
            return cls(source=url, disallow_reason=f"{url} answered HTTP {status}: unreachable, so everything is disallowed (RFC 9309)")
        return cls(source=url, allow_all=True)

    @classmethod
    def from_failure(cls, url: str, error: str, detail: str) -> RobotsPolicy:
        """The policy for a host whose robots.txt could not be requested at all."""
        return cls(source=url, failure=(error, detail))

    def check(self, url: str, user_agent: str) -> None:
        """Raise `Rejected` when `url` may not be fetched by `user_agent`."""
        if self.failure is not None:
            error, detail = self.failure
            raise Rejected(error, f"host unreachable ({self.source}: {detail})")
        if self.disallow_reason is not None:
            raise Rejected("robots_disallowed", self.disallow_reason)
        if self.rules is not None and not self.rules.can_fetch(url, product_token(user_agent)):
            raise Rejected("robots_disallowed", f"disallowed by {self.source} for {product_token(user_agent)}")

    def crawl_delay(self, user_agent: str) -> float | None:
        """The Crawl-delay this robots.txt asks of `user_agent`, in seconds, if any."""
        if self.rules is None:
            return None
        return self.rules.crawl_delay(product_token(user_agent))


@dataclass
class RobotsCache:
    """robots.txt policies by origin, kept for `ttl` seconds (a failed host's for `failure_ttl`);
    safe to share between threads.

    Create one per run and pass it to every fetch call of the run, so each host's robots.txt is
    requested once per run (or once per call when none is passed).
    """

    ttl: float = 24 * 3600
    failure_ttl: float = 600
    _entries: dict[str, tuple[float, RobotsPolicy]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, origin_: str) -> RobotsPolicy | None:
        """The cached policy of an origin, or None when absent or expired."""
        with self._lock:
            entry = self._entries.get(origin_)
        if entry is None:
            return None
        stored_at, policy = entry
        failed = policy.failure is not None or policy.disallow_reason is not None
        if time.monotonic() - stored_at > (self.failure_ttl if failed else self.ttl):
            return None
        return policy

    def put(self, origin_: str, policy: RobotsPolicy) -> None:
        """Remember the policy of an origin."""
        with self._lock:
            self._entries[origin_] = (time.monotonic(), policy)
