"""What politeness across workers costs: Prefect global concurrency limit calls against a server.

    PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/python -m bench.host_limits_bench [--rounds 40] [--repeats 3]

Against the server PREFECT_API_URL names (start one with `pressroom server`), uncontended, the
ways in turn in each repeat, medians of `--repeats` of `--rounds` each:

- `api round trip`: `GET /api/hello` through Prefect's client (the reference: one bare call);
- `host lease`: acquire and release a host's lease (`tasks/fetch/host_leases.py`), what a fetch
  session pays once per host per batch;
- `concurrency per request`: Prefect's `concurrency()` around each request, what a per-request
  limit would cost (acquire, lease renewal thread, release);
- `rate_limit per request`: Prefect's `rate_limit()` on a limit with slot decay.

Results go to bench/results/host_limits.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.concurrency.asyncio import concurrency, rate_limit

from tasks.fetch.host_leases import HostLease, limit_name

RESULTS = Path(__file__).resolve().parent / "results" / "host_limits.json"


async def _timed(rounds: int, one: Callable[[], Awaitable[None]]) -> float:
    """Milliseconds per call of `one`, over `rounds` calls."""
    started = time.perf_counter()
    for _ in range(rounds):
        await one()
    return (time.perf_counter() - started) * 1000 / rounds


async def main(rounds: int, repeats: int) -> dict[str, float]:
    """Median milliseconds per call of each way."""
    host = f"bench-{uuid.uuid4().hex[:8]}.example"
    rate_name = f"rate:{host}"
    async with get_client() as client:
        await client.upsert_global_concurrency_limit_by_name(rate_name, limit=1000, slot_decay_per_second=1000)

        async def hello() -> None:
            await client.hello()

        async def lease() -> None:
            held = HostLease(host)
            await held.acquire()
            await held.release()

        async def per_request() -> None:
            async with concurrency(limit_name(host), occupy=1, strict=True):
                pass

        async def rated() -> None:
            await rate_limit(rate_name, occupy=1, strict=True)

        ways = {"api round trip": hello, "host lease": lease, "concurrency per request": per_request, "rate_limit per request": rated}
        await lease()  # creates the host's limit, and warms the client up
        samples: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(repeats):
            for name, one in ways.items():
                samples[name].append(await _timed(rounds, one))
        for name in (limit_name(host), rate_name):
            await client.delete_global_concurrency_limit_by_name(name)
    return {name: statistics.median(values) for name, values in samples.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    medians = asyncio.run(main(args.rounds, args.repeats))
    reference = medians["api round trip"]
    print(f"{'way':<26} {'ms per call':>12} {'x round trip':>13}")
    for name, ms in medians.items():
        print(f"{name:<26} {ms:>12.1f} {ms / reference:>13.1f}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"rounds": args.rounds, "repeats": args.repeats, "ms_per_call": medians}, indent=2))
