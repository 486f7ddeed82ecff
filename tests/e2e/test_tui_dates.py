"""End-to-end tests of dates in the TUI (issue 13, "Reading: Dates").

What it is for: a message header shows the date when the message is not
from today; /convs lists dates, one line per conversation with no blank
line between; F3 shows each conversation's id and filters on the
messages' text as well as on titles. At 80x24 and 120x40, on a real
SQLite store whose timestamps the test moves three days back.
What it must not do: reach the network (the fake server only).
"""

import os
import re
import sqlite3
import time

import pytest

from test_store_faults import answer
from test_tui import send, start, wait_until
from test_tui_accounts import cli_signup

SIZES = [(80, 24), (120, 40)]
THREE_DAYS_MS = 3 * 24 * 3600 * 1000


def db_path(jarvis_env):
    return os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")


def age_everything(jarvis_env, ms):
    """Moves every message and conversation ms back in time."""
    db = sqlite3.connect(db_path(jarvis_env))
    with db:
        db.execute("UPDATE messages SET created_at = created_at - ?", (ms,))
        db.execute("UPDATE conversations SET created_at = created_at - ?, "
                   "updated_at = updated_at - ?", (ms, ms))
    ids = [r[0] for r in db.execute("SELECT id FROM conversations ORDER BY updated_at DESC")]
    db.close()
    return [str(i) for i in ids]


def two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height):
    cli_signup(run_jarvis)
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    answer(fake_gemini, "zebras have stripes")
    send(t, "first question")
    t.wait_for("zebras have stripes")
    send(t, "/new")
    t.wait_for("new conversation")
    answer(fake_gemini, "otters hold hands")
    send(t, "second question")
    t.wait_for("otters hold hands")
    t.wait_gone("streaming")
    wait_until(lambda: "pending" not in t.capture()[-2], what="the writes to land")
    t.send_keys("C-d")
    t.wait_exit()


@pytest.mark.parametrize("width,height", SIZES)
def test_old_messages_show_their_date_and_convs_lists_dates(jarvis_tui, fake_gemini,
                                                            jarvis_env, run_jarvis,
                                                            width, height):
    two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height)
    ids = age_everything(jarvis_env, THREE_DAYS_MS)
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - THREE_DAYS_MS / 1000))
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "/convs")
    row = r"^\s*%d\. %s \d\d:\d\d  %s  %s \(2 messages\)$"
    t.wait_for(re.compile(row % (2, day, ids[1], "first question"), re.M))
    lines = t.capture()
    first = [i for i, ln in enumerate(lines)
             if re.match(row % (1, day, ids[0], "second question"), ln)]
    assert len(first) == 1, t.show()
    # no blank line between the entries
    assert re.match(row % (2, day, ids[1], "first question"), lines[first[0] + 1]), t.show()
    send(t, "/select 2")
    t.wait_for('opened "first question"')
    t.wait_for(re.compile(r"^ you · %s \d\d:\d\d$" % day, re.M))
    t.wait_for(re.compile(r"^ gemini-3\.5-flash · %s \d\d:\d\d$" % day, re.M))
    # a new message today shows the time alone
    answer(fake_gemini, "still zebras")
    send(t, "today's question")
    t.wait_for("still zebras")
    t.wait_for(re.compile(r"^ you · \d\d:\d\d$", re.M))


@pytest.mark.parametrize("width,height", SIZES)
def test_f3_shows_ids_and_filters_on_text(jarvis_tui, fake_gemini, jarvis_env, run_jarvis,
                                          width, height):
    two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height)
    ids = age_everything(jarvis_env, 0)
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    t.send_keys("F3")
    t.wait_for("Conversations")
    t.wait_for("first question")
    screen = t.screen()
    assert re.search(r"second question\s+%s\b" % ids[0], screen), t.show()
    assert re.search(r"first question\s+%s\b" % ids[1], screen), t.show()
    # "otters" is in the second conversation's answer only, not in a title
    t.send_text("/otters")
    t.wait_for("filter: otters")
    t.wait_gone("first question")
    assert "second question" in t.screen(), t.show()
    # and a title still filters
    for _ in range(len("otters")):
        t.send_keys("BSpace")
    t.send_text("first")
    t.wait_for("filter: first")
    t.wait_gone("second question")
    assert "first question" in t.screen(), t.show()
