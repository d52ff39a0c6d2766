"""When an ingest run's figures for a source are far enough outside its recent runs to say so."""

from __future__ import annotations

from pydantic import BaseModel, Field


class HealthSettings(BaseModel):
    """How each source's figures in a run are compared with its recent runs (PRESSROOM_HEALTH__*).

    A share (of empty or very short bodies, quarantined inputs, missing titles, dates, authors)
    is reported when it rises above the median of the source's last `history_runs` completed runs
    by more than `min_jump` and by more than `mad_factor` scaled median absolute deviations, so a
    source whose figures always wander does not alert, and one steady source does on its first
    break. Runs with fewer than `min_pages` pages behind a figure are not judged: a share of two
    pages says little.
    """

    history_runs: int = Field(10, ge=1, le=1000, description="Completed earlier runs of a source its figures are compared with.")
    min_pages: int = Field(5, ge=1, description="Pages (inputs, or articles for article shares) a run must have for a source for its figures to be judged.")
    min_jump: float = Field(0.25, gt=0.0, le=1.0, description="Least rise of a share over the source's recent median that is reported (0.25 = 25 percentage points).")
    mad_factor: float = Field(3.0, gt=0.0, description="Scaled median absolute deviations of the recent runs a figure must move by to be reported.")
    words_drop: float = Field(0.5, gt=0.0, lt=1.0, description="Median words per article falling below this share of the recent median is reported.")
