"""End-to-end tests of retired model ids (issue 11).

What it is for: the 2.5 models were shut down on 2026-12-01 (research/
gemini-api.md §6); a conversation stored with one says so when it opens
and names the replacement, and -p with one warns on stderr. These tests
read the machine's clock, which is past that date.
What it must not do: reach the network (the fake server only).
"""

import fake_gemini as fg
from test_accounts_cli import signup
from test_tui import send, start

GONE = "gemini-2.5-flash was shut down on 2026-12-01"


def test_oneshot_warns_and_names_the_replacement(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "hi", "--no-save", "-m", "gemini-2.5-flash"])
    assert r.returncode == 0, r.stderr
    assert "jarvis: warning: " + GONE + "; -m gemini-3.5-flash-lite uses its replacement" \
        in r.stderr
    assert r.stdout == fg.DEFAULT_ANSWER
    r = run_jarvis(["-p", "hi", "--no-save", "-m", "gemini-3.5-flash"])
    assert "shut down" not in r.stderr


def test_opening_a_conversation_on_a_retired_model_says_so(run_jarvis, jarvis_tui, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    assert run_jarvis(["-p", "old question", "-m", "gemini-2.5-flash"]).returncode == 0
    t = start(jarvis_tui, width=140, height=30)
    send(t, "/select 1")
    t.wait_for("this conversation's model " + GONE + "; /model gemini-3.5-flash-lite uses")
    send(t, "/model gemini-3.5-flash-lite")
    t.wait_for("gemini-3.5-flash-lite │")
    send(t, "/model gemini-2.5-pro")
    t.wait_for("gemini-2.5-pro was shut down on 2026-12-01; /model gemini-3.8-flash uses")
