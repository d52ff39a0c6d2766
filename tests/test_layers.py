"""The layers of the code (pyproject.toml's import-linter contracts) hold, and the linter would
catch an import that breaks one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("flows", "tasks", "warehouse", "config")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` run on the packages in `project`, with its pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_layers_hold() -> None:
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("tasks/clean/decode.py", "from tasks.fetch import robots", "the stage packages never import one another"),
        ("config/settings.py", "import tasks.stage", "config imports none of them"),
        ("tasks/identity.py", "from tasks.language import scripts", "the pieces the stages share import no stage"),
        ("warehouse/tables.py", "import warehouse.writer", "no import cycles"),
    ],
)
def test_an_import_across_a_layer_breaks_a_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    """A copy of the code with one offending import added fails the check, naming the contract."""
    for package in PACKAGES:
        shutil.copytree(PROJECT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # added by the test\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout
