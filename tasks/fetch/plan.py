"""What every source kind's planner gets and gives: `planner(source, context)` returns the
source's inputs and the quarantine rows of what could not be listed."""

from __future__ import annotations

from collections.abc import Callable
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from config.http import HttpSettings
from tasks.fetch.robots import RobotsCache
from tasks.records import InputRef, QuarantineRecord
from warehouse.storage import WarehouseRoot

Planned = tuple[list[InputRef], list[QuarantineRecord]]
Planner = Callable[[Any, "PlanContext"], Planned]


@dataclass(frozen=True)
class PlanContext:
    """What planning a run's inputs needs besides the source itself."""

    root: WarehouseRoot  # the warehouse, for what earlier runs fetched
    http: HttpSettings
    robots: RobotsCache | None
    default_max_bytes: int
    counts: Counter[str] = field(default_factory=Counter)  # what planners skipped, e.g. unchanged files
