"""End-to-end tests of what the status line does with what does not fit
(issue 13, "Status line with priorities", a new user's trial).

What it is for: at 80x24 and 120x40 a 429's wait counts down on the status
line ("retry in 4 s", then less) in place of "streaming 0 tok/s", with the
user and the model whole and no blank columns beside a cut item; a notice
with no room (Ctrl-G while streaming, a second Enter while a message is
queued, a long completion list) is put whole in the history, never cut to a
fragment, and leaves the status line once it no longer applies; a long input
says how many of its lines are above the rows shown.
What it must not do: reach the network (the fake server only), or sleep
for fixed long times.
"""

import re
import time

import pytest

from test_tui import escape, send, start, wait_until

SIZES = [(80, 24), (120, 40)]
COMPOSE_HINT = "wait for the answer to end (or Esc to stop it), then compose"
QUEUED_HINT = "a message is queued already: Esc takes it back to edit"


def status(t):
    return t.capture()[-2]  # the input has one row


def history(t):
    """The history rows joined by blanks, so a wrapped line reads whole."""
    return " ".join(" ".join(t.capture()[:-2]).split())


def no_fragment(line, text):
    """text is on the status line whole or not at all: no "…" cut of it."""
    words = text.split()
    if text in line:
        return True
    return not any(w + "…" in line or (w + " …") in line for w in words[:3]) and \
        words[0] + " " + words[1] not in line


@pytest.mark.parametrize("width,height", SIZES)
def test_a_retry_wait_counts_down_on_the_status_line(jarvis_tui, fake_gemini, width, height):
    fake_gemini.script([{"kind": "429", "retry_delay": "4s"},
                        {"kind": "text", "text": "ok after wait"}])
    t = start(jarvis_tui, width, height)
    send(t, "hello")
    t.wait_for(re.compile(r"retry in \d s"))
    first = status(t)
    n = int(re.search(r"retry in (\d) s", first).group(1))
    assert "streaming" not in first and "tok/s" not in first, t.show()
    # the user and the model stay whole; nothing is cut beside blank columns
    assert first.startswith(" guest │ gemini-3.5-flash"), t.show()
    assert not re.search(r"…\s{2,}\S", first), t.show()
    assert len(first) <= width
    # it counts down, live
    wait_until(lambda: re.search(r"retry in (\d) s", status(t)) is not None
               and int(re.search(r"retry in (\d) s", status(t)).group(1)) < n,
               timeout=4, what="the countdown to go down")
    # the whole line is in the history, with no ".;"
    hist = history(t)
    assert "rate-limits" in hist and ".;" not in hist, t.show()
    assert re.search(r"rate-limits; retrying in [\d.]+ s \(try 2 of 3\)", hist), t.show()
    t.wait_for("ok after wait", timeout=10)
    wait_until(lambda: "retry in" not in status(t), what="the countdown to leave")


@pytest.mark.parametrize("width,height", SIZES)
def test_a_notice_with_no_room_is_read_whole_in_the_history(jarvis_tui, fake_gemini,
                                                            width, height):
    fake_gemini.script([{"kind": "synthetic", "events": 150, "bytes": 3000, "delay": 0.03},
                        {"kind": "text", "text": "the queued one answered"}])
    t = start(jarvis_tui, width, height)
    send(t, "go")
    t.wait_for("streaming")
    t.send_keys("C-g")
    wait_until(lambda: COMPOSE_HINT in history(t) or COMPOSE_HINT in status(t),
               what="the compose hint, whole")
    assert no_fragment(status(t), COMPOSE_HINT), t.show()
    # a message queued, then a second Enter: the notice is whole somewhere
    send(t, "queued question")
    send(t, "another")
    wait_until(lambda: QUEUED_HINT in history(t) or QUEUED_HINT in status(t),
               what="the queued hint, whole")
    assert no_fragment(status(t), QUEUED_HINT), t.show()
    # once the queued message went, the notice no longer applies: it goes, no key needed
    t.wait_for("the queued one answered", timeout=20)
    wait_until(lambda: "queued already" not in status(t), timeout=3,
               what="the queued notice to leave the status line")


@pytest.mark.parametrize("width,height", SIZES)
def test_a_hint_leaves_after_a_few_seconds(jarvis_tui, width, height):
    t = start(jarvis_tui, width, height)
    t.send_text("/zzz")
    t.send_keys("Tab")
    t.wait_for("no completions")
    started = time.time()
    wait_until(lambda: "no completions" not in status(t), timeout=8,
               what="the hint to go without a key")
    assert time.time() - started > 2  # it was there long enough to read


@pytest.mark.parametrize("width,height", SIZES)
def test_completions_that_do_not_fit_are_listed_in_the_history(jarvis_tui, width, height):
    t = start(jarvis_tui, width, height)
    t.send_text("/model gemini-")
    t.send_keys("Tab")
    # the candidates are listed whole where they can be read
    wait_until(lambda: re.search(r"gemini-\S+  gemini-\S+  gemini-\S+",
                                 " ".join(t.capture()[:-2])),
               what="the candidates in the history")
    line = status(t)
    assert not re.search(r"gemini-\S*…", line.split("│")[-1]), t.show()
    listed = re.search(r"(gemini-\S+(  gemini-\S+)+)", " ".join(t.capture()[:-2]))
    assert listed and not listed.group(1).endswith("…"), t.show()
    # Tab again lists them again (as readline's second Tab does)
    first = listed.group(1).split()[0]
    before = history(t).count(first)
    t.send_keys("Tab")
    wait_until(lambda: history(t).count(first) > before,
               what="the list again")


@pytest.mark.parametrize("width,height", SIZES)
def test_a_long_input_says_how_many_lines_are_above(jarvis_tui, width, height):
    t = start(jarvis_tui, width, height)
    t.paste("\n".join("line %d of the paste" % i for i in range(1, 61)))
    t.wait_for("line 60 of the paste")
    wait_until(lambda: re.search(r"↑ \d+ more lines?", t.screen()), what="the marker")
    scr = t.capture()
    shown = [ln for ln in scr if re.search(r"line \d+ of the paste", ln)]
    above = int(re.search(r"↑ (\d+) more lines?", t.screen()).group(1))
    assert above + len(shown) == 60, t.show()
    escape(t)
