"""End-to-end tests of synchronized output (issue 13, DEC mode 2026).

What it is for: where the terminal says it knows DEC mode 2026 (it answers
the start-up probe's DECRQM with DECRPM 1 or 2), every frame Jarvis draws
is written between ESC[?2026h and ESC[?2026l, so a fast stream never
tears; the answer is cached and used at the next start without asking.
Where the terminal does not know it (tmux 3.3a answers no DECRQM), no such
sequence is written. At 80x24 and 120x40.
What it must not do: reach the network (the fake server only).

The terminal that knows the mode is a small emulation on a pty: it
answers DECRQM for 2026 and the primary device attributes and records
every byte Jarvis writes.
"""

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time

import pytest

from test_tui import send, start, wait_until

SIZES = [(80, 24), (120, 40)]
BEGIN, END = b"\x1b[?2026h", b"\x1b[?2026l"
ANSWER = "Synchronized frames arrive whole."


class PtyTerm:
    """jarvis on a pty whose far end answers the probe like a modern terminal."""

    def __init__(self, argv, env, cols, rows, knows_2026=True):
        self.out = b""
        self.knows = knows_2026
        self.asked = 0
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(env["HOME"])
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.kill(pid, signal.SIGWINCH)

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.02)
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            before = len(self.out)
            self.out += data
            self.answer(self.out[max(0, before - 16):])

    def answer(self, recent):
        if b"\x1b[?2026$p" in recent:
            self.asked += 1
            self.write(b"\x1b[?2026;2$y" if self.knows else b"\x1b[?2026;0$y")
        if b"\x1b[6n" in recent:
            for _ in range(recent.count(b"\x1b[6n")):
                self.write(b"\x1b[1;3R")
        if b"\x1b[c" in recent:
            self.write(b"\x1b[?62;22c")

    def write(self, data):
        os.write(self.fd, data)

    def wait_for(self, what, timeout=10):
        end = time.time() + timeout
        while what not in self.out:
            if time.time() > end:
                raise AssertionError("no %r in the output; tail: %r" % (what, self.out[-400:]))
            self.pump(0.05)

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def outside_frames(out):
    """The bytes written outside every ESC[?2026h ... ESC[?2026l block."""
    rest, pos = b"", 0
    while True:
        b = out.find(BEGIN, pos)
        if b < 0:
            return rest + out[pos:]
        rest += out[pos:b]
        e = out.find(END, b)
        if e < 0:
            return rest
        pos = e + len(END)


def run_pty(jarvis_bin, jarvis_env, cols, rows, knows=True):
    env = dict(jarvis_env)
    env["TERM"] = "xterm-256color"
    return PtyTerm([jarvis_bin], env, cols, rows, knows_2026=knows)


@pytest.mark.parametrize("cols,rows", SIZES)
def test_frames_are_synchronized_where_the_terminal_knows_2026(jarvis_bin, jarvis_env,
                                                               fake_gemini, cols, rows):
    fake_gemini.script([{"kind": "text", "text": ANSWER, "events": 6, "delay": 0.05}])
    term = run_pty(jarvis_bin, jarvis_env, cols, rows)
    try:
        term.wait_for(b"F1 help")
        assert term.asked == 1
        term.write(b"hi\r")
        fake_gemini.wait_requests(1, "stream")
        term.wait_for(b"whole.")
        term.pump(0.5)
        out = term.out[term.out.index(BEGIN):]  # from the first frame on
        frames = out.count(BEGIN)
        assert frames >= 5 and abs(frames - out.count(END)) <= 1, (frames, out.count(END))
        # nothing is drawn between frames: only curses's keypad switches and the modes
        # asked for after the first frame (paste, kitty keys ESC[>5u, modifyOtherKeys)
        rest = re.sub(rb"\x1b(\[[0-9;?<>]*[A-Za-z]|[=>()][0-9A-B]?)", b"", outside_frames(out))
        assert rest == b"", rest[:200]
    finally:
        term.close()
    # the next start takes the cached answer and does not ask again
    term = run_pty(jarvis_bin, jarvis_env, cols, rows)
    try:
        term.wait_for(b"F1 help")
        term.pump(0.2)
        assert term.asked == 0
        assert BEGIN in term.out and b"F1 help" not in outside_frames(term.out)
    finally:
        term.close()


@pytest.mark.parametrize("cols,rows", SIZES)
def test_no_sync_sequences_where_the_terminal_does_not_know_them(jarvis_bin, jarvis_env,
                                                                jarvis_tui, fake_gemini,
                                                                tmp_path, cols, rows):
    term = run_pty(jarvis_bin, jarvis_env, cols, rows, knows=False)
    try:
        term.wait_for(b"F1 help")
        term.pump(0.2)
        assert term.asked == 1 and BEGIN not in term.out
    finally:
        term.close()
    # tmux 3.3a answers no DECRQM: nothing is wrapped there either
    os.remove(os.path.join(jarvis_env["XDG_CACHE_HOME"], "jarvis", "terminal-widths"))
    t = start(jarvis_tui, cols, rows)
    raw = str(tmp_path / "raw")
    t.cmd("pipe-pane", "-O", "-t", t.target, "cat >> '%s'" % raw)
    send(t, "hi")
    t.wait_for("Cheyenne")
    wait_until(lambda: os.path.exists(raw) and b"Cheyenne" in open(raw, "rb").read(),
               what="the answer in the raw output")
    assert BEGIN not in open(raw, "rb").read()
