"""Seal reconciliation (MSC 6.6), pure Python: what the seal log cannot account for.

The report answers three questions a validator asks of a seal inventory:
- which seals are unaccounted for (reported lost, or missing at the last stock count);
- where the numbers were used out of sequence, leaving unused seals behind used ones (gaps);
- which seals were issued to someone and not applied within the allowed days.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SealFact:
    number: str
    batch: int
    sequence: int
    state: str
    issued_at: datetime.datetime | None = None
    issued_to: str = ""


@dataclass(frozen=True)
class Gap:
    batch: int
    first: str
    last: str
    count: int
    before: str  # the first used seal above the gap


@dataclass
class Report:
    as_of: datetime.datetime
    issued_unapplied_days: int
    counts: dict[str, int] = field(default_factory=dict)
    unaccounted: list[dict] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    issued_unapplied: list[dict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.unaccounted or self.gaps or self.issued_unapplied)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "issued_unapplied_days": self.issued_unapplied_days,
            "counts": self.counts,
            "unaccounted": self.unaccounted,
            "gaps": [g.__dict__ for g in self.gaps],
            "issued_unapplied": self.issued_unapplied,
        }


def reconcile(
    seals: Iterable[SealFact],
    *,
    now: datetime.datetime,
    issued_unapplied_days: int,
    missing_at_count: Iterable[str] = (),
) -> Report:
    report = Report(as_of=now, issued_unapplied_days=issued_unapplied_days)
    missing = set(missing_at_count)
    cutoff = now - datetime.timedelta(days=issued_unapplied_days)
    by_batch: dict[int, list[SealFact]] = {}
    for seal in seals:
        report.counts[seal.state] = report.counts.get(seal.state, 0) + 1
        by_batch.setdefault(seal.batch, []).append(seal)
        if seal.state == "lost":
            report.unaccounted.append({"number": seal.number, "why": "reported lost"})
        elif seal.state == "in_stock" and seal.number in missing:
            report.unaccounted.append(
                {"number": seal.number, "why": "in stock by the log, not found at the last count"}
            )
        if seal.state == "issued" and seal.issued_at is not None and seal.issued_at < cutoff:
            days = (now - seal.issued_at).days
            report.issued_unapplied.append(
                {"number": seal.number, "issued_to": seal.issued_to, "days": days}
            )
    for batch, members in sorted(by_batch.items()):
        report.gaps.extend(_gaps(batch, sorted(members, key=lambda s: s.sequence)))
    report.counts = dict(sorted(report.counts.items()))
    return report


def _gaps(batch: int, seals: list[SealFact]) -> list[Gap]:
    """Runs of unused seals lying below a used one: numbers skipped when seals were taken."""
    gaps: list[Gap] = []
    run: list[SealFact] = []
    for seal in seals:
        if seal.state == "in_stock":
            run.append(seal)
            continue
        if run:
            gaps.append(Gap(batch, run[0].number, run[-1].number, len(run), seal.number))
            run = []
    return gaps
