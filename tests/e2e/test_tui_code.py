"""End-to-end tests of code blocks in answers (issue 13, "Reading: Code blocks").

What it is for: a code block's lines are never word-wrapped: a line wider
than the pane is cut at its edge with a dim "→" in the last column, and
Shift-Right (or Alt->) scrolls the code lines sideways to show the rest,
with a "←" before them; Shift-Left (or Alt-<) brings them back. Indentation
is kept (tabs to every fourth column). /copy code still copies the text as
it came. A block in a known language is coloured by token (keywords, types,
numbers, comments: each in another SGR than the plain code), the same when
it streams in cut anywhere, and not at all with NO_COLOR. At 80x24 and
120x40.
What it must not do: reach the network (the fake server only).
"""

import re

import pytest

from test_tui import send, start, wait_until
from test_tui_copy import osc52, pipe_output, raw_output, tmux_buffer

SIZES = [(80, 24), (120, 40)]


def long_line(width):
    """A code line wider than a width-column pane, its end marked."""
    words = " ".join("w%03d" % i for i in range(width // 2))
    return "x = [" + words + "]  # END_OF_LINE"


def answer(width):
    return ("Here is the code:\n\n```\n" + long_line(width) + "\n"
            "def f():\n\tif True:\n\t\treturn 1\n"
            "```\n\nThat is all.\n")


def code_rows(lines):
    """The rows of the history that show the block's lines."""
    return [ln for ln in lines if re.match(r"^ [ ←]? ?\S", ln) and ("w0" in ln or "END" in ln)]


@pytest.mark.parametrize("width,height", SIZES)
def test_long_code_line_is_cut_with_a_marker_and_scrolls_sideways(jarvis_tui, fake_gemini,
                                                                  width, height):
    fake_gemini.script([{"kind": "text", "text": answer(width)}])
    t = start(jarvis_tui, width, height)
    send(t, "show me code")
    t.wait_for("That is all.")
    lines = t.capture()
    start_row = next(i for i, ln in enumerate(lines) if "x = [w000" in ln)
    row = lines[start_row]
    # one row, cut at the edge with the marker in the last column: not wrapped
    assert row.startswith("   x = [w000 w001"), t.show()
    assert len(row) == width and row.endswith("→"), t.show()
    assert "END_OF_LINE" not in t.screen(), t.show()
    # the next row is the next code line, not the rest of this one
    assert lines[start_row + 1] == "   def f():", t.show()
    # indentation kept: tabs to every fourth column
    assert lines[start_row + 2] == "       if True:", t.show()
    assert lines[start_row + 3] == "           return 1", t.show()

    # Shift-Right until the end of the long line shows; the marker goes
    t.send_keys("S-Right")
    t.wait_for(re.compile(r"^  ←", re.M))
    for _ in range(6):
        if "END_OF_LINE" in t.screen():
            break
        t.send_keys("S-Right")
        t.wait_for(re.compile(r"^  ←", re.M))
    lines = t.capture()
    row = next(ln for ln in lines if "END_OF_LINE" in ln)
    assert row.endswith("# END_OF_LINE"), t.show()
    assert not row.endswith("→"), t.show()
    assert len(row) <= width - 1, t.show()
    assert row.startswith("  ←"), t.show()
    # prose is not moved
    assert any(ln == " Here is the code:" for ln in lines), t.show()
    assert any(ln == " That is all." for ln in lines), t.show()
    # no further to go: a hint says so and nothing moves
    before = t.capture()
    t.send_keys("S-Right")
    t.wait_for("no more code to the right")
    assert [ln for ln in t.capture() if "END_OF_LINE" in ln] == \
        [ln for ln in before if "END_OF_LINE" in ln]

    # Shift-Left back to the start (Alt-< does the same)
    for _ in range(8):
        if "x = [w000" in t.screen():
            break
        t.send_keys("M-<")
        t.wait_for(re.compile(r"\S"))
    t.wait_for("x = [w000")
    wait_until(lambda: not re.search(r"^  ←", t.screen(), re.M), what="the ← marker gone")
    row = next(ln for ln in t.capture() if "x = [w000" in ln)
    assert row.startswith("   x = [w000") and row.endswith("→"), t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_alt_greater_scrolls_and_copy_code_keeps_the_whole_line(jarvis_tui, fake_gemini,
                                                               tmp_path, width, height):
    fake_gemini.script([{"kind": "text", "text": answer(width)}])
    t = start(jarvis_tui, width, height)
    out = str(tmp_path / "raw")
    pipe_output(t, out)
    send(t, "show me code")
    t.wait_for("That is all.")
    t.send_keys("M->")
    t.wait_for(re.compile(r"^  ←", re.M))
    send(t, "/copy code")
    # the block as it came: uncut, tabs as tabs
    want = long_line(width) + "\ndef f():\n\tif True:\n\t\treturn 1\n"
    wait_until(lambda: osc52(want) in raw_output(t, out), what="OSC 52 of the whole block")
    wait_until(lambda: tmux_buffer(t) == want, what="tmux buffer = the block")


# ------------------------------------------------------------- colour

C_ANSWER = ("Here is C:\n\n```c\n"
            "/* a comment that\n"
            "   spans lines */\n"
            "int main(void) {\n"
            "    return count + 42; // the end\n"
            "}\n"
            "```\n\nDone here.\n")


SGR_OFF = {"22": {"1", "2"}, "23": {"3"}, "24": {"4"}, "27": {"7"}, "29": {"9"}}


def sgr_before(line, word):
    """The SGR parameters in effect where word starts on an escaped capture line."""
    i = line.index(word)
    on = set()
    for c in re.findall(r"\x1b\[([0-9;]*)m", line[:i]):
        for p in (c or "0").split(";"):
            if p in ("0", ""):
                on = set()
            elif p in SGR_OFF:
                on -= SGR_OFF[p]
            elif p == "39":  # default foreground
                on = {x for x in on if not (len(x) == 2 and x[0] == "3")}
            else:
                on.add(p)
    return frozenset(on)


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("no_color", [False, True])
def test_code_block_is_coloured_as_it_streams_unless_no_color(jarvis_tui, fake_gemini, width,
                                                             height, no_color):
    # in a dozen events: the block is cut at arbitrary bytes, the comment too
    fake_gemini.script([{"kind": "text", "text": C_ANSWER, "events": 12, "delay": 0.05}])
    t = start(jarvis_tui, width, height, env={"NO_COLOR": "1"} if no_color else None)
    send(t, "show me C")
    t.wait_for("Done here.")
    assert "   return count + 42; // the end" in t.screen(), t.show()
    esc = t.capture(escapes=True)

    def line_with(text):
        return next(ln for ln in esc if text in re.sub(r"\x1b\[[0-9;]*m", "", ln))
    ret = line_with("return count")
    keyword, plain = sgr_before(ret, "return"), sgr_before(ret, "count")
    number, comment = sgr_before(ret, "42"), sgr_before(ret, "// the")
    # the comment's second line, which arrived in an event of its own or not
    carried = sgr_before(line_with("spans lines"), "spans")
    type_ = sgr_before(line_with("int main"), "int")
    if no_color:
        # NO_COLOR: every token drawn as the rest of the code, no colour at all
        assert keyword == plain == number == comment == carried == type_, esc
        assert not any(re.search(r"\x1b\[[0-9;]*3[0-7]m", ln) for ln in esc), esc
    else:
        assert "35" in plain, ret  # plain code: the code colour, as before
        assert keyword != plain and "1" in keyword, ret
        assert number != plain and number != keyword, ret
        assert comment != plain and "2" in comment, ret
        assert carried == comment, esc  # the state carried across lines
        assert type_ not in (plain, keyword), esc
