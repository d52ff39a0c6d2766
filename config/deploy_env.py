"""The secrets a deployment is started with (docker-compose's `.env`), checked before anything
starts: `pressroom check-env` in compose's `check-env` service, which PostgreSQL waits
for, so a database is never initialised with a placeholder password.

Compose's `${VAR:?message}` refuses a secret that is unset or empty; it cannot refuse one still
holding the `change-me` placeholder of `.env.example`, which is what this module does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# The placeholder every secret of .env.example holds (tests/test_compose.py checks they all do).
PLACEHOLDER = "change-me"
# What each secret is, for the line that asks for a real value.
SECRETS: dict[str, str] = {
    "POSTGRES_PASSWORD": "a password for the `prefect` database user",
    "PREFECT_SERVER_API_AUTH_STRING": "a user:password for the Prefect API and UI",
}
# POSTGRES_PASSWORD goes into PREFECT_API_DATABASE_CONNECTION_URL unescaped: '@', ':', '/', '#',
# '?' or '%' in it would make another URL (a different host, a cut-off password).
_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def secret_problems(environ: Mapping[str, str]) -> list[str]:
    """What is wrong with the deployment secrets in `environ`, one phrase per secret; only the
    secrets `environ` has are checked (each service is given the ones it uses)."""
    problems = []
    for name, what in SECRETS.items():
        value = environ.get(name)
        if value is None:
            continue
        if not value.strip():
            problems.append(f"{name} is empty (set {what} in .env)")
        elif PLACEHOLDER in value.lower():
            problems.append(f"{name} still holds the placeholder {PLACEHOLDER!r} of .env.example (set {what} in .env)")
        elif name == "POSTGRES_PASSWORD" and not _URL_SAFE.fullmatch(value):
            problems.append(f"{name} may hold only letters, digits and . _ ~ - (it goes into the database URL)")
    return problems
