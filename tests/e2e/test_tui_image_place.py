"""End-to-end tests of where an image the model sends back is named (issue 13).

What it is for: an answer of text, an inlineData image, then text names the
image once, on the screen and in text output alike, at the place in the
answer where it came: in the history pane its one line "[image: from the
model, 128x128, 1 KiB]" (and, with previews on, its picture right under
it) stands between the two texts in place of the note the answer's text
holds; -p and --export print that note, "[image from the model:
image/png, 1 KiB]", there instead; a conversation opened again with -C
shows it once too. At 80x24 and 120x40, `[ui] images = off` and `symbols`.
What it must not do: show the image's name twice, in two units, or under
the whole answer; reach the network (the fake server only).
"""

import base64

import pytest

from test_accounts_cli import signup
from test_oneshot import write_config
from test_oneshot_store import conv_rows
from test_tui import send, start
from test_tui_images import blocks, fixture, row_of

SIZES = [(80, 24), (120, 40)]
CAPTION = "[image: from the model, 128x128, 1 KiB]"
NOTE = "[image from the model: image/png, 1 KiB]"
BEFORE, AFTER = "Here is a picture:", "done."


def script_picture(fake_gemini, before=BEFORE):
    with open(fixture("two.png"), "rb") as f:
        data = base64.b64encode(f.read()).decode()
    fake_gemini.script([{"kind": "parts", "events": [
        [{"text": before}],
        [{"inlineData": {"mimeType": "image/png", "data": data}}],
        [{"text": AFTER}]]}])


def image_lines(lines):
    """The rows that name an image, in any of the ways Jarvis has."""
    return [i for i, ln in enumerate(lines) if "[image" in ln]


def assert_named_once_in_place(t, lines, previews):
    shown = "\n" + "\n".join(lines)
    assert image_lines(lines) == [row_of(lines, CAPTION)], t.show()
    assert "image from the model" not in shown, t.show()
    before, caption, after = row_of(lines, BEFORE), row_of(lines, CAPTION), row_of(lines, AFTER)
    assert before < caption < after, t.show()
    under = lines[caption + 1:after]
    if previews:
        # Its picture (two.png: red over blue, in cell colours) starts on the row right
        # under its line and is 8 rows, all before the text after it.
        raw = t.capture(escapes=True)
        painted = [i for i in range(caption + 1, after)
                   if "5;196m" in raw[i] or "5;21m" in raw[i]]
        assert painted == list(range(caption + 1, caption + 9)), "\n".join(raw)
        assert "5;196m" in raw[caption + 1] and "5;21m" in raw[caption + 8], "\n".join(raw)
    else:
        assert all(ln.strip() == "" for ln in under), t.show()
    assert blocks(lines) == 0, t.show()


@pytest.mark.parametrize("images", ["off", "symbols"])
@pytest.mark.parametrize("width,height", SIZES)
def test_an_image_between_two_texts_is_named_once_where_it_came(
        jarvis_tui, fake_gemini, jarvis_env, width, height, images):
    write_config(jarvis_env, "[ui]\nimages = %s\n" % images)
    script_picture(fake_gemini)
    t = start(jarvis_tui, width=width, height=height)
    send(t, "draw two")
    t.wait_for(CAPTION)
    t.wait_for(AFTER)
    assert_named_once_in_place(t, t.capture(), images == "symbols")


def test_text_output_names_it_once_where_it_came(run_jarvis, fake_gemini):
    script_picture(fake_gemini)
    assert signup(run_jarvis).returncode == 0
    r = run_jarvis(["-p", "draw two"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("[image") == 1, r.stdout
    assert r.stdout.index(BEFORE) < r.stdout.index(NOTE) < r.stdout.index(AFTER), r.stdout
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    r = run_jarvis(["--export", conv])
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("[image") == 1, r.stdout
    assert r.stdout.index(BEFORE) < r.stdout.index(NOTE) < r.stdout.index(AFTER), r.stdout


@pytest.mark.parametrize("images", ["off", "symbols"])
@pytest.mark.parametrize("width,height", SIZES)
def test_a_stored_answer_names_its_image_once_where_it_came(
        jarvis_tui, run_jarvis, fake_gemini, jarvis_env, width, height, images):
    script_picture(fake_gemini)
    assert signup(run_jarvis).returncode == 0
    assert run_jarvis(["-p", "draw two"]).returncode == 0
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    write_config(jarvis_env, "[ui]\nimages = %s\n" % images)
    t = start(jarvis_tui, width=width, height=height, args=["-C", conv])
    t.wait_for(CAPTION)
    t.wait_for(AFTER)
    assert_named_once_in_place(t, t.capture(), images == "symbols")


@pytest.mark.parametrize("images", ["off", "symbols"])
@pytest.mark.parametrize("width,height", SIZES)
def test_an_image_after_a_table_takes_its_notes_place_not_a_row(
        jarvis_tui, fake_gemini, jarvis_env, width, height, images):
    # A table is one row of the wrapped text but all its lines on screen: the
    # image's place must count them, or it covers the table's last row.
    write_config(jarvis_env, "[ui]\nimages = %s\n" % images)
    script_picture(fake_gemini, "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n" + BEFORE)
    t = start(jarvis_tui, width=width, height=height)
    send(t, "draw two")
    t.wait_for(CAPTION)
    t.wait_for(AFTER)
    lines = t.capture()
    assert row_of(lines, "3 │ 4") < row_of(lines, BEFORE), t.show()
    assert_named_once_in_place(t, lines, images == "symbols")
