"""Every catalogued mistake is caught and named by both runners; right answers written differently pass;
the notebook's check (stored fixtures) and the grader (live reference) agree."""
import pytest
from coursekit import MUTANT_SOURCES, MUTANTS, SUITES, VARIANTS

from autograder.grader.mutation import run_trials


@pytest.fixture(scope="module")
def trials():
    return {(t.function, t.name): t for t in run_trials()}


MUTANT_IDS = [(f, m if k == 0 else f"{m}#{k + 1}") for f in MUTANT_SOURCES for m in MUTANT_SOURCES[f]
              for k in range(len(MUTANT_SOURCES[f][m]))]
VARIANT_IDS = [(f, f"variant {i}") for f in VARIANTS for i in range(1, len(VARIANTS[f]) + 1)]


@pytest.mark.parametrize("function, mistake", MUTANT_IDS, ids=[f"{f}/{m}" for f, m in MUTANT_IDS])
def test_every_known_mistake_is_caught_and_named_by_both_runners(trials, function, mistake):
    t = trials[(function, mistake)]
    for runner, report in (("sandbox", t.sandbox), ("notebook", t.notebook)):
        # caught: failed, or passed with a note naming it (a mistake its check only notes, part 1's float64)
        assert t.caught(report), f"{runner} passed {function}/{mistake}"
        assert t.hinted(report), f"{runner} did not name '{t.title}':\n{report.first_failure}"


@pytest.mark.parametrize("function, variant", VARIANT_IDS, ids=[f"{f}/{v}" for f, v in VARIANT_IDS])
def test_right_answers_written_differently_pass_both_runners(trials, function, variant):
    t = trials[(function, variant)]
    assert t.sandbox.passed, t.sandbox.first_failure
    assert t.notebook.passed, t.notebook.first_failure


def test_there_are_at_least_a_dozen_right_variants():
    assert len(VARIANT_IDS) >= 12


def test_catalogue_holds_the_original_notebooks_bugs_and_the_classics():
    required = {"backward_prop": {"scalar_db", "global_m", "missing_1_over_m", "w2_not_transposed"},
                "one_hot": {"max_plus_one"}, "softmax": {"no_shift", "wrong_axis"}, "relu": {"np_max"},
                "get_predictions": {"wrong_axis"}, "get_accuracy": {"count"}, "update_params": {"plus"}}
    for function, ids in required.items():
        assert ids <= set(MUTANTS[function]), function
    for function, suite in SUITES.items():
        assert {m.id for m in suite.mistakes} == set(MUTANTS[function]), f"{function}: hints and mutants differ"


@pytest.mark.parametrize("function, mistake, expected", [
    ("backward_prop", "scalar_db", "db1 is a float64"),
    ("one_hot", "max_plus_one", "shape (9, 12), expected (10, 12) = (10, m)"),
    ("softmax", "no_shift", "NaN"),
], ids=["scalar-db", "max-plus-one", "unstable-softmax"])
def test_messages_say_what_was_expected_and_what_came_back(trials, function, mistake, expected):
    assert expected in trials[(function, mistake)].notebook.first_failure + \
        " ".join(r.message for r in trials[(function, mistake)].notebook.results)


def test_runners_agree_check_by_check_on_every_trial(trials):
    """The notebook's check (stored fixtures) and the grader (live reference) give the same verdicts
    and messages on every visible check, for every mistake and variant."""
    random_answers = {("gradient_descent", "ignores_params"), ("gradient_descent", "drops_rng"),
                      ("gradient_descent", "zero_is_no_seed"), ("init_params", "ignores_rng"),
                      ("init_params", "ignores_rng#2")}
    for key, t in trials.items():
        visible = [(r.id, r.status, r.message) for r in t.sandbox.results if not r.hidden]
        here = [(r.id, r.status, r.message) for r in t.notebook.results]
        if key in random_answers:  # they draw fresh random numbers: the same verdicts, other figures
            visible, here = [v[:2] for v in visible], [h[:2] for h in here]
        assert visible == here, key
