"""End-to-end tests of the status line's priorities (issue 13, "Reading").

What it is for: at 80x24 and 120x40 the streaming state and the quota stay
on the status line while the title gives way first, and a 429's long retry
line is read whole in the history pane instead of being cut on the status
line (it used to become "…i/docs/rate-limits.; retrying").
What it must not do: reach the network (the fake server only), or sleep
for fixed long times.
"""

import re

import pytest

from test_tui import send, start, wait_until

SIZES = [(80, 24), (120, 40)]
LONG_TITLE = "A conversation with a rather long title about rate limits and retries"


def status(t):
    return t.capture()[-2]  # the input has one row


@pytest.mark.parametrize("width,height", SIZES)
def test_streaming_and_quota_stay_the_title_gives_way(jarvis_tui, fake_gemini, width, height):
    fake_gemini.script([{"kind": "synthetic", "events": 200, "bytes": 6000, "delay": 0.02}])
    t = start(jarvis_tui, width, height)
    send(t, "/new " + LONG_TITLE)
    t.wait_for(re.compile(r"│ A conversation"))
    send(t, "go")
    t.wait_for("streaming")
    line = status(t)
    assert "streaming" in line and re.search(r"\d+ tok/s", line), t.show()
    assert re.search(r"RPM \d+/\d+", line), t.show()
    assert "gemini-3.5-flash" in line, t.show()
    assert LONG_TITLE not in line and "A conv" in line and "…" in line, t.show()
    assert len(line) <= width
    # the answer ends: the help hint comes back where there is room
    wait_until(lambda: "streaming" not in status(t), timeout=20, what="the answer's end")
    wait_until(lambda: "F1 help" in status(t), what="F1 help back")


@pytest.mark.parametrize("width,height", SIZES)
def test_a_429_retry_line_is_read_whole_in_the_history(jarvis_tui, fake_gemini, width, height):
    fake_gemini.script([{"kind": "429", "retry_delay": "2s", "quota": "minute"},
                        {"kind": "text", "text": "answer after the retry"}])
    t = start(jarvis_tui, width, height)
    send(t, "hello")
    t.wait_for("rate-limits")
    line = status(t)
    # the status line has no cut-off start of the message...
    assert "rate-limits.;" not in line and not re.search(r"…\S*; retrying", line), t.show()
    # ...it counts down to the next try
    assert re.search(r"retry in \d+ s", line), t.show()
    # the history has the whole line, its link and its retry part joined up
    hist = " ".join(t.capture()[:-2])
    assert "rate-limits" in hist and "retrying in" in hist, t.show()
    assert re.search(r"retrying\s+in\s+[\d.]+\s+s\s+\(try\s+2\s+of", t.screen()), t.show()
    t.wait_for("answer after the retry", timeout=15)
    # the note stands before the answer, which stays last
    lines = t.capture()
    note = max(i for i, ln in enumerate(lines) if "rate-limits" in ln)
    ans = max(i for i, ln in enumerate(lines) if "answer after the retry" in ln)
    assert note < ans, t.show()
    wait_until(lambda: "retry" not in status(t), what="the retry line to leave the status")
