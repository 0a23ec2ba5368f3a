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
    assert tuple(l.function for l in course.lessons) == GRADED_FUNCTIONS
    # one ordered list: part 1's 13 lessons, its capstone (14), part 2's 8 lessons, its finale (23)
    assert [l.number for l in course.all_notebooks] == list(range(1, 24))
    assert [l.number for l in course.lessons] == list(range(1, 14)) + list(range(15, 23))
    assert [(l.id, l.number, l.part) for l in course.finales] == [("14_capstone", 14, 1), ("23_finale", 23, 2)]
    assert course.capstone is course.finales[0] and course.capstone.function is None
    assert [l.part for l in course.graded_through(1)] == [1] * 13 and len(course.graded_through(2)) == 21
    assert course.max_score == sum(l.points for l in course.lessons) > 0


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
