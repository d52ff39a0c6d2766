"""The fetch stage: which inputs a run reads, and their raw bytes.

`plan_inputs` (`discover.py`) turns sources into inputs: files of folders, records of WARC
files, listed URLs, new or changed entries of feeds and sitemaps. `fetch_inputs`
(`retrieve.py`) reads each input's bytes: local files, WARC records, and web pages through the
polite HTTP client (`http.py`, `robots.py`), conditionally when the warehouse holds a version.
`stream_archives` (`warc.py`) reads remote WARC and WET files in one pass, batch by batch.
"""

from tasks.fetch.discover import choose_sources, plan_inputs, sources_for_uris
from tasks.fetch.retrieve import fetch_inputs
from tasks.fetch.robots import RobotsCache
from tasks.fetch.uri_kind import AMBIGUOUS, guess_uri_kind, is_wat_name
from tasks.fetch.warc import WAT_REFUSAL, stream_archives

__all__ = [
    "AMBIGUOUS", "WAT_REFUSAL", "RobotsCache", "choose_sources", "fetch_inputs", "guess_uri_kind", "is_wat_name",
    "plan_inputs", "sources_for_uris", "stream_archives",
]
