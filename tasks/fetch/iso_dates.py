"""ISO 8601 timestamps as machines write them (W3C-DTF in sitemaps, RFC 3339 in JSON Feed,
WARC-Date), as aware UTC datetimes. Messy human-written dates are `tasks.clean.dates`' job."""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil.parser import isoparse


def parse_iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 date or date-time as aware UTC; a date alone is midnight UTC, a value without
    an offset is taken as UTC, and anything unparsable is None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = isoparse(text)
        except (ValueError, OverflowError):
            return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
