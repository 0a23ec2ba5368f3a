"""Every command the README shows is run, as written, by a named test, or says why it cannot be here.

A recipe no test runs is a claim nobody checked. ``tests/readme.py`` lists, for each command, the test
that runs it (those tests read the command from the README, so the two cannot drift apart) or the reason
none can on the machine the course is tested on.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import readme  # noqa: E402


def test_every_readme_command_is_claimed():
    unclaimed = [c for c in readme.commands() if readme.claim(c) is None]
    assert not unclaimed, f"README commands that no test runs and no reason excuses: {unclaimed}"


def test_every_claim_names_a_test_that_exists_or_a_reason():
    for pattern, by in readme.CLAIMS.items():
        if by.startswith(("not run here", "not a command")):
            assert ": " in by, f"{pattern}: say why"
            continue
        assert (readme.ROOT / by).is_file(), f"{pattern} is claimed by {by}, which does not exist"


def test_no_claim_is_stale():
    """A claim for a command the README no longer shows is removed, not left to rot."""
    commands = readme.commands()
    stale = [p for p in readme.CLAIMS if not any(readme.claim(c) and readme.claim(c)[0] == p for c in commands)]
    assert not stale, f"claims for commands the README no longer shows: {stale}"
