"""End-to-end tests of long and wide tables in an answer (issue 15, "Tables").

What it is for: a table is laid out only as far as it is drawn (an index
of rows, not their text), so these check what the reader sees of it: the
last row of a streamed table is on screen when the answer ends; a table
too wide for the pane even with narrowed columns reads as "header: value"
lines with a rule between rows; scrolling up through a long table shows
its rows in order, each once, and Home reaches its header. At 80x24 and
120x40.
What it must not do: reach the network (the fake server only).
"""

import re
import time

import pytest

from test_tui import send, start, status_row, wait_until

SIZES = [(80, 24), (120, 40)]


def long_table(rows):
    lines = ["| id | name | weight |", "|---:|:---:|---:|"]
    lines += ["| %d | row%d | %d.5 |" % (i, i, i % 97) for i in range(rows)]
    return "\n".join(lines) + "\n"


def settled(t):
    """The screen once two captures in a row agree: tmux may show a frame half
    applied (a row's new id beside its old cells) while its bytes still arrive."""
    last = t.capture()
    for _ in range(100):
        time.sleep(0.05)
        now = t.capture()
        if now == last:
            return now
        last = now
    return last


def table_rows(t):
    """The ids of the table rows on screen, top to bottom, checked cell by cell."""
    ids = []
    for ln in settled(t)[:status_row(t)]:
        m = re.fullmatch(r"\s*(\d+) │\s+row(\d+)\s+│\s+(\d+)\.5\s*", ln)
        if m:
            assert m.group(1) == m.group(2), ln
            assert int(m.group(3)) == int(m.group(1)) % 97, ln
            ids.append(int(m.group(1)))
    return ids


@pytest.mark.parametrize("width,height", SIZES)
def test_streamed_table_ends_with_its_last_row_on_screen(jarvis_tui, fake_gemini, width,
                                                         height):
    fake_gemini.script([{"kind": "synthetic", "text": long_table(400), "events": 80,
                         "delay": 0.01}])
    t = start(jarvis_tui, width, height)
    send(t, "a long table")
    t.wait_for("row399")
    t.wait_gone("streaming")
    ids = table_rows(t)
    assert ids and ids[-1] == 399, t.show()
    assert ids == list(range(ids[0], 400)), t.show()
    # the numbers are right-aligned under their header
    line = next(ln for ln in t.capture() if re.match(r"\s*399 │", ln))
    assert re.match(r"^ 399 │ row399 │ +\d+\.5$", line.rstrip()), line


@pytest.mark.parametrize("width,height", SIZES)
def test_scrolling_up_through_a_long_table_shows_the_right_rows(jarvis_tui, fake_gemini, width,
                                                                height):
    fake_gemini.script([{"kind": "synthetic", "text": long_table(300), "events": 10}])
    t = start(jarvis_tui, width, height)
    send(t, "a long table")
    t.wait_for("row299")
    t.wait_gone("streaming")
    seen = table_rows(t)
    last = seen[0]
    for _ in range(60):
        t.send_keys("PPage")
        wait_until(lambda: table_rows(t) and table_rows(t)[0] < last or 0 in table_rows(t),
                   what="the view to move up")
        ids = table_rows(t)
        # consecutive rows, and the page above joins the one below it
        assert ids == list(range(ids[0], ids[0] + len(ids))), t.show()
        assert ids[-1] >= last - 1, t.show()
        last = ids[0]
        if ids[0] == 0:
            break
    assert last == 0, t.show()
    screen = t.capture()
    head = next(i for i, ln in enumerate(screen) if re.match(r"^\s+id │\s+name\s+│ weight$",
                                                             ln.rstrip()))
    assert re.match(r"^ ─+┼─+┼─+$", screen[head + 1].rstrip()), t.show()
    assert re.match(r"^\s+0 │\s+row0\s+│\s+0\.5$", screen[head + 2].rstrip()), t.show()


def wide_table(cols, rows):
    head = "| " + " | ".join("column%d" % c for c in range(cols)) + " |"
    delim = "|" + "---|" * cols
    body = ["| " + " | ".join("value-%d-%d" % (r, c) for c in range(cols)) + " |"
            for r in range(rows)]
    return "\n".join([head, delim] + body) + "\n\nAfter the table.\n"


@pytest.mark.parametrize("width,height", SIZES)
def test_very_wide_table_shows_as_a_list(jarvis_tui, fake_gemini, width, height):
    # 16 columns: even six columns each and " │ " between them exceed 120
    fake_gemini.script([{"kind": "synthetic", "text": wide_table(16, 3), "events": 12,
                         "delay": 0.02}])
    t = start(jarvis_tui, width, height)
    send(t, "a wide table")
    t.wait_for("After the table.")
    t.wait_gone("streaming")
    screen = t.capture()
    assert not any(" │ value" in ln for ln in screen), t.show()
    # the last row, one "header: value" line a cell, under a rule
    at = next(i for i, ln in enumerate(screen) if ln.strip() == "column0: value-2-0")
    assert re.fullmatch(r" ─+", screen[at - 1].rstrip()), t.show()
    for c in range(16):
        assert screen[at + c].strip() == "column%d: value-2-%d" % (c, c), t.show()
    assert screen[at + 16].strip() == "", t.show()
    assert screen[at + 17].strip() == "After the table.", t.show()
    # no line runs past the pane
    assert all(len(ln.rstrip()) <= width for ln in screen)


@pytest.mark.parametrize("width,height", SIZES)
def test_a_narrowed_column_breaks_its_cells_between_words(jarvis_tui, fake_gemini, width,
                                                          height):
    words = ("This is a rather long description cell that will need wrapping inside its "
             "column for sure, at either width of the pane, as a new user's trial found")
    table = "| Name | Description | Notes |\n|---|:---:|---:|\n| short | %s | n1 |\n" % words
    fake_gemini.script([{"kind": "text", "text": table + "\nafter the table\n"}])
    t = start(jarvis_tui, width, height)
    send(t, "a table")
    t.wait_for("after the table")
    t.wait_gone("streaming")
    rows = [ln for ln in t.capture()[:status_row(t)] if "│" in ln and "─" not in ln]
    cells = [ln.split("│")[1].strip() for ln in rows[1:]]  # under the header row
    assert len(cells) > 1, t.show()  # narrowed: the cell takes several lines
    assert " ".join(cells) == words, t.show()  # every line ends and starts at a word
