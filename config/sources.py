"""The sources file (`sources.toml`): typed source declarations validated by pydantic.

Each `[[source]]` table is one source with a `kind`; unknown keys and bad values are errors that
name the offending key. Relative paths are resolved against the sources file's folder.
`[schedules.NAME]` tables declare when sources run (`cron` or `interval`, in a `timezone`); a
source joins a schedule with `schedule = "NAME"`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class SourcesError(ValueError):
    """A sources file that cannot be used; the message is one line naming the key at fault."""


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Unique name; recorded in every row this source produces.", min_length=1)
    enabled: bool = Field(True, description="Disabled sources are skipped by `pressroom run`.")
    max_bytes: int | None = Field(None, ge=1, description="Per-document size limit; overrides PRESSROOM_MAX_DOCUMENT_BYTES.")
    schedule: str | None = Field(None, description="Name of the `[schedules.NAME]` entry that runs this source.")


class FileSource(_Source):
    """One local file."""

    kind: Literal["file"]
    path: Path


MAX_RECURSIVE_SEGMENTS = 3


def glob_problem(pattern: str) -> str | None:
    """What is wrong with a folder's include/exclude pattern, or None.

    Patterns stay inside the folder (relative, no `..`), and have at most
    `MAX_RECURSIVE_SEGMENTS` `**` segments: one already matches any depth, and each further one
    multiplies the ways a path can match.
    """
    segments = pattern.split("/")
    if not pattern.strip():
        return "is empty"
    if pattern.startswith(("/", "~")):
        return "must be relative to the folder"
    if ".." in segments:
        return "may not leave the folder with '..'"
    if any("**" in s and s != "**" for s in segments):
        return "uses '**' inside a segment ('**' must be a whole segment, as in 'a/**/b')"
    recursive = segments.count("**")
    if recursive > MAX_RECURSIVE_SEGMENTS:
        return f"has {recursive} '**' segments (at most {MAX_RECURSIVE_SEGMENTS}; one already matches any depth)"
    return None


class FolderSource(_Source):
    """A local folder, read recursively; `include`/`exclude` are glob patterns relative to it."""

    kind: Literal["folder"]
    path: Path
    include: list[str] = Field(default_factory=lambda: ["**/*"], description="Globs of files to read.")
    exclude: list[str] = Field(default_factory=list, description="Globs of files (or folders) to skip.")

    @field_validator("include", "exclude")
    @classmethod
    def _bounded_globs(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            problem = glob_problem(pattern)
            if problem:
                raise ValueError(f"pattern {pattern!r} {problem}")
        return patterns


class UrlsSource(_Source):
    """A list of page URLs, given inline or as a file with one URL per line."""

    kind: Literal["urls"]
    urls: list[str] = Field(default_factory=list)
    file: Path | None = None
    obey_robots: bool = True


class FeedSource(_Source):
    """An RSS, Atom or JSON feed whose entries' links are fetched."""

    kind: Literal["feed"]
    url: str
    obey_robots: bool = True


class SitemapSource(_Source):
    """A sitemap (urlset or index, optionally gzipped) whose pages are fetched."""

    kind: Literal["sitemap"]
    url: str
    obey_robots: bool = True
    max_depth: int = Field(3, ge=0, le=10, description="How deep sitemap indexes may nest (the root is depth 0).")


class _PathOrUrl(_Source):
    """A source read from a local file (`path`) or from an http(s) URL (`url`): exactly one."""

    path: Path | None = Field(None, description="A local file.")
    url: str | None = Field(None, description="An http(s) URL.")

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL (give a local file as `path`)")
        return value

    @model_validator(mode="after")
    def _path_or_url(self) -> _PathOrUrl:
        if (self.path is None) == (self.url is None):
            raise ValueError("give exactly one of `path` (a local file) or `url` (a remote one)")
        return self


class WarcSource(_PathOrUrl):
    """A WARC or WET file, local (`path`: `.warc`, `.warc.gz`, `.warc.wet.gz`) or at an http(s)
    URL (`url`: streamed record by record, never downloaded whole), whose page and text records
    become documents."""

    kind: Literal["warc"]


class WarcPathsSource(_PathOrUrl):
    """A Common Crawl path listing (`warc.paths.gz`, `wet.paths.gz`; local `path` or `url`): the
    WARC or WET files it names, relative to `base_url`, each streamed record by record."""

    kind: Literal["warc_paths"]
    base_url: str | None = Field(None, description="What the listed paths are relative to; empty means PRESSROOM_HTTP__ARCHIVE_BASE_URL.")
    max_files: int | None = Field(None, ge=1, description="Read only the first this many listed files.")


_INTERVAL = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def parse_interval(value: int | float | str) -> timedelta:
    """An interval given as seconds (`900`) or as `1d2h15m30s`-style text (any parts, in order)."""
    if isinstance(value, bool):
        raise ValueError("expected seconds or text like '15m'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        match = _INTERVAL.fullmatch(value.strip().lower())
        if not value.strip() or match is None:
            raise ValueError(f"cannot read {value!r} as an interval (expected seconds or text like '90s', '15m', '1h30m', '1d')")
        days, hours, minutes, secs = (int(part or 0) for part in match.groups())
        seconds = timedelta(days=days, hours=hours, minutes=minutes, seconds=secs).total_seconds()
    if seconds < 1:
        raise ValueError("must be at least one second")
    return timedelta(seconds=seconds)


class ScheduleSpec(BaseModel):
    """When the sources of one schedule group run: a cron expression or a fixed interval."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str | None = Field(None, description="Cron expression (minute hour day month weekday), e.g. '0 6 * * *'.")
    interval: timedelta | None = Field(None, description="Seconds, or text like '15m', '1h30m', '1d'.")
    timezone: str = Field("UTC", description="IANA time zone the cron expression (or the interval's anchor) is read in.")

    @field_validator("interval", mode="before")
    @classmethod
    def _read_interval(cls, value: object) -> object:
        return parse_interval(value) if isinstance(value, (int, float, str)) else value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is not None:
            # Prefect's own parser: what it accepts here is what its scheduler will run
            from prefect.schedules import Cron

            Cron(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as 'Europe/Berlin')")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ScheduleSpec:
        if (self.cron is None) == (self.interval is None):
            raise ValueError("give exactly one of `cron` or `interval`")
        return self


Source = Annotated[
    Union[FileSource, FolderSource, UrlsSource, FeedSource, SitemapSource, WarcSource, WarcPathsSource],
    Field(discriminator="kind"),
]
# Each `kind` tag's model, in declaration order, read off the models so nothing drifts.
MODEL_BY_KIND: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["kind"].annotation)[0]: model for model in get_args(get_args(Source)[0])
}
KINDS: tuple[str, ...] = tuple(MODEL_BY_KIND)


class SourcesFile(BaseModel):
    """The whole sources file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: list[Source] = Field(default_factory=list)
    schedules: dict[str, ScheduleSpec] = Field(default_factory=dict, description="Named schedules sources can join.")

    @field_validator("source")
    @classmethod
    def _names_unique(cls, sources: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for s in sources:
            if s.name in seen:
                raise ValueError(f"source name {s.name!r} is used twice")
            seen.add(s.name)
        return sources

    @model_validator(mode="after")
    def _schedules_exist(self) -> SourcesFile:
        for index, s in enumerate(self.source):
            if s.schedule is not None and s.schedule not in self.schedules:
                declared = ", ".join(sorted(self.schedules)) or "none"
                raise ValueError(
                    f"source[{index}] ({s.name}).schedule: no schedule named {s.schedule!r} (declared: {declared})"
                )
        return self

    def sources_by_schedule(self) -> dict[str, list[str]]:
        """Names of the enabled sources of each declared schedule (a schedule may have none)."""
        groups: dict[str, list[str]] = {name: [] for name in self.schedules}
        for s in self.source:
            if s.enabled and s.schedule is not None:
                groups[s.schedule].append(s.name)
        return groups


def _resolve_paths(source: _Source, base: Path) -> _Source:
    updates = {}
    for key in ("path", "file"):
        value = getattr(source, key, None)
        if isinstance(value, Path) and not value.expanduser().is_absolute():
            updates[key] = (base / value).resolve()
        elif isinstance(value, Path):
            updates[key] = value.expanduser()
    return source.model_copy(update=updates) if updates else source


def _where(loc: list, raw: dict) -> tuple[str, list]:
    """`source[i] (name)` for a location inside a source (else ""), and the rest of the location
    without the kind tag pydantic inserts into a source's location."""
    if not (loc and loc[0] == "source" and len(loc) > 1 and isinstance(loc[1], int)):
        return "", loc
    index = loc[1]
    entries = raw.get("source") or []
    name = entries[index].get("name") if index < len(entries) and isinstance(entries[index], dict) else None
    rest = loc[2:]
    if rest and isinstance(rest[0], str) and rest[0] in KINDS:
        rest = rest[1:]
    return f"source[{index}]" + (f" ({name})" if name else ""), rest


def _known_keys(loc: tuple) -> list[str]:
    """The keys allowed beside the unknown key at `loc` (the model that refused it)."""
    if len(loc) == 1:
        model: type[BaseModel] = SourcesFile
    elif loc[0] == "source" and len(loc) == 4 and loc[2] in MODEL_BY_KIND:
        model = MODEL_BY_KIND[loc[2]]
    elif loc[0] == "schedules" and len(loc) == 3:
        model = ScheduleSpec
    else:
        return []
    return list(model.model_fields)


def _unknown_key(error: dict, raw: dict) -> tuple[str, str | None]:
    """The line for an `extra_forbidden` error, naming the key, and the key it suggests."""
    loc = tuple(error["loc"])
    source, rest = _where(list(loc), raw)
    where = ".".join(([source] if source else []) + [str(p) for p in rest[:-1]])
    key, known = str(loc[-1]), _known_keys(loc)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(known)}" if known else ""
    place = f" in {where}" if where else " at the top level"
    return f"unknown key {key!r}{place}" + (f" ({hint})" if hint else ""), close[0] if close else None


def _describe(error: dict, raw: dict) -> str:
    source, loc = _where(list(error["loc"]), raw)
    key = ".".join(str(p) for p in loc)
    where = ".".join(([source] if source else []) + ([key] if key else []))
    message = error["msg"]
    if error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    elif error["type"] == "union_tag_invalid":
        message = f"unknown kind (expected one of: {', '.join(KINDS)})"
    return f"{where}: {message}" if where else message


def _first_problem(errors: list[dict], raw: dict) -> str:
    """One line for a failed validation: an unknown key first (a misspelt key also makes the key
    it was meant to be missing, and "Field required" would hide the cause), then the first error;
    "(and N more)" counts the others, without the missing key a suggestion already explains."""
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    if not unknown:
        line, rest = _describe(errors[0], raw), errors[1:]
    else:
        line, suggested = _unknown_key(unknown[0], raw)
        meant = (*unknown[0]["loc"][:-1], suggested)
        rest = [e for e in errors if e is not unknown[0] and not (e["type"] == "missing" and tuple(e["loc"]) == meant)]
    return line + (f" (and {len(rest)} more)" if rest else "")


def parse_sources(text: str, base: Path, origin: str = "sources.toml") -> SourcesFile:
    """Parse and validate sources-file text; paths are resolved against `base`."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{origin}: not valid TOML: {exc}") from None
    try:
        parsed = SourcesFile.model_validate(raw)
    except ValidationError as exc:
        raise SourcesError(f"{origin}: {_first_problem(exc.errors(), raw)}") from None
    return parsed.model_copy(update={"source": [_resolve_paths(s, base) for s in parsed.source]})


def load_sources(path: Path) -> SourcesFile:
    """Read and validate a sources file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read sources file: {exc.strerror or exc}") from None
    return parse_sources(text, path.resolve().parent, origin=str(path))


def named_sources(path: Path, names: list[str]) -> list[Source]:
    """The named sources of a sources file, or all its enabled ones when no name is given; an
    unknown name is an error naming it."""
    declared = load_sources(path).source
    if not names:
        return [s for s in declared if s.enabled]
    unknown = sorted(set(names) - {s.name for s in declared})
    if unknown:
        raise SourcesError(f"{path}: no source named {', '.join(map(repr, unknown))}")
    return [s for s in declared if s.name in names]
