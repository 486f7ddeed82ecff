"""End-to-end tests of long conversation titles in F3 and /convs, at 80x24 and 120x40.

What it is for: a new user's trial found a long title pushing the id out of
F3's row and /convs's entries wrapping onto a second, unindented row. A
title too long for the row is shortened with "…"; the id, the date and the
message count stay whole, one row each, in columns.
What it must not do: reach the network (the fake Gemini only).
"""

import re

import pytest

from test_store_faults import answer
from test_tui import escape, send, start, wait_until
from test_tui_accounts import cli_signup

SIZES = [(80, 24), (120, 40)]
LONG = "A rather long question title about the moons of Jupiter and Saturn and Uranus too"


def two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height):
    """Ann logged in with a short-titled and a long-titled conversation."""
    cli_signup(run_jarvis)
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    for title in ("short one", LONG):
        answer(fake_gemini, "answered " + title[:5])
        send(t, "/new " + title)
        t.wait_for("new conversation")
        send(t, "a question")
        t.wait_for("answered " + title[:5])
        t.wait_gone("streaming")
        wait_until(lambda: "pending" not in t.capture()[-2], what="the writes")
    send(t, "/clear")
    return t


def stored_ids(run_jarvis):
    r = run_jarvis(["--convs"])
    assert r.returncode == 0, r.stderr
    return re.findall(r"^\s*(\S+)\s", r.stdout, re.M)[1:]  # after the header


@pytest.mark.parametrize("width,height", SIZES)
def test_f3_keeps_the_id_of_a_long_title(jarvis_tui, fake_gemini, run_jarvis, width, height):
    t = two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height)
    ids = stored_ids(run_jarvis)  # newest first, as F3 lists them
    t.send_keys("F3")
    t.wait_for("short one")
    rows = [ln for ln in t.capture() if re.search(r"\d+ msgs", ln)]
    assert len(rows) == 2, t.show()
    # each row ends with its id, whole, inside the box
    for row, cid in zip(rows, ids):
        assert row.rstrip("│ |").endswith("  " + cid), (cid, t.show())
    # the long title gave way, cut with "…"; the short one is whole
    assert re.search(r"msgs  A rather long question title[^│]*…  %s │" % ids[0], rows[0]), t.show()
    assert re.search(r"msgs  short one +%s │" % ids[1], rows[1]), t.show()
    # the ids end in one column
    assert len({row.rindex(" │") for row in rows}) == 1, t.show()
    escape(t)



@pytest.mark.parametrize("width,height", SIZES)
def test_convs_gives_one_row_to_a_long_title(jarvis_tui, fake_gemini, run_jarvis, width, height):
    t = two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height)
    ids = stored_ids(run_jarvis)
    send(t, "/convs")
    t.wait_for("short one")
    screen = t.capture()
    first = next(i for i, ln in enumerate(screen) if re.match(r"^\s*1\. ", ln))
    rows = screen[first:first + 2]
    # one row each, the second entry right under the first: nothing wrapped
    assert re.match(r"^\s*2\. ", rows[1]), t.show()
    assert screen[first + 2].strip() == "", t.show()
    # at 80 columns the long title gives way, at 120 it fits whole
    title = LONG if width == 120 else r"A rather long question title[^(]*…"
    assert re.search(r"  %s  %s \(2 messages\)$" % (ids[0], title), rows[0]), t.show()
    assert rows[1].endswith("  %s  short one (2 messages)" % ids[1]), t.show()
    # the titles start in one column
    assert rows[0].index("A rather") == rows[1].index("short one"), t.show()
