"""End-to-end tests of how answers' Markdown looks (issue 13, "Reading: Markdown").

What it is for: heading levels look different from each other (with
colour and without); strikethrough is drawn as such (SGR 9) where the
terminal can; task lists show ☐ and ☑; links are OSC 8 hyperlinks (text
shown, URL clickable) where the terminal takes them, and "text (url)"
otherwise (tmux 3.3a). At 80x24 and 120x40; NO_COLOR turns colour off.
What it must not do: reach the network (the fake server only).
"""

import re

import pytest

from test_tui import send, start, wait_until
from test_tui_sync import PtyTerm

SIZES = [(80, 24), (120, 40)]
ANSWER = ("# Top title\n\n## Second level\n\n### Third level\n\n#### Fourth level\n\n"
          "Some ~~struck words~~ here.\n\n- [ ] todo item\n- [x] done item\n\n"
          "See [the docs](https://example.com/docs?a=1) for more.\n")


def sgr_before(line, word):
    """The SGR parameters in effect where word starts on an escaped capture line."""
    i = line.index(word)
    codes = re.findall(r"\x1b\[([0-9;]*)m", line[:i])
    on = set()
    for c in codes:
        for p in (c or "0").split(";"):
            if p in ("0", ""):
                on = set()
            elif p in ("22", "23", "24", "27", "29", "39"):
                on.discard({"22": "1", "23": "3", "24": "4", "27": "7", "29": "9"}.get(p, p))
                if p == "39":
                    on = {x for x in on if not x.startswith("3") or len(x) == 1}
            else:
                on.add(p)
    return on


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("no_color", [False, True])
def test_headings_strike_tasks_and_plain_links_in_tmux(jarvis_tui, fake_gemini, width, height,
                                                        no_color):
    fake_gemini.script([{"kind": "text", "text": ANSWER}])
    env = {"NO_COLOR": "1"} if no_color else None
    t = start(jarvis_tui, width, height, env=env)
    send(t, "show me")
    t.wait_for("for more.")
    plain = t.capture()
    assert any(ln.strip() == "☐ todo item" for ln in plain), t.show()
    assert any(ln.strip() == "☑ done item" for ln in plain), t.show()
    # tmux 3.3a takes no OSC 8: the URL is written out
    assert any("the docs (https://example.com/docs?a=1)" in ln for ln in plain), t.show()
    esc = t.capture(escapes=True)

    def line_with(word):
        return next(ln for ln in esc if word in ln)
    looks = [frozenset(sgr_before(line_with(w), w)) for w in
             ("Top title", "Second level", "Third level", "Fourth level")]
    assert len(set(looks)) == 4, looks  # every level its own look
    assert "1" in looks[0] and "4" in looks[0]  # level 1: bold, underlined
    if no_color:
        assert not any(re.search(r"\x1b\[[0-9;]*3[0-7]m", ln) for ln in esc), esc
    struck = sgr_before(line_with("struck words"), "struck words")
    assert "9" in struck, line_with("struck words")
    assert "9" not in sgr_before(line_with("Some"), "Some")


@pytest.mark.parametrize("width,height", SIZES)
def test_links_are_osc8_where_the_terminal_takes_them(jarvis_bin, jarvis_env, fake_gemini,
                                                      width, height):
    fake_gemini.script([{"kind": "text", "text": ANSWER}])
    env = dict(jarvis_env)
    env["TERM"] = "xterm-256color"
    env["TERM_PROGRAM"] = "WezTerm"
    term = PtyTerm([jarvis_bin], env, width, height)
    try:
        term.wait_for(b"F1 help")
        term.write(b"show me\r")
        fake_gemini.wait_requests(1, "stream")
        term.wait_for(b"\x1b]8;;https://example.com/docs?a=1\x1b\\the docs\x1b]8;;\x1b\\")
        term.pump(0.3)
        # the text alone: no " (url)" after it
        assert b"(https://example.com" not in term.out
    finally:
        term.close()
