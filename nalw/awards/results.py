"""Fair results for one awards category, computed from plain numbers (no database, no models).

The rules, as the results page states them to staff:

- A judge's **weighted score** for a nomination is the sum of each criterion's score times its weight,
  divided by the sum of the weights: it stays on the 0-10 scale the judges scored on.
- A nomination's **mean** is the mean of the weighted scores of the judges who scored it, so a nomination
  is not penalised for having fewer judges. Its **spread** is the highest minus the lowest of those scores.
- A judge's scores are **standardised** within a category only when they scored at least
  ``STANDARDISE_MIN_SCORES`` nominations there and their scores vary. A standardised score is the judge's
  z-score (how many of their own standard deviations above their own mean), mapped back onto the 0-10
  scale: the category's mean score plus z times the typical spread of a standardised judge, so a harsh
  and a lenient judge count alike. Otherwise the judge's raw weighted scores are used, and the reason is
  returned for the page to show. Nothing here divides by zero or makes NaN.
- The **ranking** orders by the standardised mean (higher first), then by more scores, then by the higher
  lowest score. Nominations still level after all three share a rank and are marked tied: a tie is shown,
  never broken silently. Nominations nobody scored come last, unranked.
"""

import dataclasses
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping

SCALE_TOP = 10
STANDARDISE_MIN_SCORES = 5
# Scores are compared for ties after rounding away float noise far below anything a judge could mean.
_TIE_PLACES = 6

TIE_BREAK_RULE = (
    "Ranked by standardised mean, highest first; where equal, the nomination with more scores first; "
    "where still equal, the one whose lowest score is higher. Nominations equal on all three are tied."
)


@dataclasses.dataclass(frozen=True)
class Sheet:
    """One judge's complete scores for one nomination: criterion id to a score on the 0-10 scale."""

    judge_id: int
    nomination_id: int
    scores: Mapping[int, int]


@dataclasses.dataclass(frozen=True)
class JudgeStanding:
    """How one judge's scores in the category were treated, with the reason when not standardised."""

    judge_id: int
    count: int
    mean: float
    deviation: float
    standardised: bool
    reason: str | None


@dataclasses.dataclass(frozen=True)
class JudgeScore:
    judge_id: int
    weighted: float
    z: float | None  # None where the judge's raw scores were used
    standardised: float  # on the 0-10 scale; equals ``weighted`` where raw scores were used


@dataclasses.dataclass(frozen=True)
class NominationResult:
    nomination_id: int
    judge_scores: tuple[JudgeScore, ...]
    mean: float | None
    spread: float | None
    minimum: float | None
    standardised_mean: float | None
    rank: int | None = None
    tied: bool = False

    @property
    def count(self):
        return len(self.judge_scores)


@dataclasses.dataclass(frozen=True)
class CategoryResults:
    nominations: tuple[NominationResult, ...]  # in ranking order, unscored last
    judges: tuple[JudgeStanding, ...]
    min_scores: int

    @property
    def raw_score_notes(self):
        """The judges whose raw scores were used, each with the reason for the page to give."""
        return [judge for judge in self.judges if not judge.standardised]


def weighted_score(scores, weights):
    """Sum of score times weight over the sum of the weights (equal weights if every weight is zero)."""
    total_weight = sum(weights[criterion] for criterion in scores)
    if total_weight == 0:
        return statistics.fmean(scores.values())
    return sum(score * weights[criterion] for criterion, score in scores.items()) / total_weight


def _standing(judge_id, scores, min_scores):
    count = len(scores)
    mean = statistics.fmean(scores)
    # The population standard deviation, in floats (statistics.pstdev works in exact fractions: slow here).
    deviation = math.sqrt(math.fsum((score - mean) ** 2 for score in scores) / count)
    if count < min_scores:
        reason = (
            f"scored {count} nomination{'s' if count != 1 else ''} in this category; "
            f"standardising needs at least {min_scores}"
        )
    elif round(deviation, _TIE_PLACES) == 0:
        reason = f"gave every nomination the same score ({mean:.2f}), so there is no spread to standardise by"
    else:
        reason = None
    return JudgeStanding(judge_id, count, mean, deviation, reason is None, reason)


def _ranked(results):
    """Competition ranking (1, 2=, 2=, 4) by the documented tie-break; unscored nominations unranked, last."""
    scored = [result for result in results if result.count]
    unscored = sorted((result for result in results if not result.count), key=lambda r: r.nomination_id)

    def key(result):
        return (
            -round(result.standardised_mean, _TIE_PLACES),
            -result.count,
            -round(result.minimum, _TIE_PLACES),
        )

    scored.sort(key=lambda r: (key(r), r.nomination_id))
    ranked = []
    for position, result in enumerate(scored):
        equal_before = position > 0 and key(scored[position - 1]) == key(result)
        equal_after = position + 1 < len(scored) and key(scored[position + 1]) == key(result)
        rank = ranked[-1].rank if equal_before else position + 1
        ranked.append(dataclasses.replace(result, rank=rank, tied=equal_before or equal_after))
    return tuple(ranked) + tuple(unscored)


def category_results(
    weights: Mapping[int, int],
    sheets: Iterable[Sheet],
    nomination_ids: Iterable[int] = (),
    min_scores: int = STANDARDISE_MIN_SCORES,
):
    """Results for one category from the judges' complete sheets.

    ``weights`` maps criterion id to weight. ``nomination_ids`` lists every nomination in the category so
    that one nobody has scored still appears (unranked). Sheets from recused or conflicted judges must
    already be left out by the caller.
    """
    weighted = defaultdict(dict)  # nomination id -> judge id -> weighted score
    by_judge = defaultdict(list)
    for sheet in sheets:
        score = weighted_score(sheet.scores, weights)
        weighted[sheet.nomination_id][sheet.judge_id] = score
        by_judge[sheet.judge_id].append(score)

    standings = {judge: _standing(judge, scores, min_scores) for judge, scores in sorted(by_judge.items())}
    all_scores = [score for scores in by_judge.values() for score in scores]
    centre = statistics.fmean(all_scores) if all_scores else 0.0
    standardised_spreads = [s.deviation for s in standings.values() if s.standardised]
    typical_spread = statistics.fmean(standardised_spreads) if standardised_spreads else 0.0

    results = []
    for nomination_id in sorted(set(nomination_ids) | set(weighted)):
        judge_scores = []
        for judge_id, score in sorted(weighted.get(nomination_id, {}).items()):
            standing = standings[judge_id]
            if standing.standardised:
                z = (score - standing.mean) / standing.deviation
                judge_scores.append(JudgeScore(judge_id, score, z, centre + z * typical_spread))
            else:
                judge_scores.append(JudgeScore(judge_id, score, None, score))
        raw = [score.weighted for score in judge_scores]
        results.append(
            NominationResult(
                nomination_id=nomination_id,
                judge_scores=tuple(judge_scores),
                mean=statistics.fmean(raw) if raw else None,
                spread=max(raw) - min(raw) if raw else None,
                minimum=min(raw) if raw else None,
                standardised_mean=statistics.fmean(s.standardised for s in judge_scores) if raw else None,
            )
        )
    return CategoryResults(_ranked(results), tuple(standings.values()), min_scores)
