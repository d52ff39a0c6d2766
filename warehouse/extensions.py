"""DuckDB extensions loaded from the Python packages that ship them, never downloaded.

DuckDB fetches an extension from its own site on `INSTALL`, and by default also the first time
a query needs one (`http://` paths need httpfs): that fails offline and would reach outside the
package registries pressroom installs from. The `duckdb-extension-<name>` wheels (pyproject)
carry each extension's binary, built for one DuckDB version (the one pinned), at
`duckdb_extension_<name>/extensions/v<version>/<name>.duckdb_extension`; `load_extension` loads
that file into a connection. Every connection pressroom opens is configured by
`warehouse.engine` (no extension installed or loaded on first use), so a query that needs an
extension not loaded fails at once instead of trying to download it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb



class ExtensionMissing(RuntimeError):
    """No installed package ships the extension for the DuckDB version in use."""


def extension_file(name: str) -> Path:
    """The binary of extension `name` (e.g. "fts", "httpfs") that the installed package
    `duckdb-extension-<name>` ships for the DuckDB version in use."""
    if not name.isidentifier():
        raise ValueError(f"not a DuckDB extension name: {name!r}")
    package = f"duckdb-extension-{name}"
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionMissing(f"DuckDB extension {name}: package {package} is not installed")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
        if path.is_file():
            return path
    # the package exists but was built for another DuckDB: its binary would refuse to load
    version = duckdb.__version__
    raise ExtensionMissing(f"DuckDB extension {name}: {package} has no build for DuckDB {version} (install {package}=={version})")


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Load extension `name` into `con` from its installed package's file (nothing is
    downloaded or written to DuckDB's extension directory). Loading twice is harmless."""
    con.load_extension(str(extension_file(name)))
