"""End-to-end tests of image previews in the history pane (issue 13).

What it is for: an attached image is drawn in block characters under the
question that attached it, an image the model sends back (an inlineData
part) in the answer where it came, and the images of a conversation opened
again from the store too; the preview is at most 8 rows, no wider than the pane,
redrawn on resize, in the terminal's colours; `[ui] images = off` shows the
one-line placeholder "[image: name, WxH, N KiB]" instead; the plugin that
draws them (jarvis-chafa.so, with libchafa and GLib) is mapped only once an
image is shown. At 80x24 and 120x40.
What it must not do: reach the network (the fake server only).
"""

import base64
import os
import time

import pytest

from test_accounts_cli import signup
from test_oneshot import write_config
from test_oneshot_store import conv_rows
from test_tui import send, start

IMAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "images")
SIZES = [(80, 24), (120, 40)]
DISC_PNG = "[image: disc.png, 48x48, 1 KiB]"


def fixture(name):
    return os.path.abspath(os.path.join(IMAGES, name))


def is_block(ch):
    """A block element (U+2580..U+259F): what the previews are drawn with."""
    return 0x2580 <= ord(ch) <= 0x259F


def blocks(lines):
    return sum(1 for ln in lines for ch in ln if is_block(ch))


def row_of(lines, text):
    for i, ln in enumerate(lines):
        if text in ln:
            return i
    raise AssertionError("%r is not on screen:\n%s" % (text, "\n".join(lines)))


def preview_rows(lines, caption):
    """The rows under caption that hold block characters, up to the first without."""
    start_row = row_of(lines, caption) + 1
    rows = []
    for ln in lines[start_row:]:
        if not any(is_block(ch) for ch in ln):
            break
        rows.append(ln)
    return rows


def wait_until(t, ok, timeout=10.0):
    """Waits until ok(lines of the screen) holds; fails with the screen."""
    deadline = time.time() + timeout
    while not ok(t.capture()):
        assert time.time() < deadline, "the screen never got there:\n" + t.show()
        time.sleep(0.05)


def attach_and_ask(t, path, question):
    send(t, "/attach " + path)
    t.wait_for("attached " + path)
    send(t, question)


@pytest.mark.parametrize("width,height", SIZES)
def test_an_attached_image_is_previewed_under_its_question(jarvis_tui, fake_gemini, width,
                                                           height):
    t = start(jarvis_tui, width=width, height=height)
    attach_and_ask(t, fixture("disc.png"), "what is this?")
    t.wait_for("Cheyenne")
    lines = t.capture()
    question, caption = row_of(lines, "what is this?"), row_of(lines, DISC_PNG)
    answer = row_of(lines, "Cheyenne")
    assert question < caption < answer, t.show()
    rows = preview_rows(lines, DISC_PNG)
    # A square image in cells twice as tall as wide: 8 rows, in the question's block.
    assert len(rows) == 8, t.show()
    assert caption + len(rows) < answer
    assert blocks(rows) > 10, t.show()
    # In colour: the 256-colour cube's red and blue as cell colours.
    raw = t.capture(escapes=True)
    drawn = "\n".join(raw[caption + 1:caption + 1 + len(rows)])
    assert "5;196m" in drawn and "5;21m" in drawn, drawn


@pytest.mark.parametrize("width,height", SIZES)
def test_images_off_shows_the_placeholder(jarvis_tui, fake_gemini, jarvis_env, width, height):
    write_config(jarvis_env, "[ui]\nimages = off\n")
    t = start(jarvis_tui, width=width, height=height)
    attach_and_ask(t, fixture("disc.jpg"), "and this one?")
    t.wait_for("Cheyenne")
    lines = t.capture()
    caption = row_of(lines, "[image: disc.jpg, 48x48, 2 KiB]")
    assert row_of(lines, "and this one?") < caption < row_of(lines, "Cheyenne")
    assert blocks(lines) == 0, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_an_image_from_the_model_is_previewed_under_its_answer(jarvis_tui, fake_gemini, width,
                                                               height):
    with open(fixture("disc.png"), "rb") as f:
        data = base64.b64encode(f.read()).decode()
    fake_gemini.script([{"kind": "parts", "events": [
        [{"text": "Here is a disc:"}], [{"inlineData": {"mimeType": "image/png", "data": data}}]]}])
    t = start(jarvis_tui, width=width, height=height)
    send(t, "draw a disc")
    caption = "[image: from the model, 48x48, 1 KiB]"
    t.wait_for(caption)
    lines = t.capture()
    assert row_of(lines, "Here is a disc:") < row_of(lines, caption)
    assert row_of(lines, "draw a disc") < row_of(lines, "Here is a disc:")
    rows = preview_rows(lines, caption)
    assert len(rows) == 8 and blocks(rows) > 10, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_a_wide_image_stays_in_the_pane_and_follows_a_resize(jarvis_tui, fake_gemini, width,
                                                             height):
    t = start(jarvis_tui, width=width, height=height)
    attach_and_ask(t, fixture("stripes.png"), "stripes?")
    caption = "[image: stripes.png, 320x32, 1 KiB]"
    t.wait_for("Cheyenne")
    rows = preview_rows(t.capture(), caption)
    # 320x32 in cells twice as tall as wide: as wide as the pane allows, 2 columns of margin.
    assert rows and max(len(r) for r in rows) == width - 1, t.show()
    t.resize(width - 20, height)
    wait_until(t, lambda lines: any(caption in ln for ln in lines) and
               max(len(r) for r in preview_rows(lines, caption) or ["x" * 999]) <= width - 21)
    rows = preview_rows(t.capture(), caption)
    assert rows and max(len(r) for r in rows) == width - 21, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_a_stored_conversation_previews_its_images_again(jarvis_tui, run_jarvis, fake_gemini,
                                                         width, height):
    assert signup(run_jarvis).returncode == 0
    r = run_jarvis(["-p", "remember this disc", "-a", fixture("disc.png")])
    assert r.returncode == 0, r.stderr
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    t = start(jarvis_tui, width=width, height=height, args=["-C", conv])
    t.wait_for(DISC_PNG)
    wait_until(t, lambda lines: DISC_PNG in "\n".join(lines) and
               len(preview_rows(lines, DISC_PNG)) == 8)
    lines = t.capture()
    assert row_of(lines, "remember this disc") < row_of(lines, DISC_PNG)


def test_the_plugin_is_mapped_only_once_an_image_is_shown(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    t.wait_for("F1 help")
    with open("/proc/%d/maps" % t.pane_pid()) as f:
        maps = f.read()
    assert [lib for lib in ("jarvis-chafa.so", "libchafa", "libglib-2.0") if lib in maps] == []
    attach_and_ask(t, fixture("disc.png"), "now?")
    wait_until(t, lambda lines: DISC_PNG in "\n".join(lines) and
               len(preview_rows(lines, DISC_PNG)) == 8)
    with open("/proc/%d/maps" % t.pane_pid()) as f:
        maps = f.read()
    assert "jarvis-chafa.so" in maps and "libchafa" in maps
