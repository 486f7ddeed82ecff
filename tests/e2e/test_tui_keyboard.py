"""End-to-end tests of the keyboard reports Jarvis asks for (issue 13: Shift-Enter and
Ctrl-Enter where the terminal reports them).

What it is for: Jarvis asks the terminal for keys that tell Shift-Enter from Enter
(the kitty keyboard protocol, CSI > 5 u, and xterm's modifyOtherKeys, CSI > 4 ; 1 m)
once it has the alternate screen, and undoes both wherever it gives the terminal
back (/quit, SIGTERM, SIGHUP, Ctrl-Z, the $EDITOR) and asks again when it takes it
back; and a terminal that answers sends Esc, Ctrl-C, Ctrl-R, Alt-Backspace, Ctrl-_,
Ctrl-X Ctrl-E and the keypad as CSI-u, each doing what the legacy byte does.
At 80x24 and 120x40. The raw output is read with tmux pipe-pane.
What it must not do: reach the network (the fake server only), or sleep long.
"""

import os
import re
import signal

import pytest

from test_tui import last_user_text, pid_alive, send, start, wait_until
from test_tui_typing import editor_script, send_bytes, sent_text, slow_answer, typed, \
    wait_input

SIZES = [(80, 24), (120, 40)]
ON = b"\x1b[?2004h\x1b[>5u\x1b[>4;1m"
OFF = b"\x1b[>4m\x1b[<u\x1b[?2004l"
ALT_ON, ALT_OFF = b"\x1b[?1049h", b"\x1b[?1049l"


class Raw:
    """Everything the pane's program writes, from before jarvis starts."""

    def __init__(self, t, path):
        self.path = str(path)
        t.cmd("pipe-pane", "-O", "-t", t.target, "cat >> '%s'" % self.path)

    def read(self):
        try:
            with open(self.path, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def wait(self, what, count=1, timeout=10):
        wait_until(lambda: self.read().count(what) >= count, timeout=timeout,
                   what="%d of %r in the raw output" % (count, what))


def shell_with_jarvis(tmux, jarvis_bin, jarvis_env, fake_gemini, tmp_path, width, height,
                      env=None):
    """An interactive shell (job control, for Ctrl-Z) whose output is recorded, then jarvis."""
    env = dict(jarvis_env, GEMINI_BASE_URL=fake_gemini.url, PS1="$ ", **(env or {}))
    t = tmux.start(["bash", "--norc", "--noprofile", "-i"], env=env, width=width,
                   height=height, cwd=env["HOME"])
    t.wait_for("$")
    raw = Raw(t, tmp_path / "raw")
    t.send_text(jarvis_bin)
    t.send_keys("Enter")
    t.wait_for(re.compile(r"^ guest │ ", re.M))
    raw.wait(ON)
    return t, raw


def jarvis_pid(t):
    pid = int(t._display("#{pane_pid}"))
    while open("/proc/%d/comm" % pid).read().strip() != "jarvis":
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pid = int(f.read().split()[0])
    return pid


def after(out, what, start=0):
    i = out.find(what, start)
    assert i >= 0, (what, out[-600:])
    return i


@pytest.mark.parametrize("how", ["quit", "SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("width,height", SIZES)
def test_asked_for_on_the_alternate_screen_and_undone_at_every_exit(
        tmux, jarvis_bin, jarvis_env, fake_gemini, tmp_path, width, height, how):
    t, raw = shell_with_jarvis(tmux, jarvis_bin, jarvis_env, fake_gemini, tmp_path, width,
                               height)
    out = raw.read()
    # once, after curses has entered the alternate screen: kitty keeps a stack per screen
    assert out.count(ON) == 1 and out.count(OFF) == 0, out
    assert after(out, ALT_ON) < after(out, ON)
    pid = jarvis_pid(t)
    if how == "quit":
        send(t, "/quit")
    else:
        os.kill(pid, getattr(signal, how))
    t.wait_for("$ ")
    wait_until(lambda: not pid_alive(pid), what="jarvis to go")
    raw.wait(ALT_OFF)
    out = raw.read()
    on = after(out, ON)
    assert out.count(OFF) == 1, out[on:]
    # undone while the alternate screen is still there, so the shell never gets CSI-u keys
    assert on < after(out, OFF) < after(out, ALT_OFF, on)
    assert t._display("#{alternate_on}") == "0"


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_z_undoes_them_and_fg_asks_again(tmux, jarvis_bin, jarvis_env, fake_gemini,
                                              tmp_path, width, height):
    t, raw = shell_with_jarvis(tmux, jarvis_bin, jarvis_env, fake_gemini, tmp_path, width,
                               height)
    typed(t, "a draft")
    send_bytes(t, b"\x1b[122;5u")  # Ctrl-Z as CSI-u: suspends as 0x1a does
    t.wait_for("Stopped")
    out = raw.read()
    on = after(out, ON)
    off = after(out, OFF, on)
    assert off < after(out, ALT_OFF, on), out[on:]
    assert out.count(ON) == 1
    t.send_text("fg")
    t.send_keys("Enter")
    wait_input(t, "a draft")
    raw.wait(ON, 2)
    out = raw.read()
    again = out.rindex(ON)
    assert again > off and after(out, ALT_ON, off) < again, out[off:]
    typed(t, " and more")
    send_bytes(t, b"\x1b[99;5u")  # Ctrl-C empties the line, as 0x03 does
    wait_input(t, "")
    send(t, "/quit")
    raw.wait(OFF, 2)


EDITS = r'''
printf 'EDITOR IS RUNNING\n'
sleep 0.3
sed -i 's/draft/composed/' "$1"
'''


@pytest.mark.parametrize("width,height", SIZES)
def test_the_editor_gets_the_terminal_without_them(tmux, jarvis_bin, jarvis_env,
                                                   fake_gemini, tmp_path, width, height):
    script = editor_script(tmp_path, EDITS)
    t, raw = shell_with_jarvis(tmux, jarvis_bin, jarvis_env, fake_gemini, tmp_path, width,
                               height, env={"VISUAL": script})
    typed(t, "my draft")
    send_bytes(t, b"\x1b[120;5u\x1b[101;5u")  # Ctrl-X Ctrl-E, both as CSI-u
    wait_input(t, "my composed")
    raw.wait(ON, 2)
    out = raw.read()
    first = after(out, ON)
    off = after(out, OFF, first)
    editor = after(out, b"EDITOR IS RUNNING", first)
    assert first < off < editor < out.rindex(ON), out[first:]
    assert out.count(OFF) == 1
    assert sent_text(t, fake_gemini) == "my composed"


@pytest.mark.parametrize("width,height", SIZES)
def test_csi_u_esc_stops_an_answer_and_leaves_a_panel(jarvis_tui, fake_gemini, width,
                                                      height):
    slow_answer(fake_gemini)
    t = start(jarvis_tui, width, height)
    send(t, "cats")
    t.wait_for("streaming")
    send_bytes(t, b"\x1b[27u")  # Esc under the kitty protocol
    t.wait_for(re.compile(r" · interrupted", re.M))
    t.wait_gone("streaming")
    t.send_keys("F1")
    t.wait_for("Esc closes")
    send_bytes(t, b"\x1b[27u")
    t.wait_gone("Esc closes")
    screen = t.screen()
    assert "27u" not in screen and "[27" not in screen, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_csi_u_ctrl_c_hints_then_quits(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    send_bytes(t, b"\x1b[99;5u")  # Ctrl-C, kitty
    t.wait_for("press Ctrl-C again to quit")
    assert t.is_alive()
    send_bytes(t, b"\x1b[27;5;99~")  # the second, as modifyOtherKeys sends it
    assert t.wait_exit() == 0


@pytest.mark.parametrize("width,height", SIZES)
def test_csi_u_editing_keys_do_what_the_legacy_keys_do(jarvis_tui, jarvis_env, fake_gemini,
                                                      width, height):
    d = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "history"), "w") as f:
        f.write("what is a monad\n")
    t = start(jarvis_tui, width, height)
    send_bytes(t, b"\x1b[114;5u")  # Ctrl-R
    t.wait_for('search "":')
    t.send_text("monad")
    t.wait_for(re.compile(r'search "monad": what is a monad$', re.M))
    t.send_keys("Enter")
    wait_input(t, "what is a monad")
    send_bytes(t, b"\x1b[101;5u\x1b[117;5u")  # Ctrl-E, Ctrl-U
    wait_input(t, "")
    typed(t, "hello big /usr/local/bin")
    send_bytes(t, b"\x1b[127;3u")  # Alt-Backspace
    wait_input(t, "hello big /usr/local/")
    send_bytes(t, b"\x1b[45;6u")  # Ctrl-_ on a US keyboard: Ctrl-Shift-minus
    wait_input(t, "hello big /usr/local/bin")
    send_bytes(t, b"\x1b[127;3u")
    wait_input(t, "hello big /usr/local/")
    send_bytes(t, b"\x1b[95;5u")  # Ctrl-_ where the terminal sends the shifted key
    wait_input(t, "hello big /usr/local/bin")
    send_bytes(t, b"\x1b[97;5u")  # Ctrl-A, then Alt-D
    send_bytes(t, b"\x1b[100;3u")
    wait_input(t, " big /usr/local/bin")
    send_bytes(t, b"\x1b[101;5u")  # Ctrl-E
    send_bytes(t, b"\x1b[13;2u")  # Shift-Enter, and its release (flag 2 only): one line
    send_bytes(t, b"\x1b[13;2:3u")
    typed(t, "two")
    send_bytes(t, b"\x1b[13;3u")  # Alt-Enter
    send_bytes(t, b"\x1b[57399u\x1b[57408u")  # the keypad's 0 and 9
    t.send_text("end")
    t.wait_for("09end")
    screen = t.screen()
    for junk in ("127;", "13;", "57399", "57414"):
        assert junk not in screen, (junk, t.show())
    assert fake_gemini.api_requests("stream") == []
    send_bytes(t, b"\x1b[57414u")  # keypad Enter sends
    reqs = fake_gemini.wait_requests(1, "stream")
    assert last_user_text(reqs[0]["json"]) == " big /usr/local/bin\ntwo\n09end"
