"""End-to-end tests of how an answer's ending is judged (issue 11).

What it is for: a stream that stops without a finishReason (a clean close of
the chunked body, an EOF on a body with no length, a last event with no
content) is never called complete: `-p` prints what came, says it is
incomplete and exits 1; the TUI marks it and says why; the store keeps it as
interrupted. What it must not do: reach the network (the fake server only).
"""

import re

import pytest

from sealer import opened_messages
from test_accounts_cli import signup
from test_tui import send, start

HALF = "Half of an answer that"

# Three ways a body ends cleanly without the model having finished.
UNFINISHED = {
    "chunked-end": {"kind": "text", "text": HALF, "events": 3, "finish": None},
    "eof": {"kind": "text", "text": HALF, "events": 3, "finish": None, "transfer": "close"},
    "empty-last-chunk": {"kind": "parts", "finish": None,
                         "events": [[{"text": HALF}], []]},
}


@pytest.mark.parametrize("how", sorted(UNFINISHED))
def test_oneshot_says_incomplete_and_exits_1(run_jarvis, fake_gemini, how):
    fake_gemini.script([UNFINISHED[how]])
    r = run_jarvis(["-p", "go on", "--no-save"])
    assert r.stdout == HALF + "\n"
    assert r.returncode == 1, r.stderr
    assert "incomplete" in r.stderr and "no finish reason" in r.stderr, r.stderr


def test_oneshot_with_a_finish_reason_is_complete(run_jarvis, fake_gemini):
    """The same bodies with a finishReason are fine: the reason alone decides."""
    fake_gemini.script([dict(UNFINISHED["eof"], finish="STOP")])
    r = run_jarvis(["-p", "go on", "--no-save"])
    assert (r.returncode, r.stdout, r.stderr) == (0, HALF + "\n", "")


def test_oneshot_stores_it_interrupted(run_jarvis, jarvis_env, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([UNFINISHED["chunked-end"]])
    r = run_jarvis(["-p", "go on"])
    assert r.returncode == 1
    # stored sealed (issue 12): opened with the account's key, exactly what arrived
    assert opened_messages(jarvis_env) == [("user", "go on", "complete"),
                                           ("model", HALF, "interrupted")]


@pytest.mark.parametrize("how", ["chunked-end", "empty-last-chunk"])
def test_tui_marks_it_and_says_why(jarvis_tui, fake_gemini, how):
    fake_gemini.script([UNFINISHED[how]])
    t = start(jarvis_tui, width=100)
    send(t, "go on")
    t.wait_for(re.compile(r"^ gemini-3\.5-flash · \d\d:\d\d · interrupted", re.M))
    t.wait_for("no finish reason")
    screen = t.screen()
    assert HALF in screen
    assert "the answer is incomplete" in screen
