"""Risk scoring: threat × vulnerability (× impact), banded High/Medium/Low (no Django).

Each rating maps to a number; a risk's score is the product of its factors; the score is
banded by two thresholds. The organisation can change the numbers and the thresholds.
"""

from dataclasses import dataclass

RATINGS = ("Low", "Medium", "High")


class MatrixError(ValueError):
    pass


@dataclass(frozen=True)
class Matrix:
    low: int = 1
    medium: int = 2
    high: int = 3
    use_impact: bool = False
    # A score at or above these is Medium / High.
    medium_from: int = 3
    high_from: int = 6

    def value(self, rating: str) -> int:
        try:
            return {"Low": self.low, "Medium": self.medium, "High": self.high}[rating]
        except KeyError:
            raise MatrixError(f"{rating!r} is not one of {', '.join(RATINGS)}") from None

    @property
    def factors(self) -> int:
        return 3 if self.use_impact else 2

    @property
    def max_score(self) -> int:
        return self.high**self.factors

    @property
    def min_score(self) -> int:
        return self.low**self.factors

    def check(self) -> None:
        """Refuse a matrix whose bands cannot all be reached, with the reason."""
        if not 1 <= self.low < self.medium < self.high <= 10:
            raise MatrixError("Values must rise: 1 <= Low < Medium < High <= 10.")
        if not self.min_score < self.medium_from < self.high_from <= self.max_score:
            raise MatrixError(
                f"Thresholds must satisfy {self.min_score} < Medium-from < High-from <= "
                f"{self.max_score} for these values."
            )

    def score(self, threat: str, vulnerability: str, impact: str | None = None) -> int:
        score = self.value(threat) * self.value(vulnerability)
        if self.use_impact:
            score *= self.value(impact or "Medium")
        return score

    def band(self, score: int) -> str:
        if score >= self.high_from:
            return "High"
        if score >= self.medium_from:
            return "Medium"
        return "Low"

    def grid(self) -> list[list[tuple[int, str]]]:
        """The threat × vulnerability table shown to the user (impact at Medium if used)."""
        return [
            [(s := self.score(t, v, "Medium"), self.band(s)) for v in RATINGS]
            for t in reversed(RATINGS)
        ]


def worst(ratings) -> str | None:
    """The highest of some ratings (None when there are none)."""
    present = [r for r in ratings if r]
    return max(present, key=RATINGS.index) if present else None


def vulnerability_from_answers(meets: int, applicable: int) -> str | None:
    """A suggested vulnerability from how many of a category's criteria are met."""
    if applicable == 0:
        return None
    share = meets / applicable
    if share >= 0.9:
        return "Low"
    if share >= 0.5:
        return "Medium"
    return "High"
