"""End-to-end tests of text the terminal draws in its own way: the real
./jarvis in tmux 3.3a, which joins a ZWJ emoji sequence into one 2-column
glyph but draws a skin-tone modifier as a glyph of its own (👍🏽 is 4 columns)
and a VS16 emoji (☺️) 1 column wide. Jarvis measures this at start-up
(src/tui/termprobe.c); these tests check that the wrapper, the cursor and
curses all use what it measured: no row overflows, no text is overwritten,
the cursor lands exactly after each emoji, the prompt and the status line
stay intact after editing.
What it must not do: sleep for fixed long times or reach the network.
"""
import os
import re
import unicodedata

import pytest

from test_tui import start, send, status_row, wait_until

FAMILY = "👩\u200d👩\u200d👧"
THUMB = "👍🏽"
SMILE = "\u263a\ufe0f"
FLAG = "🇮🇷"
PERSIAN = "می\u200cخواهم ۱۲۳ كتاب"  # ZWNJ inside the word, Persian digits, Arabic kaf

# How tmux 3.3a draws them, as measured by hand with cursor position reports.
TMUX_WIDTH = {FAMILY: 2, THUMB: 4, SMILE: 1, FLAG: 2}

SIZES = [(80, 24), (40, 12)]


def width(text):
    """Columns tmux 3.3a gives text (its measured emoji, East Asian Width else)."""
    w = 0
    for key, cols in TMUX_WIDTH.items():
        w += text.count(key) * cols
        text = text.replace(key, "")
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200c\u200d\ufe0f":
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def cache_file(env):
    return os.path.join(env["XDG_CACHE_HOME"], "jarvis", "terminal-widths")


def words(text):
    return " ".join(text.split())


@pytest.mark.parametrize("cols,rows", SIZES)
def test_mixed_screen_wraps_and_edits_without_overflow(jarvis_tui, fake_gemini, cols, rows):
    piece = "%s family %s flag 你好世界 %s %s thumbs %s smile " % (
        FAMILY, FLAG, PERSIAN, THUMB, SMILE)
    answer = (piece * 3).strip()
    fake_gemini.script([{"kind": "text", "text": answer}])
    t = start(jarvis_tui, width=cols, height=rows)
    send(t, "go")
    t.wait_for("smile", timeout=10)
    wait_until(lambda: words(" ".join(t.capture())).count("smile") == 3, what="whole answer")
    lines = t.capture()
    srow = status_row(t)
    body = [ln for ln in lines[:srow] if ln.strip() and not ln.lstrip().startswith(("›", "▌"))]
    # Every row fits, and the rows read back as the answer: nothing overwritten.
    for ln in lines:
        assert width(ln.rstrip()) <= cols, "row overflows:\n" + t.show()
    shown = words(" ".join(body))
    assert words(answer) in shown, t.show()
    assert re.match(r"^ \S+ │ ", lines[srow]), t.show()

    # Typing: the cursor is exactly after what was typed, emoji by emoji.
    typed = ""
    for part in ("x", FAMILY, "y", THUMB, FLAG, SMILE, "你", "z"):
        t.send_text(part)
        typed += part
        want = 2 + width(typed)
        wait_until(lambda: t.cursor() == (want, rows - 1), timeout=5, what="cursor after %r at %r" % (typed, t.cursor()))
    # Editing in the middle: back over z, 你, ☺️, the flag and 👍🏽, insert, check.
    t.send_keys(*(["Left"] * 5))
    want = 2 + width("x" + FAMILY + "y")
    wait_until(lambda: t.cursor()[0] == want, what="back over five clusters (%r)" % (t.cursor(),))
    t.send_text("Q")
    edited = "x" + FAMILY + "yQ" + THUMB + FLAG + SMILE + "你z"
    wait_until(lambda: t.capture()[-1].rstrip() == "› " + edited,
               what="the edited line (%r)" % (t.capture()[-1],))
    assert t.cursor()[0] == 2 + width("x" + FAMILY + "yQ")
    lines = t.capture()
    assert re.match(r"^ \S+ │ ", lines[status_row(t)]), t.show()
    assert words(answer) in words(" ".join(lines)), t.show()
    # What is sent is exactly what was typed.
    t.send_keys("Enter")
    fake_gemini.wait_requests(2, "stream")
    body = fake_gemini.bodies("stream")[-1]
    assert body["contents"][-1]["parts"][0]["text"] == edited


def test_the_probe_measures_tmux_and_caches_it(jarvis_tui, fake_gemini, jarvis_env):
    t = start(jarvis_tui)
    # ZWJ joined, skin tone split, VS16 1 column, flag 2 columns (tmux 3.3a)
    with open(cache_file(jarvis_env)) as f:
        entries = f.read().splitlines()
    assert len(entries) == 1 and entries[0].endswith("\t1 0 1 2 0"), entries  # no sync in tmux 3.3a
    t.send_text(FAMILY + THUMB)
    wait_until(lambda: t.cursor()[0] == 2 + 2 + 4, what="cursor %r" % (t.cursor(),))


def test_a_cached_answer_is_used_without_asking(jarvis_tui, fake_gemini, jarvis_env):
    # The cache says this terminal draws ☺️ two columns wide; Jarvis believes
    # it (curses gets "☺ " for it, which tmux draws as wide).
    t = start(jarvis_tui)
    t.send_keys("C-d")
    t.wait_exit()
    with open(cache_file(jarvis_env)) as f:
        key = f.read().split("\t")[:2]
    with open(cache_file(jarvis_env), "w") as f:
        f.write("\t".join(key) + "\t1 0 2 2\n")
    t = start(jarvis_tui)
    t.send_text("a" + SMILE + "b")
    wait_until(lambda: t.cursor()[0] == 2 + 1 + 2 + 1, what="cached width (%r)" % (t.cursor(),))
    assert t.capture()[-1].startswith("› a\u263a")


# Only the VS16 emoji: the pieces of a ZWJ sequence would really garble
# tmux, which joins them whatever it is told.
@pytest.mark.parametrize("mode,cols", [("joined", 2 + 1 + 2), ("split", 2 + 1 + 1)])
def test_emoji_width_setting_overrides_the_probe(jarvis_tui, fake_gemini, jarvis_env, mode, cols):
    cfg = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis")
    os.makedirs(cfg, exist_ok=True)
    with open(os.path.join(cfg, "config.ini"), "w") as f:
        f.write("[ui]\nemoji_width = %s\n" % mode)
    t = start(jarvis_tui)
    t.send_text("a" + SMILE)
    wait_until(lambda: t.cursor()[0] == cols, what="cursor %r" % (t.cursor(),))
    assert not os.path.exists(cache_file(jarvis_env))


# ---------------------------------------------------------------- bidi
SENTENCE = "من می\u200cخواهم ۳ کتاب درباره\u200cی Linux بخرم."


def rev(word):
    return word[::-1]


# How a reader sees it left to right on a terminal without bidi: the full
# stop at the left edge, each Persian word's letters right to left, the
# English term and the digit as they are, the words in reverse order.
VISUAL = "." + " ".join([rev("بخرم"), "Linux", rev("درباره\u200cی"), rev("کتاب"), "۳",
                         rev("می\u200cخواهم"), rev("من")])


def write_config(env, text):
    cfg = os.path.join(env["XDG_CONFIG_HOME"], "jarvis")
    os.makedirs(cfg, exist_ok=True)
    with open(os.path.join(cfg, "config.ini"), "w") as f:
        f.write(text)


@pytest.mark.parametrize("cols,rows", SIZES)
def test_rtl_answer_reads_right_with_bidi_on(jarvis_tui, fake_gemini, jarvis_env, cols, rows):
    write_config(jarvis_env, "[ui]\nbidi = on\n")
    # the sentence twice: one row at 80 columns, wrapped into two at 40
    fake_gemini.script([{"kind": "text",
                         "text": SENTENCE + " " + SENTENCE + "\n\nEnglish stays as it is."}])
    t = start(jarvis_tui, width=cols, height=rows)
    send(t, "go")
    t.wait_for("English stays")
    lines = t.capture()
    rtl = [ln for ln in lines if "Linux" in ln]
    want = [VISUAL + " " + VISUAL] if cols >= 80 else [VISUAL, VISUAL]
    assert [ln.strip() for ln in rtl] == want, t.show()
    for ln in rtl:
        # right-aligned: each row ends at the right edge
        assert ln.rstrip().endswith(rev("من")) and width(ln.rstrip()) >= cols - 1, t.show()
    assert " English stays as it is." in lines
    # the input line keeps logical order
    t.send_text("من Linux")
    wait_until(lambda: t.capture()[-1].rstrip() == "› من Linux", what=t.show())


def test_rtl_answer_untouched_with_bidi_off(jarvis_tui, fake_gemini, jarvis_env):
    write_config(jarvis_env, "[ui]\nbidi = off\n")
    fake_gemini.script([{"kind": "text", "text": SENTENCE}])
    t = start(jarvis_tui)
    send(t, "go")
    t.wait_for("Linux")
    assert " " + SENTENCE in t.capture(), t.show()
