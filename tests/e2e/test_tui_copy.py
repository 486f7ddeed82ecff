"""End-to-end tests of /copy (issue 13, "Reading: Copy").

What it is for: /copy, /copy N and /copy code [N] put exactly the answer's
text (or a code block's content) on the clipboard: as an OSC 52 sequence in
the raw output, which tmux with set-clipboard on turns into a paste buffer,
or through xclip when the terminal's terminfo entry offers no OSC 52. At
80x24 and 120x40.
What it must not do: reach the network or a real X server (xclip is a
script that writes what it reads to a file).
"""

import base64
import os
import re

import pytest

from test_tui import start, wait_until

SIZES = [(80, 24), (120, 40)]

CODE_ANSWER = ("Two ways:\n\n```sh\nmake -j2 \\\n\tall\n```\n\nor in Python:\n\n"
               "```python\nprint('hé')\n```\n")


def send(t, line):
    t.send_text(line)
    t.send_keys("Enter")


def refused(t, line, why):
    """A refused command stays in the input to be fixed: check why, then empty it."""
    send(t, line)
    t.wait_for(why)
    t.send_keys("C-u")


def raw_output(t, path):
    """Everything the program wrote to its terminal since pipe_output()."""
    with open(path, "rb") as f:
        return f.read()


def pipe_output(t, path):
    t.cmd("set-option", "-g", "set-clipboard", "on")
    t.cmd("pipe-pane", "-O", "-t", t.target, "cat >> '%s'" % path)


def osc52(text):
    return b"\x1b]52;c;" + base64.b64encode(text.encode("utf-8")) + b"\x07"


def tmux_buffer(t):
    return t.cmd("show-buffer")


@pytest.mark.parametrize("width,height", SIZES)
def test_copy_sends_osc52_and_says_what_and_how_much(jarvis_tui, fake_gemini, tmp_path,
                                                     width, height):
    fake_gemini.script([{"kind": "text", "text": "first answer"},
                        {"kind": "text", "text": CODE_ANSWER}])
    t = start(jarvis_tui, width, height)
    out = str(tmp_path / "raw")
    pipe_output(t, out)
    send(t, "one")
    t.wait_for("first answer")
    send(t, "two")
    t.wait_for("or in Python")
    send(t, "/copy")
    n = len(CODE_ANSWER.encode())
    t.wait_for("copied the last answer (%d bytes) to the clipboard (OSC 52)" % n)
    wait_until(lambda: osc52(CODE_ANSWER) in raw_output(t, out), what="OSC 52 of the answer")
    wait_until(lambda: tmux_buffer(t) == CODE_ANSWER, what="tmux buffer = the answer")

    send(t, "/copy 2")
    t.wait_for("copied answer 2 back (12 bytes)")
    wait_until(lambda: osc52("first answer") in raw_output(t, out), what="OSC 52 of answer 2")
    assert tmux_buffer(t) == "first answer"

    send(t, "/copy code")
    t.wait_for("copied code block 1 of 2 of the last answer (16 bytes)")
    assert tmux_buffer(t) == "make -j2 \\\n\tall\n"  # the tab stays a tab
    send(t, "/copy code 2")
    t.wait_for("copied code block 2 of 2 of the last answer")
    wait_until(lambda: tmux_buffer(t) == "print('hé')\n", what="code block 2 in the buffer")


@pytest.mark.parametrize("width,height", SIZES)
def test_copy_says_why_when_there_is_nothing(jarvis_tui, fake_gemini, width, height):
    fake_gemini.script([{"kind": "text", "text": "no code here"}])
    t = start(jarvis_tui, width, height)
    refused(t, "/copy", "no answer to copy yet")
    send(t, "hi")
    t.wait_for("no code here")
    refused(t, "/copy 3", "there is 1 answer on screen; /copy N takes 1 to 1")
    refused(t, "/copy code", "the last answer has no code block")
    refused(t, "/copy x", "usage: /copy [N | code [N]]")


@pytest.mark.parametrize("width,height", SIZES)
def test_copy_uses_xclip_when_the_terminal_has_no_osc52(tmux, jarvis_bin, jarvis_env,
                                                        fake_gemini, tmp_path, width, height):
    fake_gemini.script([{"kind": "text", "text": "for the X clipboard"}])
    tools = tmp_path / "bin"
    tools.mkdir()
    got = tmp_path / "xclip-got"
    script = tools / "xclip"
    script.write_text('#!/bin/sh\necho "$@" > "%s.args"\ncat > "%s"\n' % (got, got))
    os.chmod(script, 0o755)
    env = dict(jarvis_env, PATH="%s:%s" % (tools, jarvis_env["PATH"]), DISPLAY=":99")
    # screen-256color's terminfo entry has no Ms (OSC 52) capability
    tmux.start([jarvis_bin], env=env, width=width, height=height, cwd=env["HOME"],
               term="screen-256color")
    tmux.wait_for(re.compile(r"^ guest │ ", re.M))
    out = str(tmp_path / "raw")
    pipe_output(tmux, out)
    send(tmux, "hi")
    tmux.wait_for("for the X clipboard", timeout=10)
    send(tmux, "/copy")
    tmux.wait_for("copied the last answer (19 bytes) to the clipboard with xclip")
    wait_until(lambda: got.exists() and got.read_text() == "for the X clipboard",
               what="xclip to read the answer")
    assert open(str(got) + ".args").read().split() == ["-selection", "clipboard"]
    assert b"\x1b]52;" not in raw_output(tmux, out)
