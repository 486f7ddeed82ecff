"""End-to-end tests of the TUI's panels (F1 help, F2 models, F3 conversations).

What it is for: what a user sees in the panels at small terminal sizes
(F1 scrolls to its last command and its keys at 80x24 and 40x12) and that a
panel asking for something (F3's rename) never eats or changes the draft
the user was typing. Key and command tables against the man page are unit
tests (tests/unit/test_keys.c).
What it must not do: reach the network (the fake Gemini server only), or
sleep for fixed long times (it waits for the screen or the store).
"""

import os
import re
import time

import pytest

from test_tui import escape, help_pages, send, start, status_row, wait_until
from test_tui_accounts import cli_convs, cli_signup

DRAFT = "a half typed thought"


def input_row(t):
    """The last screen row: the input line with its prompt."""
    return t.capture()[-1]


def two_conversations(jarvis_tui, run_jarvis):
    """Ann logged in with two stored conversations; the second is open."""
    cli_signup(run_jarvis)
    t = start(jarvis_tui, 100, 30)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "first topic")
    t.wait_for("Cheyenne")
    send(t, "/new")
    t.wait_for("new conversation")
    send(t, "second topic")
    wait_until(lambda: t.screen().count("Cheyenne") == 1 and "second topic" in t.screen(),
               what="the second answer")
    t.wait_gone("streaming")
    t.wait_gone("pending")
    return t


def open_rename_of_first(t):
    """F3, down to "first topic", r: the rename prompt is up."""
    t.send_keys("F3")
    t.wait_for("Conversations")
    t.wait_for("first topic")
    t.send_keys("Down")
    time.sleep(0.1)
    t.send_keys("r")
    t.wait_for("new title:")


@pytest.mark.parametrize("how", ["answer", "escape"])
def test_f3_rename_keeps_the_draft(jarvis_tui, fake_gemini, run_jarvis, how):
    t = two_conversations(jarvis_tui, run_jarvis)
    t.send_text(DRAFT)
    t.wait_for(DRAFT)
    open_rename_of_first(t)
    # the prompt starts empty: the draft is put aside, not offered as the title
    assert DRAFT not in input_row(t), t.show()
    if how == "answer":
        send(t, "Better title")
        wait_until(lambda: "Better title" in cli_convs(run_jarvis), what="the rename stored")
        assert DRAFT not in cli_convs(run_jarvis)
    else:
        escape(t)
        t.wait_for("cancelled")
    # the draft is back in the input, whole, the cursor after it
    wait_until(lambda: DRAFT in input_row(t), what="the draft back in the input")
    assert "new title:" not in input_row(t), t.show()
    convs = cli_convs(run_jarvis)
    assert "second topic" in convs
    if how == "escape":
        assert "first topic" in convs and "Better title" not in convs
    # what comes back is still the draft: Enter sends it as a question
    t.send_text(" here")
    send(t, "")
    t.wait_for(DRAFT + " here")
    wait_until(lambda: any(DRAFT + " here" in str(r["json"])
                           for r in fake_gemini.api_requests("stream")),
               what="the draft sent as a question")


# ---------------------------------------------------------------- F1 help

MAN = os.path.join(os.path.dirname(__file__), "..", "..", "man", "jarvis.1")


def man_commands():
    """The /commands the man page's COMMANDS section lists (the unit test ties it to the table)."""
    with open(MAN, encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n.SH COMMANDS\n", 1)[1].split("\n.SH ", 1)[0]
    return re.findall(r"^\.BI? /([a-z]+)", section, re.M)


def man_keys():
    """The key names in the tags of the man page's KEYS section (the unit test ties them to the table)."""
    with open(MAN, encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n.SH KEYS\n", 1)[1].split("\n.SH ", 1)[0]
    names = []
    for tag in re.findall(r"^\.TP\n(\.BR? .*)$", section, re.M):
        args = re.findall(r'"([^"]*)"|(\S+)', tag.split(" ", 1)[1])
        words = [a or b for a, b in args]
        names += [w.replace("\\-", "-") for w in words[0::2]]
    return names


@pytest.mark.parametrize("width,height", [(80, 24), (40, 12)])
def test_f1_scrolls_to_the_last_command_and_the_keys(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    pages = help_pages(t)
    seen, last = sum(pages, []), pages[-1]
    text = "\n".join(seen)
    cmds = man_commands()
    assert len(cmds) > 15
    for name in cmds:
        assert re.search(r"/%s\b" % name, text), (name, text)
    assert "Keys:" in text
    keys = text.split("Keys:", 1)[1]
    names = man_keys()
    assert len(names) > 20
    for name in names:
        assert name in keys, (name, keys)
    # the last key of the table is on the last page, inside the box
    tail = "\n".join(last)
    assert "F3" in tail and "conversations" in tail.split("F3", 1)[1], tail
    # long help lines are wrapped under their command, not cut at the border
    for words in ("F2 picker)", "(password asked masked)", "(Ctrl-D on an empty line too)"):
        assert " ".join(words.split()) in " ".join(text.replace("│", " ").split()), (words, text)
    # every row stays inside the box at this width
    assert all(len(row) <= width for row in seen)
    # End goes straight to the last page, Home back to the first
    t.send_keys("Home")
    t.wait_for("Commands (a unique")
    t.send_keys("End")
    wait_until(lambda: t.capture() == last, what="End showing the last page")
    escape(t)
    t.wait_gone("Keys:")
    t.wait_gone(re.compile(r"\d+-\d+ of \d+"))


@pytest.mark.parametrize("width,height", [(80, 24), (120, 40)])
def test_panels_stay_above_a_tall_input(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    t.paste("\n".join("pasted line %d" % i for i in range(1, 21)))
    t.wait_for("pasted line 20")
    status = status_row(t)
    assert status < height - 2, t.show()  # the input has grown past one row
    before = t.capture()
    for key in ("F1", "F2", "F3"):
        t.send_keys(key)
        t.wait_for("┌")
        screen = t.capture()
        bottom = next(i for i, r in enumerate(screen) if "└" in r)
        # the box ends above the status line; status line and input are as they were
        assert bottom < status, (key, t.show())
        assert screen[status:] == before[status:], (key, t.show())
        escape(t)
        t.wait_gone("┌")
    assert t.capture()[status:] == before[status:], t.show()
