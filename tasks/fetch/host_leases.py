"""Politeness across flow runs: one Prefect global concurrency limit per host.

In-process, `tasks.fetch.http` spaces and limits the requests of one fetch session per host.
Flow runs on several workers (`HttpSettings.host_limits = "prefect"`, which `pressroom deploy`
sets for its runs) would each apply those limits alone, and a host would see them added up. So a
session first takes the host's lease: one slot of the limit `host:NAME` (created with one slot
when absent), held while the session has requests for that host and released once its politeness
delay since the last request has passed. Only one session at a time, on any machine, sends
requests to a host, and it applies the per-host delay and concurrency itself: the limits hold
across workers exactly, and the lease costs a few API calls per host per batch, not per request.

The lease is a Prefect lease: renewed while held, and freed by the server `LEASE_SECONDS` after
a worker that held it died. An operator may raise a host's limit in the UI (that many runs then
fetch it at once, each at the per-host pace) or set it inactive (no waiting for that host).
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.asyncio import ConcurrencySlotAcquisitionError, concurrency
from prefect.exceptions import ObjectAlreadyExists

from tasks.records import Rejected

# How long a lease outlives a holder that stopped renewing it (a killed worker); a live holder
# renews it every 3/4 of this.
LEASE_SECONDS = 60.0
# Characters Prefect refuses in a limit's name (prefect.types.names.BANNED_CHARACTERS); an IPv6
# zone (`fe80::1%eth0`) has one.
_BANNED = str.maketrans({c: "_" for c in "/%&<>"})
# Limits known to exist, so each process asks the server once per host.
_known_limits: set[str] = set()
logger = logging.getLogger(__name__)


def limit_name(host: str) -> str:
    """The name of the global concurrency limit guarding `host` (lower-cased, as URLs compare)."""
    return "host:" + host.lower().translate(_BANNED)


async def ensure_limit(name: str) -> None:
    """Create the limit `name` with one slot unless it exists (whatever its slots now)."""
    if name in _known_limits:
        return
    async with get_client() as client:
        try:
            await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
        except ObjectAlreadyExists:
            pass  # created by another run, or by hand with other slots: theirs is the rule
    _known_limits.add(name)


class HostLease:
    """The right, across processes and machines, to send requests to one host.

    `acquire` waits until the slot is this session's; `release` gives it back. Prefect's
    `concurrency` context must be entered and left in one task, so a holder task keeps it open
    between the two calls.
    """

    def __init__(self, host: str) -> None:
        self.name = limit_name(host)
        self._release = asyncio.Event()
        self._holder: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Wait for the host's slot; `Rejected("host_lease_unavailable")` when the Prefect API
        cannot grant it (the request is not sent: without the lease it could break the limits)."""
        try:
            await self._acquire()
        except (ConcurrencySlotAcquisitionError, httpx.HTTPError) as exc:
            raise Rejected("host_lease_unavailable", f"{self.name}: {type(exc).__name__}: {exc}") from None

    async def _acquire(self) -> None:
        await ensure_limit(self.name)
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._release = asyncio.Event()
        self._holder = asyncio.create_task(self._hold(granted), name=f"lease {self.name}")
        try:
            await granted
        except asyncio.CancelledError:
            self._holder.cancel()  # a slot granted after all is released by Prefect
            raise

    async def _hold(self, granted: asyncio.Future[None]) -> None:
        try:
            # a renewal that fails (the API busy for a moment) must not cancel the fetch: the lease
            # then runs out by itself, and Prefect logs that the limit may be exceeded meanwhile
            async with concurrency(self.name, occupy=1, lease_duration=LEASE_SECONDS, strict=True, raise_on_lease_renewal_failure=False):
                granted.set_result(None)
                await self._release.wait()
        except Exception as exc:
            if not granted.done():
                granted.set_exception(exc)
            else:  # the fetching is done; the server frees the slot when the lease runs out
                logger.warning("could not release %s: %s: %s", self.name, type(exc).__name__, exc)

    async def release(self) -> None:
        """Give the slot back and wait until the server has it."""
        if self._holder is not None:
            self._release.set()
            holder, self._holder = self._holder, None
            await holder
