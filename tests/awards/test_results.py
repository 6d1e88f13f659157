"""Fair results computed from plain numbers, checked against hand calculations."""

import math

import pytest

from nalw.awards.results import Sheet, category_results, weighted_score

# Criterion ids 1, 2, 3 weighted 2, 1, 1.
WEIGHTS_2_1_1 = {1: 2, 2: 1, 3: 1}
ONE_CRITERION = {1: 1}


def single(judge_id, nomination_id, score):
    return Sheet(judge_id, nomination_id, {1: score})


def by_nomination(results):
    return {result.nomination_id: result for result in results.nominations}


def test_weights_2_1_1_give_each_judges_weighted_score_and_the_mean_by_hand():
    sheets = [
        Sheet(judge_id=1, nomination_id=10, scores={1: 8, 2: 6, 3: 4}),  # (16 + 6 + 4) / 4 = 6.5
        Sheet(judge_id=2, nomination_id=10, scores={1: 10, 2: 5, 3: 7}),  # (20 + 5 + 7) / 4 = 8.0
        Sheet(judge_id=3, nomination_id=10, scores={1: 3, 2: 9, 3: 9}),  # (6 + 9 + 9) / 4 = 6.0
    ]

    result = by_nomination(category_results(WEIGHTS_2_1_1, sheets))[10]

    assert [(score.judge_id, score.weighted) for score in result.judge_scores] == [(1, 6.5), (2, 8.0), (3, 6.0)]
    assert result.mean == pytest.approx(20.5 / 3)
    assert result.spread == 2.0
    assert result.minimum == 6.0
    assert result.count == 3
    # Three scores each: too few to standardise, so the standardised mean is the raw mean.
    assert result.standardised_mean == pytest.approx(20.5 / 3)


def test_weighted_score_stays_on_the_0_to_10_scale():
    assert weighted_score({1: 10, 2: 10, 3: 10}, WEIGHTS_2_1_1) == 10
    assert weighted_score({1: 0, 2: 10, 3: 10}, WEIGHTS_2_1_1) == 5


def test_ranking_follows_the_mean_not_the_total_when_judges_differ_in_number():
    sheets = [
        single(1, 10, 6),
        single(2, 10, 6),
        single(3, 10, 6),  # three judges, total 18, mean 6
        single(4, 20, 8),  # one judge, total 8, mean 8
        single(5, 30, 7),
        single(6, 30, 7),  # two judges, mean 7
    ]

    results = category_results(ONE_CRITERION, sheets)

    assert [(r.nomination_id, r.rank, r.count, r.mean) for r in results.nominations] == [
        (20, 1, 1, 8.0),
        (30, 2, 2, 7.0),
        (10, 3, 3, 6.0),
    ]
    assert not any(r.tied for r in results.nominations)


def test_harsh_and_lenient_judges_are_standardised_to_the_same_scale_by_hand():
    # The harsh judge scores nominations 1-5 as 1..5 (mean 3); the lenient judge scores 6-10 as 5..9 (mean 7).
    # Each has population standard deviation sqrt(2). The category's mean of all ten scores is 5 and the
    # typical spread sqrt(2), so a z of +sqrt(2) maps to 5 + sqrt(2) * sqrt(2) = 7, z of 0 maps to 5.
    sheets = [single(1, n, n) for n in range(1, 6)] + [single(2, n, n - 1) for n in range(6, 11)]

    results = category_results(ONE_CRITERION, sheets)
    result = by_nomination(results)

    assert all(judge.standardised and judge.reason is None for judge in results.judges)
    assert results.judges[0].mean == 3 and results.judges[0].deviation == pytest.approx(math.sqrt(2))
    assert result[5].judge_scores[0].z == pytest.approx(math.sqrt(2))
    assert result[5].standardised_mean == pytest.approx(7)  # harsh judge's best, raw 5
    assert result[8].standardised_mean == pytest.approx(5)  # lenient judge's middle, raw 7
    assert result[1].standardised_mean == pytest.approx(3)
    # On raw means the lenient judge's middle nomination (7) would beat the harsh judge's best (5).
    assert result[8].mean > result[5].mean
    assert result[5].rank < result[8].rank
    # The two bests are level on the standardised mean and on the count; the higher lowest score (9) wins.
    assert (result[10].rank, result[5].rank) == (1, 2)


def test_a_judge_who_gives_everyone_the_same_score_is_used_raw_with_a_reason_and_no_nan():
    constant = [single(1, n, 7) for n in range(1, 7)]
    varied = [single(2, n, n) for n in range(1, 7)]

    results = category_results(ONE_CRITERION, constant + varied)

    standing = {judge.judge_id: judge for judge in results.judges}
    assert standing[1].standardised is False
    assert standing[1].deviation == 0
    assert "same score (7.00)" in standing[1].reason
    assert [judge.judge_id for judge in results.raw_score_notes] == [1]
    assert standing[2].standardised is True
    for result in results.nominations:
        constant_score = next(s for s in result.judge_scores if s.judge_id == 1)
        assert constant_score.z is None and constant_score.standardised == 7
        assert all(math.isfinite(value) for value in (result.mean, result.spread, result.standardised_mean))


def test_a_judge_with_too_few_scores_is_used_raw_with_a_reason():
    few = [single(1, n, n + 2) for n in range(1, 5)]  # four nominations, varied

    results = category_results(ONE_CRITERION, few)

    (standing,) = results.judges
    assert standing.standardised is False
    assert standing.reason == "scored 4 nominations in this category; standardising needs at least 5"
    assert [r.standardised_mean for r in results.nominations] == [6, 5, 4, 3]


def test_the_minimum_number_of_scores_can_be_set():
    few = [single(1, n, n) for n in range(1, 5)]

    results = category_results(ONE_CRITERION, few, min_scores=4)

    assert results.judges[0].standardised is True
    assert results.min_scores == 4


def test_one_score_alone_gives_no_division_by_zero():
    results = category_results(ONE_CRITERION, [single(1, 1, 4)])

    (result,) = results.nominations
    assert (result.mean, result.spread, result.standardised_mean, result.rank) == (4, 0, 4, 1)
    assert results.judges[0].reason == "scored 1 nomination in this category; standardising needs at least 5"


def test_ties_are_broken_by_more_scores_then_the_higher_minimum_and_a_remaining_tie_is_shown():
    sheets = [
        single(1, 1, 7),
        single(2, 1, 7),  # mean 7, two scores, lowest 7
        single(1, 4, 7),
        single(2, 4, 7),  # the same on every count as nomination 1
        single(3, 3, 6),
        single(4, 3, 8),  # mean 7, two scores, lowest 6: behind on the minimum
        single(5, 2, 7),  # mean 7, one score: behind on the count
    ]

    results = category_results(ONE_CRITERION, sheets, nomination_ids=[1, 2, 3, 4, 5])

    assert [(r.nomination_id, r.rank, r.tied) for r in results.nominations] == [
        (1, 1, True),
        (4, 1, True),
        (3, 3, False),
        (2, 4, False),
        (5, None, False),  # nobody scored it: listed, unranked, last
    ]


def test_float_noise_does_not_break_a_tie():
    # Ten criteria of weight 1, so a weighted score is a total over 10. Means of 0.1, 0.3, 0.3 and of
    # 0.1, 0.2, 0.4 are both 7/30, but differ in the last bit of a float; the lowest is 0.1 in both.
    weights = dict.fromkeys(range(1, 11), 1)

    def sheet(judge_id, nomination_id, total):
        return Sheet(judge_id, nomination_id, {criterion: int(criterion == 1) * total for criterion in weights})

    sheets = [sheet(judge, 1, total) for judge, total in ((1, 1), (2, 3), (3, 3))]
    sheets += [sheet(judge, 2, total) for judge, total in ((1, 1), (2, 2), (3, 4))]

    results = category_results(weights, sheets)

    first, second = results.nominations
    assert first.mean != second.mean  # the noise is there ...
    assert [(r.rank, r.tied) for r in results.nominations] == [(1, True), (1, True)]  # ... and ignored


def test_no_scores_at_all_gives_an_empty_unranked_list():
    results = category_results(ONE_CRITERION, [], nomination_ids=[3])

    (result,) = results.nominations
    assert (result.mean, result.spread, result.standardised_mean, result.rank, result.count) == (
        None,
        None,
        None,
        None,
        0,
    )
    assert results.judges == ()
