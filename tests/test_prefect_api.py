"""Commands reuse one background Prefect server: the first starts it, the next ones find it, their
runs show in its API, and it stops when told, when idle, or when its home is deleted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from prefect_server import PRESSROOM, clean_environment, wait_for

from conftest import SEEDS

pytestmark = pytest.mark.e2e


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def _pressroom(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PRESSROOM), *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def background_env(tmp_path: Path) -> dict[str, str]:
    return clean_environment(
        PREFECT_HOME=str(tmp_path / "home"),
        PRESSROOM_PREFECT_SERVER="background",
        PRESSROOM_WAREHOUSE=str(tmp_path / "warehouse"),
        PRESSROOM_WORKERS="1",
    )


def test_commands_share_one_background_server_and_stop_stops_it(background_env: dict[str, str], tmp_path: Path):
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    state_file = tmp_path / "home" / "pressroom-server" / "state.json"
    try:
        first = _pressroom(background_env, "ingest", str(SEEDS / "003_5ccf66efb4d35361.txt"))
        assert first.returncode == 0, first.stderr
        assert "starting a Prefect server in the background" in first.stderr
        state = json.loads(state_file.read_text())
        second = _pressroom(background_env, "ingest", str(SEEDS / "004_e115c3f2d7924f0c.txt"))
        assert second.returncode == 0, second.stderr
        assert "starting a Prefect server" not in second.stderr
        assert json.loads(state_file.read_text())["pid"] == state["pid"]
        runs = httpx.post(f"{state['api_url']}/flow_runs/filter", json={}, timeout=10).json()
        assert sorted(r["state_type"] for r in runs) == ["COMPLETED", "COMPLETED"]
        stopped = _pressroom(background_env, "server", "stop")
        assert "stopped the background Prefect server" in stopped.stdout
        wait_for(lambda: not _alive(state["pid"]), 30, "background server gone")
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{state['api_url']}/health", timeout=2)
    finally:
        _pressroom(background_env, "server", "stop")


def test_the_background_server_stops_when_its_home_is_deleted(background_env: dict[str, str], tmp_path: Path):
    started = _pressroom(background_env, "languages")
    assert started.returncode == 0, started.stderr
    state = json.loads((tmp_path / "home" / "pressroom-server" / "state.json").read_text())
    try:
        shutil.rmtree(tmp_path / "home")
        wait_for(lambda: not _alive(state["pid"]), 60, "background server stopped after its home was deleted")
    finally:
        if _alive(state["pid"]):
            os.killpg(state["pid"], 9)
            time.sleep(1)
