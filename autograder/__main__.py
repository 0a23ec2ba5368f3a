"""``python -m autograder``: grade submissions, prove the checks, build the course, show progress."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.strip("`"))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("grade", help="grade a lesson notebook or a folder of them (instructors)")
    p.add_argument("path", help="a lesson notebook, or a folder holding a learner's lesson notebooks")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--function", action="append", help="grade only this function (repeatable)")
    p.add_argument("--jobs", type=int, default=None, help="functions graded at once (default: CPU count)")

    p = sub.add_parser("mutants", help="run every known mistake and right variant through the checks")
    p.add_argument("--function", action="append", help="only this function (repeatable)")

    args = parser.parse_args(argv)
    if args.command == "grade":
        from .grade import main as run
    elif args.command == "mutants":
        from .mutation import main as run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
