"""course.yml: the one manifest, validated on load with errors that say what to fix."""
import json

import pytest
import yaml

from autograder.learner.course import CourseError, load_course, parse_course

GRADED_FUNCTIONS = load_course().functions


def valid():
    return {"title": "t", "repository": "https://github.com/a/b", "lessons": [
        {"id": "01_one_hot", "function": "one_hot", "title": "x", "points": 2},
        {"id": "02_relu", "function": "relu", "title": "y", "points": 1}]}


def test_the_course_teaches_every_graded_function_once_in_order(course):
    assert tuple(f for l in course.lessons if l.function for f in l.functions) == GRADED_FUNCTIONS
    # one ordered list: part 1's 13 lessons, its capstone (14), part 2's 8 lessons, its finale (23), and
    # part 3, the bug hunt (24), which grades again four functions taught in part 1
    assert [l.number for l in course.all_notebooks] == list(range(1, 25))
    assert [l.number for l in course.lessons] == list(range(1, 14)) + list(range(15, 23)) + [24]
    assert [(l.id, l.number, l.part) for l in course.finales] == [("14_capstone", 14, 1), ("23_finale", 23, 2)]
    assert course.capstone is course.finales[0] and course.capstone.function is None
    assert [l.part for l in course.graded_through(1)] == [1] * 13 and len(course.graded_through(2)) == 21
    assert course.max_score == sum(l.points for l in course.lessons) > 0
    hunt = course.lesson("24_bug_hunt")
    assert hunt.part == 3 and hunt.function is None and hunt.graded and hunt.notebook == "bug_hunt.ipynb"
    assert hunt.functions == ("one_hot", "softmax", "init_params", "backward_prop")
    assert hunt.points == sum(v.points for v in hunt.per_function) == 10
    assert all(course.lesson_for(f).number < hunt.number for f in hunt.functions)  # taught earlier


def test_a_lesson_of_several_functions_gives_one_view_per_function():
    data = valid()
    data["lessons"].append({"id": "03_review", "title": "z", "functions": [
        {"function": "relu", "points": 1}, {"function": "softmax", "points": 3, "timeout": 20}]})
    course = parse_course(data)
    review = course.lesson("03_review")
    assert review.function is None and review.functions == ("relu", "softmax") and review.points == 4
    views = review.per_function
    assert [(v.id, v.function, v.points, v.timeout, v.notebook) for v in views] == [
        ("03_review", "relu", 1, 10, "review.ipynb"), ("03_review", "softmax", 3, 20, "review.ipynb")]
    assert [v.per_function for v in views] == [(views[0],), (views[1],)]  # a view is one function's lesson
    assert [(v.id, v.function) for v in course.per_function] == [
        ("01_one_hot", "one_hot"), ("02_relu", "relu"), ("03_review", "relu"), ("03_review", "softmax")]
    assert course.functions == ("one_hot", "relu", "softmax")  # each once, in the order first taught
    assert course.lesson_for("relu").id == "02_relu" and course.lesson_for("softmax").id == "03_review"
    assert course.max_score == 2 + 1 + 4
    assert parse_course(json.loads(json.dumps(course.to_dict()))) == course  # course.json round-trips


@pytest.mark.parametrize("functions, message", [
    ([{"function": "relu", "points": 1}], "two or more"),
    ([{"function": "relu", "points": 1}, {"function": "relu", "points": 2}], "lists a function twice"),
    ([{"function": "relu", "points": 1}, {"function": "sigmoid", "points": 2}], "unknown function 'sigmoid'"),
    ([{"function": "relu", "points": 1}, {"function": "softmax"}], "needs a function and its points"),
    ([{"function": "relu", "points": 1}, {"function": "softmax", "points": 0}], "positive whole number"),
])
def test_a_lesson_of_several_functions_is_validated(functions, message):
    data = valid()
    data["lessons"].append({"id": "03_review", "title": "z", "functions": functions})
    with pytest.raises(CourseError, match=message):
        parse_course(data)


def test_functions_and_function_together_are_refused():
    data = valid()
    data["lessons"].append({"id": "03_review", "title": "z", "function": "relu", "points": 1,
                            "functions": [{"function": "relu", "points": 1}, {"function": "softmax", "points": 1}]})
    with pytest.raises(CourseError, match="both 'functions' and 'function'"):
        parse_course(data)


def test_ungraded_notebooks_close_parts_in_the_one_list():
    data = valid()
    data["lessons"].insert(1, {"id": "01b_capstone", "title": "a capstone"})
    data["lessons"].append({"id": "03_finale", "title": "a finale"})
    course = parse_course(data)
    assert [l.id for l in course.lessons] == ["01_one_hot", "02_relu"]
    assert [(l.id, l.part, l.number) for l in course.all_notebooks] == [
        ("01_one_hot", 1, 1), ("01b_capstone", 1, 2), ("02_relu", 2, 3), ("03_finale", 2, 4)]
    assert parse_course(json.loads(json.dumps(course.to_dict()))) == course  # course.json round-trips
    old = valid()  # the older layout, a single `capstone:` after the lessons, still reads
    old["capstone"] = {"id": "03_capstone", "title": "c"}
    assert [l.id for l in parse_course(old).finales] == ["03_capstone"]


def test_an_ungraded_notebook_needs_lessons_before_it():
    data = valid()
    data["lessons"].insert(0, {"id": "00_intro", "title": "x"})
    with pytest.raises(CourseError, match="closes a part that has no graded lesson"):
        parse_course(data)


def test_packaged_copy_matches_course_yml(root, course):
    """autograder/learner/course.json is generated from course.yml for installs without the repository."""
    assert parse_course(json.loads((root / "autograder" / "learner" / "course.json").read_text()), "course.json") == course


@pytest.mark.parametrize("change, message", [
    (lambda d: d["lessons"][1].update(function="sigmoid"), "unknown function 'sigmoid'"),
    (lambda d: d["lessons"][1].update(id="01_one_hot"), "duplicate lesson id '01_one_hot'"),
    (lambda d: d["lessons"][1].pop("points"), "has no 'points'"),
    (lambda d: d["lessons"][1].update(points=0), "points must be a positive whole number"),
    (lambda d: d["lessons"][1].update(function="one_hot"), "taught by two lessons"),
    (lambda d: d.pop("lessons"), "missing 'lessons'"),
    (lambda d: d["lessons"][0].update(timeout=-1), "positive number of seconds"),
], ids=["unknown-function", "duplicate-lesson", "missing-points", "zero-points", "function-twice",
        "no-lessons", "bad-timeout"])
def test_invalid_manifests_are_refused_with_a_clear_message(change, message):
    data = valid()
    change(data)
    with pytest.raises(CourseError, match=message):
        parse_course(data)


def test_unreadable_yaml_names_the_file(tmp_path):
    path = tmp_path / "course.yml"
    path.write_text("lessons: [unclosed\n")
    with pytest.raises(CourseError, match="course.yml is not valid YAML"):
        load_course(path)


def test_missing_manifest_says_how_to_get_one(tmp_path):
    with pytest.raises(CourseError, match="not found"):
        load_course(tmp_path / "course.yml")


def test_valid_manifest_round_trips(tmp_path):
    path = tmp_path / "course.yml"
    path.write_text(yaml.safe_dump(valid()))
    course = load_course(path)
    assert [l.function for l in course.lessons] == ["one_hot", "relu"]
    assert course.lesson_for("relu").path == "lessons/02_relu/relu.ipynb"
