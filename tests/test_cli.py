"""The command line's bad-input paths: one clear line on stderr and exit status 2, before any flow runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import main
from warehouse.catalog import ensure_catalog


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--sources", "{bad}"], "unknown key 'includ' in source[0] (a) (did you mean 'include'?)"),
        (["ingest", "--sources", "{bad}"], "unknown key 'includ' in source[0] (a) (did you mean 'include'?)"),
        (["run", "--source", "nope"], "no source named 'nope'"),
        (["ingest", "/no/such/folder"], "no such file or folder: /no/such/folder"),
        (["sql", "drop view articles"], "read-only: DROP statements are refused"),
        (["sql", "select nonsense from articles"], 'query failed: Binder Error: Referenced column "nonsense"'),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, tmp_path: Path, warehouse: Path, capsys):
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nname = "a"\nkind = "folder"\npath = "x"\ninclud = ["*"]\n')
    ensure_catalog(warehouse)  # `sql` needs a warehouse to query (on a missing one it says so: test_sql_guard)
    assert main([a.replace("{bad}", str(bad)) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pressroom: ") and message in err[0]
