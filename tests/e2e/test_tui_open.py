"""End-to-end tests: opening another conversation shows its end, at 80x24 and 120x40.

What it is for: a new user's trial found that a conversation opened with
/select or F3 after scrolling up in a long one kept the old reading place:
its first messages hidden above, "↓ N more lines" of the old answer's
length below, and the "opened" notice off screen.
What it must not do: reach the network (the fake Gemini only).
"""

import pytest

from test_store_faults import answer
from test_tui import send
from test_tui_cmds import SIZES, logged_in, wait_joined


@pytest.mark.parametrize("width,height", SIZES)
def test_a_conversation_opened_after_scrolling_up_shows_its_end(jarvis_tui, fake_gemini,
                                                                run_jarvis, width, height):
    t = logged_in(jarvis_tui, run_jarvis, width, height)
    answer(fake_gemini, "short answer in the first one")
    send(t, "first conversation")
    t.wait_for("short answer in the first one")
    t.wait_gone("streaming")
    send(t, "/new")
    long = "\n\n".join("paragraph %d of a long answer" % i for i in range(200))
    answer(fake_gemini, long + "\n\nthe long answer ends here")
    send(t, "second conversation")
    t.wait_for("the long answer ends here", timeout=20)
    t.wait_gone("streaming")
    t.send_keys("PPage")
    t.send_keys("PPage")
    t.wait_for("more lines (End)")
    send(t, "/select 2")  # listed newest first: 2 is the first conversation
    wait_joined(t, "short answer in the first one")
    wait_joined(t, "first conversation")
    screen = t.screen()
    assert "more line" not in screen, t.show()
    assert "paragraph" not in screen, t.show()
