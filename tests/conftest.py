"""Shared fixtures: one Prefect test harness per session, a fresh warehouse per test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="pressroom-tests-"))
# Set before Prefect is imported anywhere: offline-safe, quiet, isolated from the user's home.
os.environ.update(
    {
        "PREFECT_HOME": str(_HOME / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        # commands run by tests start no background server (tests/test_prefect_api.py tries one)
        "PRESSROOM_PREFECT_SERVER": "ephemeral",
    }
)

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT.parent / "shared" / "seeds"
EXAMPLES = PROJECT / "examples" / "corpus"


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect API (the test harness's temporary server), shared by the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh warehouse root; PRESSROOM_WAREHOUSE points at it for the test."""
    root = (tmp_path / "warehouse").resolve()
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(root))
    monkeypatch.setenv("PRESSROOM_WORKERS", "1")
    return root


@pytest.fixture
def seeds() -> Path:
    """The five seed documents in ../shared/seeds."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (they live beside the project in shared/)")
    return SEEDS
