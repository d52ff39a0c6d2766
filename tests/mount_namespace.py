"""Commands run in a user and mount namespace of their own (`unshare -r -m`), where a folder can
be mounted read-only or replaced by a small tmpfs without touching the machine's mounts.

Tests run as root, which ignores permission bits, so `chmod a-w` proves nothing: a read-only bind
mount gives EROFS for every write, as a read-only volume does, and a full tmpfs gives ENOSPC.
Where namespaces are not allowed the tests that need them fail, saying so: they are not skipped.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest


def require_mount_namespaces(probe: Path) -> None:
    """Fail the test, saying why, unless `unshare -r -m` can bind-mount `probe` read-only here."""
    probe.mkdir(parents=True, exist_ok=True)
    at = shlex.quote(str(probe))
    if not shutil.which("unshare"):
        pytest.fail("`unshare` (util-linux) is needed to mount the warehouse read-only or on a full disk: install util-linux")
    result = subprocess.run(
        ["unshare", "-r", "-m", "sh", "-c", f"mount --bind {at} {at} && mount -o remount,ro,bind {at} && ! touch {at}/x"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        pytest.fail(
            "user and mount namespaces are not allowed here (`unshare -r -m` failed: "
            f"{result.stderr.strip() or result.returncode}); these tests need them to make a read-only or full disk "
            "(e.g. sysctl kernel.unprivileged_userns_clone=1, or a container run with --privileged)"
        )


def in_namespace(setup: str, argv: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the shell commands `setup`, then `argv`, in a namespace of their own."""
    command = " ".join(shlex.quote(a) for a in argv)
    return subprocess.run(
        ["unshare", "-r", "-m", "sh", "-c", f"{setup} && exec {command}"], env=env, capture_output=True, text=True, timeout=timeout,
    )


def read_only_bind(folder: Path) -> str:
    """Shell commands that mount `folder` over itself, read-only."""
    at = shlex.quote(str(folder))
    return f"mount --bind {at} {at} && mount -o remount,ro,bind {at}"
