"""A run's summary: the sum of its stages' counters plus the rows it added, as a `runs` row, a
markdown artifact and a few lines for the terminal."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tasks.stage import StageOutput, StageStats


@dataclass
class RunSummary:
    """Everything one flow run did."""

    run_id: str
    flow: str
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    finished_at: datetime | None = None
    status: str = "running"
    inputs: int = 0
    stages: dict[str, StageStats] = field(default_factory=dict)
    rows_added: Counter[str] = field(default_factory=Counter)
    breakdowns: dict[str, Counter[str]] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)  # figures of a source far outside its recent runs

    def add(self, output: StageOutput | StageStats) -> None:
        """Fold one batch's counters of a stage (or of its parts) and the rows it added into the run's."""
        if isinstance(output, StageOutput):
            for stats in output.parts or [output.stats]:
                self.add(stats)
            return
        current = self.stages.get(output.stage)
        self.stages[output.stage] = output if current is None else current + output
        self.rows_added.update(output.rows_added)

    def count(self, breakdown: str, counts: Counter[str] | dict[str, int]) -> None:
        """Add to a named breakdown shown in the summary (e.g. articles per language)."""
        self.breakdowns.setdefault(breakdown, Counter()).update(counts)

    @property
    def quarantine_reasons(self) -> Counter[str]:
        """Quarantined inputs by `stage/reason`."""
        reasons: Counter[str] = Counter()
        for name, stats in self.stages.items():
            for reason, n in stats.quarantined.items():
                reasons[f"{name}/{reason}"] += n
        return reasons

    @property
    def quarantined(self) -> int:
        return sum(self.quarantine_reasons.values())

    def finish(self, status: str = "completed") -> RunSummary:
        self.finished_at = datetime.now(timezone.utc)
        self.status = status
        return self

    def to_row(self) -> dict:
        """The run as a row of the `runs` table."""
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "inputs": self.inputs,
            "rows_added": dict(self.rows_added),
            "quarantined": self.quarantined,
            "stages_json": json.dumps(
                {
                    "stages": [s.as_dict() for s in self.stages.values()],
                    "breakdowns": {k: dict(v) for k, v in self.breakdowns.items()},
                    "alerts": self.alerts,
                },
                ensure_ascii=False,
            ),
        }

    def _stage_counts(self) -> dict[str, Counter[str]]:
        """The breakdowns, then each stage's other counts (e.g. `fetch: not_modified 3`)."""
        return {**self.breakdowns, **{s.stage: s.counts for s in self.stages.values() if s.counts}}

    def _seconds(self) -> float:
        end = self.finished_at or datetime.now(timezone.utc)
        return (end - self.started_at).total_seconds()

    def to_markdown(self) -> str:
        """The run as a markdown report (published as a Prefect artifact)."""
        lines = [
            f"# {self.flow} run `{self.run_id}`",
            "",
            f"**{self.status}** in {self._seconds():.1f} s: {self.inputs} inputs, "
            + ", ".join(f"{n} {t} rows added" for t, n in sorted(self.rows_added.items()))
            + f", {self.quarantined} quarantined.",
            "",
            *(["## Alerts", "", *(f"- {alert}" for alert in self.alerts), ""] if self.alerts else []),
            "| stage | in | out | quarantined | MB in | seconds |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for s in self.stages.values():
            lines.append(
                f"| {s.stage} | {s.docs_in} | {s.docs_out} | {sum(s.quarantined.values())} "
                f"| {s.bytes_in / 1e6:.2f} | {s.seconds:.2f} |"
            )
        if self.quarantine_reasons:
            lines += ["", "| quarantined at/for | inputs |", "|---|---:|"]
            lines += [f"| {reason} | {n} |" for reason, n in self.quarantine_reasons.most_common()]
        for name, counts in self._stage_counts().items():
            lines += ["", f"| {name} | count |", "|---|---:|"]
            lines += [f"| {key} | {n} |" for key, n in counts.most_common(20)]
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """A few lines for the terminal."""
        added = ", ".join(f"{t} +{n}" for t, n in sorted(self.rows_added.items())) or "nothing added"
        lines = [f"{self.flow}: {self.status} in {self._seconds():.1f} s; {self.inputs} inputs; {added}; {self.quarantined} quarantined"]
        lines += [f"  ALERT {alert}" for alert in self.alerts]
        for s in self.stages.values():
            q = sum(s.quarantined.values())
            lines.append(f"  {s.stage:<10} in {s.docs_in:>6}  out {s.docs_out:>6}  quarantined {q:>5}  {s.seconds:7.2f} s")
        for reason, n in self.quarantine_reasons.most_common():
            lines.append(f"  quarantine {reason}: {n}")
        for name, counts in self._stage_counts().items():
            lines.append(f"  {name}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common(12)))
        return "\n".join(lines)
