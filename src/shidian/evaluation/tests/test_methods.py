"""The scoring methods against published worked examples, hand computations and properties (no database).

Published numbers are quoted as numbers only. Where no published example with numbers was found, the test says
"hand computation" and shows the arithmetic, so a reader can redo it with a pencil.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from shidian.evaluation.methods import (
    attainment,
    competition_rank,
    coupling_coordination,
    entropy_weights,
    min_max,
    topsis,
    trimmed_mean,
    weighted_total,
)

B = "benefit"
C = "cost"


# --- TOPSIS -------------------------------------------------------------------------------------------------------


def test_topsis_matches_tzeng_and_huang_2011():
    """Tzeng, G.-H. & Huang, J.-J. (2011), Multiple Attribute Decision Making: Methods and Applications, CRC Press,
    TOPSIS worked example: 4 alternatives x 3 benefit criteria, weights 0.3/0.4/0.3 (table number not checked
    against the book; numbers as reproduced in scikit-criteria's tests/agg/test_similarity.py,
    test_TOPSIS_tzeng2011multiple)."""
    matrix = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]
    closeness = topsis(matrix, [0.3, 0.4, 0.3], directions=[B, B, B])
    np.testing.assert_allclose(closeness, [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)
    assert competition_rank(closeness, decimals=4).tolist() == [3, 2, 1, 4]


def test_topsis_matches_papathanasiou_and_ploskas_2018():
    """Papathanasiou, J. & Ploskas, N. (2018), Multiple Criteria Decision Aid: Methods, Examples and Python
    Implementations, Springer, ch. 1 (TOPSIS), facility location example: 6 sites x 4 benefit criteria,
    weights 0.4/0.3/0.1/0.2; closeness to 3 decimals (as reproduced in the distance_metrics_mcda test suite)."""
    matrix = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]]
    closeness = topsis(matrix, [0.4, 0.3, 0.1, 0.2], directions=[B] * 4)
    assert np.round(closeness, 3).tolist() == [0.387, 0.327, 0.391, 0.615, 0.868, 0.493]


def test_topsis_with_a_cost_criterion_matches_hodgett_topsis_in_excel():
    """Hodgett, R., "TOPSIS in Excel" worked example (hodgett.co.uk/topsis-in-excel): three cars, purchase price a
    cost criterion, weights 0.35/0.25/0.25/0.15; closeness 0.4817 / 0.5182 / 0.1780 (the same numbers are asserted
    by the R package MCDA, tests/TOPSIS.R)."""
    matrix = [[5490, 51.4, 8.5, 285], [6500, 70.6, 7.0, 288], [6489, 54.3, 7.5, 290]]
    closeness = topsis(matrix, [0.35, 0.25, 0.25, 0.15], directions=[C, B, B, B])
    assert np.round(closeness, 4).tolist() == [0.4817, 0.5182, 0.1780]


def test_topsis_cost_column_hand_computation():
    """Hand computation of the smallest cases, to show what the cost direction does.

    Two pilots, one cost column x = (3, 4), weight 1. Vector normalisation: r = x / sqrt(9 + 16) = (0.6, 0.8).
    For a cost column the ideal is the minimum (0.6) and the anti-ideal the maximum (0.8), so pilot 1 is the ideal
    (C = 1) and pilot 2 the anti-ideal (C = 0). Adding a benefit column y = (3, 4) with equal weight:
    v = 0.5 * r; S+ of pilot 1 = |0.5 * (0.6 - 0.8)| = 0.1 (it misses the benefit ideal), S- = 0.1, C = 0.5; same
    for pilot 2 by symmetry.
    """
    np.testing.assert_allclose(topsis([[3], [4]], [1.0], directions=[C]), [1.0, 0.0])
    np.testing.assert_allclose(topsis([[3, 3], [4, 4]], [0.5, 0.5], directions=[C, B]), [0.5, 0.5])


def test_topsis_missing_value_counts_as_the_column_worst():
    matrix = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
    with_gap = matrix.copy()
    with_gap[0, 1] = np.nan  # pilot 1's second value missing -> the column's worst observed, 4
    filled = matrix.copy()
    filled[0, 1] = 4
    np.testing.assert_allclose(
        topsis(with_gap, [0.3, 0.4, 0.3], directions=[B, B, B]),
        topsis(filled, [0.3, 0.4, 0.3], directions=[B, B, B]),
    )


def test_topsis_identical_pilots_all_score_one():
    np.testing.assert_allclose(topsis([[2, 3], [2, 3]], [0.5, 0.5], directions=[B, C]), [1.0, 1.0])


# --- entropy weights ---------------------------------------------------------------------------------------------


def test_entropy_weights_match_xu_2004():
    """Xu, X. (2004), "A note on the subjective and objective integrated approach to determine attribute weights",
    European Journal of Operational Research 156(2), 530-532: the entropy weights of its 4 x 4 example, shares of
    the raw values (numbers as reproduced in the pyrepo-mcda / objective-weights-mcda test suites)."""
    matrix = np.array([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]], dtype=float)
    weights = entropy_weights(matrix, directions=[B] * 4, normalisation="sum", shift=0.0)
    assert np.round(weights, 4).tolist() == [0.4630, 0.3992, 0.1378, 0.0000]


def test_entropy_weights_match_zavadskas_and_podvezko_2016():
    """Zavadskas, E. K. & Podvezko, V. (2016), "Integrated determination of objective criteria weights in MCDM",
    International Journal of Information Technology & Decision Making 15(2), 267-283: entropy weights of the
    4 x 4 example with two cost criteria; the entropy of the shares does not depend on the direction (numbers as
    reproduced in the pyrepo-mcda test suite)."""
    matrix = [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]]
    weights = entropy_weights(matrix, directions=[C, B, C, B], normalisation="sum", shift=0.0)
    assert np.round(weights, 4).tolist() == [0.1146, 0.1981, 0.4185, 0.2689]


def test_entropy_weights_match_elsayed_dawood_karthikeyan_2017():
    """Elsayed, E. A., Dawood, A. S. & Karthikeyan, R. (2017), "Evaluating alternatives through the application of
    TOPSIS method with entropy weight", International Journal of Engineering Trends and Technology 46(2), 60-66:
    12 alternatives x 5 criteria (numbers as reproduced in the pymcdm test suite, test_weights.py)."""
    matrix = np.array(
        [
            [7, 312, 1891, 6613, 163],
            [72, 88, 728, 941804, 1078],
            [10, 252, 2594, 3466, 117471],
            [10, 145, 980, 2371, 86329],
            [65, 54, 350, 501, 29897],
            [29, 48, 380, 912, 34051],
            [7, 476, 3300, 78470, 2212],
            [70, 87, 650, 733, 819000],
            [4, 86, 591, 3015, 103],
            [12, 79, 579, 3240, 96098],
            [21, 45, 261, 1253, 453],
            [1, 72, 530, 4333, 0.104800],
        ],
        dtype=float,
    )
    weights = entropy_weights(matrix, directions=[B] * 5, normalisation="sum", shift=0.0)
    assert np.round(weights, 6).tolist() == [0.104991, 0.069124, 0.071373, 0.449937, 0.304575]


def test_entropy_weights_min_max_with_shift_hand_computation():
    """Hand computation of the default variant (min-max, then + 1e-4), as Chinese evaluation studies do it.

    Column 1 (benefit) 1, 2, 3 -> min-max 0, 0.5, 1 -> + 1e-4 -> 0.0001, 0.5001, 1.0001 (sum 1.5003).
    Column 2 (cost) 10, 10, 40 -> reversed min-max 1, 1, 0 -> 1.0001, 1.0001, 0.0001 (sum 2.0003).
    e_j = -(1 / ln 3) * sum p ln p; d_j = 1 - e_j; w_j = d_j / (d_1 + d_2).
    """
    p1 = np.array([0.0001, 0.5001, 1.0001]) / 1.5003
    p2 = np.array([1.0001, 1.0001, 0.0001]) / 2.0003
    e1 = -(p1 * np.log(p1)).sum() / math.log(3)
    e2 = -(p2 * np.log(p2)).sum() / math.log(3)
    expected = np.array([1 - e1, 1 - e2]) / (2 - e1 - e2)
    # The pencil numbers: p1 = (0.0000667, 0.33333, 0.66660), p2 = (0.49998, 0.49998, 0.0000500);
    # e1 = 0.58000, e2 = 0.63139; d = (0.42000, 0.36861); w = (0.53259, 0.46741).
    np.testing.assert_allclose(expected, [0.53259, 0.46741], atol=1e-5)
    weights = entropy_weights([[1, 10], [2, 10], [3, 40]], directions=[B, C])
    np.testing.assert_allclose(weights, expected, rtol=1e-12)


def test_entropy_weights_constant_column_gets_no_weight():
    weights = entropy_weights([[1, 5], [2, 5], [4, 5]], directions=[B, B])
    assert weights[1] == pytest.approx(0.0, abs=1e-12)
    assert weights[0] == pytest.approx(1.0)


def test_entropy_weights_all_constant_columns_fall_back_to_equal_weights():
    np.testing.assert_allclose(entropy_weights([[1, 5], [1, 5]], directions=[B, C]), [0.5, 0.5])


def test_entropy_weights_shift_zero_takes_zero_ln_zero_as_zero():
    weights = entropy_weights([[0, 1], [1, 2], [2, 4]], directions=[B, B], shift=0.0)
    assert np.isfinite(weights).all()
    assert weights.sum() == pytest.approx(1.0)


# --- min-max normalisation ---------------------------------------------------------------------------------------


def test_min_max_hand_computation():
    """Hand computation: benefit (x - min) / (max - min), cost (max - x) / (max - min).

    Benefit 10, 20, 40: span 30 -> 0, 1/3, 1. Cost 10, 20, 40 -> 1, 2/3, 0. Constant 7, 7, 7 -> 1, 1, 1.
    """
    result = min_max([[10, 10, 7], [20, 20, 7], [40, 40, 7]], directions=[B, C, B])
    np.testing.assert_allclose(result, [[0.0, 1.0, 1.0], [1 / 3, 2 / 3, 1.0], [1.0, 0.0, 1.0]])


def test_min_max_missing_value_scores_zero_and_does_not_move_the_range():
    result = min_max([[10.0], [np.nan], [40.0], [20.0]], directions=[B])
    np.testing.assert_allclose(result[:, 0], [0, 0, 1, 1 / 3])


def test_min_max_column_with_no_value_scores_zero():
    result = min_max([[np.nan, 1], [np.nan, 2]], directions=[B, B])
    np.testing.assert_allclose(result, [[0, 0], [0, 1]])


# --- target attainment -------------------------------------------------------------------------------------------


def test_attainment_hand_computation():
    """Hand computation: benefit value / target, cost target / value, capped at 1, missing 0.

    Benefit 60 of 80 -> 0.75; benefit 100 of 80 -> 1.25 -> capped 1. Cost: energy use 0.5 against a ceiling of
    0.4 -> 0.4 / 0.5 = 0.8; 0.3 against 0.4 -> reached -> 1. Missing value -> 0.
    """
    result = attainment(
        [[60, 0.5], [100, 0.3], [np.nan, 0.4]],
        [[80, 0.4], [80, 0.4], [80, 0.4]],
        directions=[B, C],
    )
    np.testing.assert_allclose(result, [[0.75, 0.8], [1.0, 1.0], [0.0, 1.0]])


def test_attainment_with_baseline_measures_progress_from_the_base_year():
    """Hand computation: (value - base) / (target - base). Urbanisation rate base 50 %, target 60 %, now 57 % ->
    7 / 10 = 0.7 (the plain ratio would say 0.95). Cost: base 1.0, ceiling 0.6, now 0.9 -> 0.1 / 0.4 = 0.25.
    A missing baseline falls back to the plain ratio (57 / 60 = 0.95)."""
    result = attainment(
        [[57, 0.9], [57, 0.9]],
        [[60, 0.6], [60, 0.6]],
        baselines=[[50, 1.0], [np.nan, 1.0]],
        directions=[B, C],
    )
    np.testing.assert_allclose(result, [[0.7, 0.25], [0.95, 0.25]])


def test_attainment_cap_allows_over_achievement_up_to_the_cap():
    result = attainment([[100], [200]], [[80], [80]], directions=[B], cap=1.2)
    np.testing.assert_allclose(result[:, 0], [1.2, 1.2])
    assert attainment([[88]], [[80]], directions=[B], cap=1.2)[0, 0] == pytest.approx(1.1)


def test_attainment_zero_target_and_mixed_signs_keep_reached_or_not():
    # benefit target 0: reached -> full; cost with value 0: reached -> full
    np.testing.assert_allclose(attainment([[0, 0]], [[0, 5]], directions=[B, C]), [[1.0, 1.0]])
    # growth rate -1 % against a target of -2 %: reached; -4 % against -2 %: not reached (ratio 2 means nothing)
    np.testing.assert_allclose(attainment([[-1], [-4]], [[-2], [-2]], directions=[B])[:, 0], [1.0, 0.0])


# --- coupling coordination ---------------------------------------------------------------------------------------


def test_coupling_coordination_matches_urban_rural_logistics_2022_table_4():
    """ "Urban-Rural Logistics Coupling Coordinated Development and Urban-Rural Integrated Development: Measurement,
    Influencing Factors, and Countermeasures", Mathematical Problems in Engineering, vol. 2022, article 2969206,
    Table 4: urban (Uu) and rural (Ur) logistics indices 2011-2020 with C, T (equal weights) and D. The published
    U are rounded to 3 decimals, so C, T, D agree to 0.001."""
    u = [
        [0.101, 0.280],
        [0.165, 0.406],
        [0.187, 0.427],
        [0.238, 0.511],
        [0.424, 0.421],
        [0.538, 0.407],
        [0.591, 0.466],
        [0.694, 0.581],
        [0.892, 0.662],
        [0.879, 0.637],
    ]
    result = coupling_coordination(u)
    np.testing.assert_allclose(
        result.c, [0.882, 0.906, 0.920, 0.931, 1.000, 0.990, 0.993, 0.996, 0.989, 0.987], atol=1e-3
    )
    np.testing.assert_allclose(
        result.t, [0.190, 0.286, 0.307, 0.374, 0.422, 0.473, 0.528, 0.638, 0.777, 0.758], atol=1e-3
    )
    np.testing.assert_allclose(
        result.d, [0.410, 0.509, 0.532, 0.590, 0.650, 0.684, 0.724, 0.797, 0.877, 0.865], atol=1e-3
    )


def test_coupling_coordination_two_subsystems_hand_computation():
    """Hand computation of the two-subsystem model (population vs land urbanisation).

    C = 2 * sqrt(U1 * U2) / (U1 + U2), T = (U1 + U2) / 2, D = sqrt(C * T).
    (0.2, 0.8): C = 2 * 0.4 / 1.0 = 0.8; T = 0.5; D = sqrt(0.4) = 0.632456.
    (0.5, 0.5): C = 1; T = 0.5; D = sqrt(0.5) = 0.707107.
    (0.3, 0.6) with weights 0.4 / 0.6: C = 2 * sqrt(0.18) / 0.9 = 0.942809; T = 0.12 + 0.36 = 0.48;
    D = sqrt(0.942809 * 0.48) = 0.672717.
    """
    result = coupling_coordination([[0.2, 0.8], [0.5, 0.5]])
    np.testing.assert_allclose(result.c, [0.8, 1.0])
    np.testing.assert_allclose(result.t, [0.5, 0.5])
    np.testing.assert_allclose(result.d, [math.sqrt(0.4), math.sqrt(0.5)])
    weighted = coupling_coordination([[0.3, 0.6]], weights=[0.4, 0.6])
    np.testing.assert_allclose(weighted.c, [0.942809], atol=1e-6)
    np.testing.assert_allclose(weighted.t, [0.48])
    np.testing.assert_allclose(weighted.d, [0.672717], atol=1e-6)


def test_coupling_coordination_three_subsystems_stays_within_zero_one():
    """Hand computation for k = 3: C = (U1 U2 U3)^(1/3) / ((U1 + U2 + U3) / 3).

    (0.1, 0.2, 0.4): geometric mean (0.008)^(1/3) = 0.2, arithmetic mean 0.7 / 3, C = 0.6 / 0.7 = 6/7.
    The misused form n * {U1 U2 U3 / [(U1+U2)(U1+U3)(U2+U3)]}^(1/n) would give 3 * (0.008 / 0.09)^(1/3)
    = 1.3389 here (and 1.5 for three equal scores): above 1, which is why it is not used.
    """
    misused = 3 * (0.1 * 0.2 * 0.4 / (0.3 * 0.5 * 0.6)) ** (1 / 3)
    assert misused == pytest.approx(1.3389, abs=1e-4)
    result = coupling_coordination([[0.1, 0.2, 0.4], [0.3, 0.3, 0.3]])
    np.testing.assert_allclose(result.c, [6 / 7, 1.0])
    np.testing.assert_allclose(result.t, [0.7 / 3, 0.3])
    np.testing.assert_allclose(result.d, np.sqrt(result.c * result.t))


def test_coupling_coordination_a_zero_subsystem_means_no_coupling():
    result = coupling_coordination([[0.0, 0.6], [0.0, 0.0]])
    np.testing.assert_allclose(result.c, [0.0, 0.0])
    np.testing.assert_allclose(result.t, [0.3, 0.0])
    np.testing.assert_allclose(result.d, [0.0, 0.0])


# --- ranking, expert scores, totals -------------------------------------------------------------------------------


def test_competition_rank_is_1224_on_printed_scores():
    """Standard competition ranking ("1224"): ties share the best rank and the next rank is skipped; scores are
    compared as printed (2 decimals, half up like core.formatting.number), so 90.005 ties with 90.01."""
    ranks = competition_rank([95.0, 90.01, 90.005, 80.0, 90.004])
    assert ranks.tolist() == [1, 2, 2, 5, 4]


def test_competition_rank_lower_is_better_and_missing_last():
    assert competition_rank([3.0, 1.0, np.nan, 1.0], higher_is_better=False).tolist() == [3, 1, 4, 1]
    assert competition_rank([np.nan, 70.0, np.nan]).tolist() == [2, 1, 2]


def test_trimmed_mean_drops_extremes_from_five_experts():
    """The programme rule (issue 12): with five or more experts, the highest and the lowest score are dropped.

    Hand computation: (70, 80, 85, 90, 100) -> drop 70 and 100 -> (80 + 85 + 90) / 3 = 85. Four scores
    (70, 80, 90, 100) -> plain mean 85. A repeated extreme drops once: (60, 60, 80, 100, 100) -> (60 + 80 + 100) / 3.
    """
    assert trimmed_mean([90, 70, 100, 85, 80]) == pytest.approx(85.0)
    assert trimmed_mean([70, 80, 90, 100]) == pytest.approx(85.0)
    assert trimmed_mean([100, 30, 30, 30]) == pytest.approx(47.5)
    assert trimmed_mean([60, 60, 80, 100, 100]) == pytest.approx(80.0)
    assert trimmed_mean([50]) == pytest.approx(50.0)


def test_weighted_total_with_the_default_scheme_weights():
    """Hand computation with the default scheme (任务完成 35, 指标进展 25, 改革创新 20, 报告 10, 省级评价 10):
    (90, 80, 0, 100, 70) -> (3150 + 2000 + 0 + 1000 + 700) / 100 = 68.5."""
    totals = weighted_total([[90, 80, 0, 100, 70], [100, 100, 100, 100, 100]], [35, 25, 20, 10, 10])
    np.testing.assert_allclose(totals, [68.5, 100.0])


# --- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: min_max([[1, 2]], directions=[B]), "one direction per column"),
        (lambda: min_max([[1, 2]], directions=[B, "up"]), "unknown direction"),
        (lambda: min_max([[1, 2]], directions="benefit"), "not a single string"),
        (lambda: min_max([1, 2], directions=[B]), "2-D matrix"),
        (lambda: min_max(np.empty((0, 2)), directions=[B, B]), "at least one row"),
        (lambda: min_max([[1, np.inf]], directions=[B, B]), "finite numbers"),
        (lambda: attainment([[1, 2]], [[1, 2, 3]], directions=[B, B]), "same shape"),
        (lambda: attainment([[1]], [[1]], directions=[B], baselines=[[1, 2]]), "same shape"),
        (lambda: attainment([[1]], [[1]], directions=[B], cap=0), "cap must be"),
        (lambda: topsis([[1, 2], [3, 4]], [0.5, 0.6], directions=[B, B]), "sum to 1"),
        (lambda: topsis([[1, 2], [3, 4]], [1.5, -0.5], directions=[B, B]), "must not be negative"),
        (lambda: topsis([[1, 2], [3, 4]], [1.0], directions=[B, B]), "one weight per column"),
        (lambda: topsis([[1, 2], [3, 4]], [np.nan, 1.0], directions=[B, B]), "finite"),
        (lambda: entropy_weights([[1, 2]], directions=[B, B]), "at least 2 pilots"),
        (lambda: entropy_weights([[1], [2]], directions=[B], shift=-1), "shift"),
        (lambda: entropy_weights([[1], [-2]], directions=[B], normalisation="sum"), "non-negative"),
        (
            lambda: entropy_weights([[1], [2]], directions=[B], normalisation="z"),  # type: ignore[arg-type]
            "unknown normalisation",
        ),
        (lambda: coupling_coordination([[0.5], [0.4]]), "at least 2 subsystems"),
        (lambda: coupling_coordination([[0.5, 1.2]]), "lie in \\[0, 1\\]"),
        (lambda: coupling_coordination([[0.5, np.nan]]), "complete"),
        (lambda: coupling_coordination([[0.5, 0.4]], weights=[0.5, 0.6]), "sum to 1"),
        (lambda: competition_rank([[1, 2]]), "one-dimensional"),
        (lambda: competition_rank([1.0, np.inf]), "finite"),
        (lambda: competition_rank([1.0], decimals=-1), "decimals"),
        (lambda: trimmed_mean([]), "at least one score"),
        (lambda: trimmed_mean([80, np.nan]), "finite"),
        (lambda: trimmed_mean([80, 90], drop_extremes_from=2), "at least 3"),
        (lambda: weighted_total([[80, 90]], [60, 30]), "sum to 100"),
        (lambda: weighted_total([[80, 90]], [120, -20]), "must not be negative"),
        (lambda: weighted_total([[80, 190]], [60, 40]), "lie in \\[0, 100\\]"),
        (lambda: weighted_total([[80, np.nan]], [60, 40]), "every dimension"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_weights_within_rounding_of_their_total_are_accepted():
    weighted_total([[80, 90, 70]], [33.3333333, 33.3333333, 33.3333334])
    topsis([[1, 2, 3], [3, 2, 1]], [1 / 3, 1 / 3, 1 / 3], directions=[B, B, B])


# --- properties --------------------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
non_negative = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
unit = st.floats(min_value=0, max_value=1, allow_nan=False, allow_infinity=False)


@st.composite
def matrices(draw, elements=finite, min_rows=1):
    rows = draw(st.integers(min_value=min_rows, max_value=8))
    cols = draw(st.integers(min_value=1, max_value=5))
    matrix = draw(hnp.arrays(np.float64, (rows, cols), elements=elements))
    directions = draw(st.lists(st.sampled_from([B, C]), min_size=cols, max_size=cols))
    return matrix, directions


@st.composite
def weight_vectors(draw, size, total=1.0):
    raw = np.array(draw(st.lists(st.integers(min_value=0, max_value=100), min_size=size, max_size=size)), float)
    if raw.sum() == 0:
        raw[0] = 1
    return raw / raw.sum() * total


@settings(max_examples=80, deadline=None)
@given(matrices())
def test_min_max_lies_in_zero_one_and_puts_the_best_at_one(case):
    matrix, directions = case
    result = min_max(matrix, directions=directions)
    assert ((result >= 0) & (result <= 1)).all()
    assert np.isclose(result.max(axis=0), 1.0).all()


@settings(max_examples=80, deadline=None)
@given(matrices(min_rows=2), st.sampled_from([0.0, 1e-4, 0.01]))
def test_entropy_weights_are_non_negative_and_sum_to_one(case, shift):
    matrix, directions = case
    weights = entropy_weights(matrix, directions=directions, shift=shift)
    assert (weights >= 0).all()
    assert weights.sum() == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(matrices(elements=non_negative, min_rows=2))
def test_sum_variant_entropy_weights_sum_to_one(case):
    matrix, directions = case
    weights = entropy_weights(matrix, directions=directions, normalisation="sum")
    assert (weights >= 0).all()
    assert weights.sum() == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_topsis_closeness_lies_in_zero_one_and_is_deterministic(data):
    matrix, directions = data.draw(matrices())
    weights = data.draw(weight_vectors(matrix.shape[1]))
    first = topsis(matrix, weights, directions=directions)
    assert ((first >= 0) & (first <= 1)).all()
    np.testing.assert_array_equal(first, topsis(matrix.copy(), weights.copy(), directions=list(directions)))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_methods_do_not_depend_on_the_order_of_the_pilots(data):
    matrix, directions = data.draw(matrices(min_rows=2))
    weights = data.draw(weight_vectors(matrix.shape[1]))
    order = np.array(data.draw(st.permutations(range(matrix.shape[0]))))
    shuffled = matrix[order]
    np.testing.assert_allclose(min_max(shuffled, directions=directions), min_max(matrix, directions=directions)[order])
    np.testing.assert_allclose(
        topsis(shuffled, weights, directions=directions), topsis(matrix, weights, directions=directions)[order]
    )
    np.testing.assert_allclose(
        entropy_weights(shuffled, directions=directions), entropy_weights(matrix, directions=directions), atol=1e-9
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=12))
def test_trimmed_mean_drops_extremes_only_from_five_scores(scores):
    result = trimmed_mean(scores)
    ordered = sorted(scores)
    expected = ordered[1:-1] if len(scores) >= 5 else ordered
    assert result == pytest.approx(sum(expected) / len(expected))
    assert min(scores) - 1e-9 <= result <= max(scores) + 1e-9


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=15))
def test_competition_rank_counts_the_strictly_better_printed_scores(scores):
    ranks = competition_rank(scores)
    printed = [float(Decimal(str(s)).quantize(Decimal("0.01"), ROUND_HALF_UP)) for s in scores]
    for rank, mine in zip(ranks, printed, strict=True):
        assert rank == 1 + sum(other > mine for other in printed)
    # ties share the rank, and the best rank is 1
    assert ranks.min() == 1
    for i, a in enumerate(printed):
        for j, b in enumerate(printed):
            if a == b:
                assert ranks[i] == ranks[j]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_weighted_total_stays_within_the_dimension_scores(data):
    cols = data.draw(st.integers(min_value=1, max_value=6))
    rows = data.draw(st.integers(min_value=1, max_value=6))
    scores = data.draw(hnp.arrays(np.float64, (rows, cols), elements=st.floats(0, 100)))
    weights = data.draw(weight_vectors(cols, total=100.0))
    totals = weighted_total(scores, weights)
    assert (totals >= scores.min(axis=1) - 1e-9).all()
    assert (totals <= scores.max(axis=1) + 1e-9).all()


@settings(max_examples=80, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(2, 4)), elements=unit))
def test_coupling_degree_and_coordination_degree_lie_in_zero_one(subsystems):
    result = coupling_coordination(subsystems)
    for part in (result.c, result.t, result.d):
        assert ((part >= 0) & (part <= 1 + 1e-12)).all()
    # D never exceeds the geometric mean of C and T's larger one: D = sqrt(C T) <= max(C, T)
    assert (result.d <= np.maximum(result.c, result.t) + 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_attainment_lies_in_zero_cap(data):
    values, directions = data.draw(matrices())
    targets = data.draw(hnp.arrays(np.float64, values.shape, elements=finite))
    cap = data.draw(st.sampled_from([1.0, 1.2]))
    result = attainment(values, targets, directions=directions, cap=cap)
    assert ((result >= 0) & (result <= cap)).all()


@settings(max_examples=60, deadline=None)
@given(matrices(min_rows=2))
def test_a_pilot_with_missing_values_scores_zero_and_moves_nobody_else(case):
    matrix, directions = case
    with_gap = np.vstack([matrix, np.full((1, matrix.shape[1]), np.nan)])
    result = min_max(with_gap, directions=directions)
    np.testing.assert_array_equal(result[:-1], min_max(matrix, directions=directions))
    assert (result[-1] == 0).all()


@settings(max_examples=60, deadline=None)
@given(matrices(min_rows=2))
def test_min_max_entropy_is_the_sum_variant_on_the_shifted_standardised_matrix(case):
    matrix, directions = case
    standard = min_max(matrix, directions=directions) + 1e-4
    np.testing.assert_allclose(
        entropy_weights(matrix, directions=directions),
        entropy_weights(standard, directions=[B] * matrix.shape[1], normalisation="sum", shift=0.0),
        atol=1e-12,
    )


def test_round_half_up_is_decimal_half_up_on_the_printed_value_for_every_element():
    # Exact halves in decimal that are not halves in binary (2.675 is 2.67499999... as a float, 1.005 too):
    # the array rounding must say what Decimal(repr(v)).quantize(ROUND_HALF_UP) says, element by element.
    import random

    from shidian.evaluation.methods import round_half_up

    rng = random.Random(16)  # noqa: S311 - test data
    values = [2.675, 1.005, 0.125, 1.115, 87.245, 99.995, 0.0, 100.0, float("nan")]
    values += [rng.randint(0, 1_000_000) / 1000 for _ in range(5000)] + [rng.uniform(0, 100) for _ in range(5000)]
    got = round_half_up(values, 2)
    for v, g in zip(values, got.tolist(), strict=True):
        if v != v:
            assert g != g
            continue
        assert g == float(Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), v
    assert round_half_up([2.5, 3.5, 0.45], 0).tolist() == [3.0, 4.0, 0.0]
