"""End-to-end tests of images drawn in pixels (issue 13, "Images on screen").

What it is for: with `[ui] images = auto`, a terminal known to take the
kitty graphics protocol (KITTY_WINDOW_ID, TERM_PROGRAM=WezTerm) gets the
image as an APC string (ESC _ G a=T ... ; base64 RGBA ESC \\) written at the
cells under the image's caption, which curses keeps blank; a terminal known
to draw sixel (TERM_PROGRAM=iTerm.app), or one whose answer to the DA1
question sent after the first paint names sixel (4), gets a DCS sixel string
(ESC P ... q ... ESC \\) there; `images = kitty` and `images = sixel` choose
one; the image is deleted by its id (a=d) when a panel covers it or it
scrolls out of full view, sent again when it comes back into view, and
placed again by its id (a=p; sixel: drawn again) where the wheel moved it
while in full view, never sent anew for that. Inside tmux
(TMUX set, or a TERM of tmux) the symbols stay, whatever the outer terminal
says, and so does a terminal that answers DA1 without 4. At 80x24 and 120x40.
The raw output is read through tmux's pipe-pane, which sees what Jarvis
writes before tmux (which draws neither) takes it.
What it must not do: reach the network (the fake server only).
"""

import base64
import re
import time

import pytest

from test_oneshot import write_config
from test_tui import send
from test_tui_images import DISC_PNG, blocks, fixture, preview_rows, row_of, wait_until

SIZES = [(80, 24), (120, 40)]
APC = re.compile(rb"\x1b_G([^;\x1b]*);([A-Za-z0-9+/=]*)\x1b\\")
CUP = re.compile(rb"\x1b\[(\d+);(\d+)H$")
SIXEL = re.compile(rb"\x1bP[0-9;]*q\"1;1;(\d+);(\d+)")


def start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, term="xterm-256color", env=None,
             wrap=()):
    """jarvis in tmux with TERM term and env added; its raw output appended to raw."""
    full = dict(jarvis_env, **(env or {}))
    # jarvis starts once the pipe is there, so that its first bytes are seen too.
    wait = ["sh", "-c", 'while [ ! -e "$0" ]; do sleep 0.02; done; exec "$@"', raw]
    tmux.start(wait + list(wrap) + [jarvis_bin], env=full, width=width, height=height,
               cwd=full["HOME"], term=term)
    tmux.cmd("pipe-pane", "-O", "-t", tmux.target, "cat >> '%s'" % raw)
    tmux.wait_for(re.compile(r"^ guest │ ", re.M))
    return tmux


def raw_of(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def keys_of(s):
    return dict(kv.split(b"=", 1) for kv in s.split(b",") if b"=" in kv)


def kitty_images(raw):
    """Each a=T image sent: (its keys, its whole payload decoded, the bytes before it)."""
    out = []
    matches = list(APC.finditer(raw))
    for i, m in enumerate(matches):
        keys = keys_of(m.group(1))
        if keys.get(b"a") != b"T":
            continue
        payload = m.group(2)
        j = i
        while keys_of(matches[j].group(1)).get(b"m") == b"1" and j + 1 < len(matches):
            j += 1
            payload += matches[j].group(2)
        if keys_of(matches[j].group(1)).get(b"m") == b"1":
            break  # the rest is still on its way
        out.append((keys, base64.b64decode(payload), raw[:m.start()]))
    return out


def ask_with_image(t, question="what is this?"):
    send(t, "/attach " + fixture("disc.png"))
    t.wait_for("attached ")
    send(t, question)
    t.wait_for("Cheyenne")


def assert_blank_under_caption(t, rows):
    """The image's rows hold nothing in curses: no block symbols, no text."""
    lines = t.capture()
    caption = row_of(lines, DISC_PNG)
    assert blocks(lines) == 0, t.show()
    assert all(ln.strip() == "" for ln in lines[caption + 1:caption + 1 + rows]), t.show()
    return caption


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("env", [{"KITTY_WINDOW_ID": "1"}, {"TERM_PROGRAM": "WezTerm"}])
def test_kitty_terminal_gets_the_image_at_its_cells(tmux, jarvis_bin, jarvis_env, fake_gemini,
                                                    tmp_path, width, height, env):
    raw = str(tmp_path / "raw")
    t = start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, env=env)
    ask_with_image(t)
    wait_until(t, lambda lines: kitty_images(raw_of(raw)))
    caption = assert_blank_under_caption(t, 8)
    keys, pixels, before = kitty_images(raw_of(raw))[0]
    # 48x48 in cells twice as tall as wide (of the size tmux says): 16x8 cells, in RGBA.
    assert (keys[b"f"], keys[b"c"], keys[b"r"], keys[b"C"], keys[b"q"]) == \
        (b"32", b"16", b"8", b"1", b"2"), keys
    w, h = int(keys[b"s"]), int(keys[b"v"])
    assert w % 16 == 0 and h % 8 == 0 and 2 * (w // 16) == h // 8, (w, h)
    assert len(pixels) == w * h * 4
    # Opaque: every fourth byte 255; a dark disc on white has both.
    assert set(pixels[3::4]) == {255}
    assert min(pixels[0::4]) < 64 and max(pixels[0::4]) > 192
    # At the row under the caption, column 1 (1-based: 2).
    cup = CUP.search(before)
    assert cup is not None, before[-40:]
    assert (int(cup.group(1)), int(cup.group(2))) == (caption + 2, 2)


@pytest.mark.parametrize("width,height", SIZES)
def test_kitty_image_goes_under_a_panel_and_when_it_scrolls_off(tmux, jarvis_bin, jarvis_env,
                                                                fake_gemini, tmp_path, width,
                                                                height):
    long = "\n\n".join("line %d of a long answer" % i for i in range(height))
    fake_gemini.script([{"kind": "text", "text": "The capital of Wyoming is Cheyenne."},
                        {"kind": "text", "text": "The capital is Cheyenne.\n\n" + long}])
    raw = str(tmp_path / "raw")
    t = start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, env={"KITTY_WINDOW_ID": "1"})
    ask_with_image(t)
    wait_until(t, lambda lines: kitty_images(raw_of(raw)))
    image_id = kitty_images(raw_of(raw))[0][0][b"i"]
    delete = b"\x1b_Ga=d,d=I,i=" + image_id + b",q=2\x1b\\"
    # F1's panel covers the history: the image goes, its symbols are drawn under the panel.
    t.send_keys("F1")
    wait_until(t, lambda lines: delete in raw_of(raw))
    t.send_keys("Escape")
    # Back: sent again (a new a=T with the same id) under its caption.
    wait_until(t, lambda lines: len([k for k, _, _ in kitty_images(raw_of(raw))
                                     if k[b"i"] == image_id]) == 2)
    assert_blank_under_caption(t, 8)
    # A long answer pushes it out of full view: deleted, and the rows left show symbols.
    sent = raw_of(raw).count(delete)
    send(t, "and more?")
    t.wait_for("line %d of a long answer" % (height - 1))
    wait_until(t, lambda lines: raw_of(raw).count(delete) > sent)


@pytest.mark.parametrize("width,height", SIZES)
def test_kitty_image_comes_back_when_scrolled_to(tmux, jarvis_bin, jarvis_env, fake_gemini,
                                                 tmp_path, width, height):
    long = "\n\n".join("line %d of a long answer" % i for i in range(height))
    fake_gemini.script([{"kind": "text", "text": "The capital of Wyoming is Cheyenne."},
                        {"kind": "text", "text": "Still Cheyenne.\n\n" + long}])
    raw = str(tmp_path / "raw")
    t = start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, env={"KITTY_WINDOW_ID": "1"})
    ask_with_image(t)
    wait_until(t, lambda lines: kitty_images(raw_of(raw)))
    image_id = kitty_images(raw_of(raw))[0][0][b"i"]
    delete = b"\x1b_Ga=d,d=I,i=" + image_id + b",q=2\x1b\\"
    send(t, "and more?")
    t.wait_for("line %d of a long answer" % (height - 1))
    wait_until(t, lambda lines: delete in raw_of(raw))
    # Up to the top: the first question, its caption and the image in full view again.
    for _ in range(10):
        if "what is this?" in "\n".join(t.capture()[:3]):
            break
        t.send_keys("PageUp")
        time.sleep(0.2)
    wait_until(t, lambda lines: len([k for k, _, _ in kitty_images(raw_of(raw))
                                     if k[b"i"] == image_id]) == 2)
    caption = assert_blank_under_caption(t, 8)
    before = kitty_images(raw_of(raw))[-1][2]
    cup = CUP.search(before)
    assert cup is not None and (int(cup.group(1)), int(cup.group(2))) == (caption + 2, 2)
    # And down again: deleted again.
    sent = raw_of(raw).count(delete)
    t.send_keys("End")
    wait_until(t, lambda lines: raw_of(raw).count(delete) > sent)


def scroll_to_top(t):
    for _ in range(10):
        if "Type a message and press Enter" in t.capture()[0]:
            return
        t.send_keys("PageUp")
        time.sleep(0.2)
    raise AssertionError("never at the top:\n" + t.show())


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("proto", ["kitty", "sixel"])
def test_an_image_in_full_view_moves_with_the_wheel(tmux, jarvis_bin, jarvis_env, fake_gemini,
                                                    tmp_path, width, height, proto):
    long = "\n\n".join("line %d of a long answer" % i for i in range(height))
    fake_gemini.script([{"kind": "text", "text": "The capital of Wyoming is Cheyenne."},
                        {"kind": "text", "text": "Still Cheyenne.\n\n" + long}])
    raw = str(tmp_path / "raw")
    env = {"KITTY_WINDOW_ID": "1"} if proto == "kitty" else {"TERM_PROGRAM": "iTerm.app"}
    t = start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, env=env)
    ask_with_image(t)
    send(t, "and more?")
    t.wait_for("line %d of a long answer" % (height - 1))
    scroll_to_top(t)
    wait_until(t, lambda lines: DISC_PNG in "\n".join(lines))
    time.sleep(0.3)
    caption = assert_blank_under_caption(t, 8)
    sent = len(raw_of(raw))
    # The wheel down (SGR mouse, button 65) scrolls three rows: still in full view.
    t.send_keys("\x1b[<65;10;10M", literal=True)
    wait_until(t, lambda lines: DISC_PNG in "\n".join(lines) and
               row_of(lines, DISC_PNG) == caption - 3)
    moved = assert_blank_under_caption(t, 8)
    at = b"\x1b[%d;2H" % (moved + 2)
    if proto == "kitty":
        # Placed again by its id where it is now, not sent again.
        want = re.compile(re.escape(at) + rb"\x1b_Ga=p,i=\d+,p=1,c=16,r=8,C=1,q=2\x1b\\")
    else:
        # Drawn again there, after curses repainted the rows it left.
        want = re.compile(re.escape(at) + rb"\x1bP[0-9;]*q")
    wait_until(t, lambda _: want.search(raw_of(raw)[sent:]) is not None)
    assert b"a=T" not in raw_of(raw)[sent:]


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("how", ["env", "da1", "config"])
def test_sixel_terminal_gets_a_sixel_string_at_its_cells(tmux, jarvis_bin, jarvis_env,
                                                         fake_gemini, tmp_path, width, height,
                                                         how):
    raw = str(tmp_path / "raw")
    env = {"TERM_PROGRAM": "iTerm.app"} if how == "env" else {}
    if how == "config":
        write_config(jarvis_env, "[ui]\nimages = sixel\n")
    t = start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, env=env)
    if how == "da1":
        # The question was sent after the first paint; tmux answered it without 4.
        wait_until(t, lambda _: b"\x1b[c" in raw_of(raw))
        # The terminal's own answer, as a VT340-like terminal sends it.
        t.send_keys("\x1b[?63;1;4;22c", literal=True)
    ask_with_image(t)
    wait_until(t, lambda lines: SIXEL.search(raw_of(raw)) is not None)
    caption = assert_blank_under_caption(t, 8)
    out = raw_of(raw)
    m = SIXEL.search(out)
    # 16x8 cells twice as tall as wide, the height in whole sixels (6 pixels).
    w, h = int(m.group(1)), int(m.group(2))
    assert w % 16 == 0 and h % 6 == 0 and 0 <= 8 * 2 * (w // 16) - h < 6, (w, h)
    assert out.find(b"\x1b\\", m.end()) > m.end()
    cup = CUP.search(out[:m.start()])
    assert cup is not None and (int(cup.group(1)), int(cup.group(2))) == (caption + 2, 2)
    assert b"\x1b_G" not in out
    # A resize draws it again, in the same place.
    n = len(SIXEL.findall(out))
    t.resize(width, height - 1)
    wait_until(t, lambda _: len(SIXEL.findall(raw_of(raw))) > n)


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("inside", ["TMUX", "TERM", "DA1"])
def test_symbols_stay_inside_tmux_and_without_an_answer(tmux, jarvis_bin, jarvis_env,
                                                        fake_gemini, tmp_path, width, height,
                                                        inside):
    raw = str(tmp_path / "raw")
    # The outer terminal's variables leak into tmux: they must not count.
    env = {"KITTY_WINDOW_ID": "1", "TERM_PROGRAM": "WezTerm"} if inside != "DA1" else {}
    wrap = ["env", "TMUX=/tmp/tmux-0/default,1,0"] if inside == "TMUX" else []
    term = "tmux-256color" if inside == "TERM" else "xterm-256color"
    t = start_in(tmux, jarvis_bin, jarvis_env, raw, width, height, term=term, env=env,
                 wrap=wrap)
    ask_with_image(t)
    wait_until(t, lambda lines: len(preview_rows(lines, DISC_PNG)) == 8)
    time.sleep(0.3)
    out = raw_of(raw)
    assert b"\x1b_G" not in out and SIXEL.search(out) is None
    # Only a terminal that could not be told by its name was asked after the first
    # paint (the start-up probe asks too, at the end of its own line: ESC[2K ESC[c).
    assert (out.replace(b"\x1b[2K\x1b[c", b"").count(b"\x1b[c") == 1) == (inside == "DA1")
