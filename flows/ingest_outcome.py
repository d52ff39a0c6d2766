"""What an ingest run's summary means for the person who started it: whether it read anything,
and how much it found unchanged (the command line's exit status and closing line)."""

from __future__ import annotations

from tasks.run_summary import RunSummary
from tasks.stage import StageStats


def unchanged_inputs(summary: RunSummary) -> int:
    """Inputs an ingest run found as they were when last read: files and listed pages skipped
    when planning (`discover` counts `unchanged`), pages that answered 304 (`fetch` counts
    `not_modified`), and fetched content whose version is stored already (`versions` drops it)."""
    versions = summary.stages.get("versions") or StageStats("versions")
    discover = summary.stages.get("discover") or StageStats("discover")
    fetch = summary.stages.get("fetch") or StageStats("fetch")
    return discover.counts["unchanged"] + fetch.counts["not_modified"] + versions.docs_in - versions.docs_out


def nothing_ingested(summary: RunSummary, uris: list[str]) -> str | None:
    """Why an ingest run read nothing at all, in one line; None when it read something.

    A run read nothing when no input became an article and none was found unchanged: every
    input was quarantined, or, for `uris` named by the user, nothing was found there. A run of
    the sources file that finds nothing (feeds with no new entries) has read what there was.
    """
    if summary.rows_added["articles"] or unchanged_inputs(summary):
        return None
    if summary.quarantined:
        reasons = ", ".join(reason if n == summary.quarantined else f"{reason} {n}" for reason, n in summary.quarantine_reasons.most_common(3))
        more = ", ..." if len(summary.quarantine_reasons) > 3 else ""
        inputs = f"{summary.inputs} input{'s' * (summary.inputs != 1)}"
        return f"nothing ingested: {inputs}, {summary.quarantined} quarantined ({reasons}{more})"
    if uris:
        return f"nothing ingested: found nothing to read in {', '.join(uris)}"
    return None
