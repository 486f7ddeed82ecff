"""End-to-end tests of how long blocks look once streamed into the TUI.

What it is for: an answer that is one big code block, one big table or one
line without spaces arrives in small paced events (as the live API sends
it); when it ends, its end is on screen and drawn as a finished answer
would be: code indented, table columns aligned, the long line's last
characters shown.
What it must not do: sleep for fixed long times (it waits for text on the
screen), or reach the network (the fake server only).
"""

import re

import fake_gemini as fg
from test_tui import send, start, status_row


def stream(jarvis_tui, fake_gemini, content, size, last):
    """Streams size bytes of content; returns the pane once last(text) is shown."""
    fake_gemini.script([{"kind": "synthetic", "content": content, "bytes": size,
                         "event_bytes": 262, "delay": 0.002}])
    text = fg.content_text(content, size)
    t = start(jarvis_tui)
    send(t, "a long answer please")
    t.wait_for(last(text), timeout=60)
    t.wait_gone(re.compile(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] streaming"), timeout=30)
    lines = t.capture()
    return t, lines[:status_row(t)], text


def last_row(text):
    return [r for r in text.splitlines() if r.startswith("|")][-1]


def test_streamed_table_ends_on_its_last_row_with_aligned_columns(jarvis_tui, fake_gemini):
    t, body, text = stream(jarvis_tui, fake_gemini, "table", 24 << 10,
                           lambda s: re.compile(r"^ *%s │" % last_row(s).split()[1], re.M))
    last = last_row(text)
    cells = [c.strip() for c in last.strip("|").split("|")]
    rows = [ln for ln in body if "│" in ln]
    assert rows, t.show()
    # the last row of the source is the last row of the table on screen
    assert [c.strip() for c in rows[-1].split("│")] == cells, t.show()
    # every row shown has its separators in the same columns
    cols = {tuple(i for i, ch in enumerate(r) if ch == "│") for r in rows}
    assert len(cols) == 1, t.show()


def test_streamed_code_block_ends_on_its_last_line(jarvis_tui, fake_gemini):
    t, body, text = stream(jarvis_tui, fake_gemini, "code", 24 << 10,
                           lambda s: s.rsplit("\n```", 1)[0].splitlines()[-1].strip())
    code = text.split("```c\n", 1)[1].rsplit("\n```", 1)[0].splitlines()
    shown = [ln for ln in body if ln.strip()]
    # indented by the margin and the block's two columns, verbatim
    assert shown[-1].rstrip() == "   " + code[-1].rstrip(), t.show()
    assert shown[-2].rstrip() == "   " + code[-2].rstrip(), t.show()


def test_streamed_long_line_ends_on_its_last_characters(jarvis_tui, fake_gemini):
    t, body, text = stream(jarvis_tui, fake_gemini, "longline", 24 << 10,
                           lambda s: s.rstrip("\n")[-20:])
    shown = [ln.strip() for ln in body if ln.strip()]
    joined = "".join(shown[-5:])
    assert text.rstrip("\n").endswith(joined), t.show()
    assert all(len(ln) <= 80 for ln in body)


def test_code_block_shows_its_language_above_it(jarvis_tui, fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "Try:\n\n```python\nprint(1)\n```\n\nDone."}])
    t = start(jarvis_tui)
    send(t, "some code")
    t.wait_for("Done.")
    lines = [ln.rstrip() for ln in t.capture()]
    at = lines.index("   print(1)")
    assert lines[at - 1] == "   python", t.show()
