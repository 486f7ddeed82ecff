#!/usr/bin/env python3
"""Benchmark: the Jarvis TUI in a pseudo-terminal.

What it is for: four figures of the interactive program, each printed with
its target:
  1. start to first full paint: fork jarvis on an 80x24 pty and read its
     output in a tight loop until the status line ("F1 help") and the input
     prompt have been written, timed from the child's execve (Pty.t0; the
     fork and pty set-up of this Python process before it are not
     Jarvis's) (target <= 30 ms; median of N starts);
  2. streaming 1 MiB of markdown in 4,000 events into the visible pane: CPU
     (user+sys from /proc) of the jarvis process from Enter until the
     screen is quiet again (target <= 0.5 s);
  3. resident memory with a 10,000-message conversation open: an account
     made with the real binary (--signup), one exchange stored with -p, the
     other 9,998 messages written with python sqlite3 following
     src/store/sqlite.c's schema, then /select in the TUI (target <= 20 MiB);
  4. idle for 10 s after the first paint: CPU ticks used (target 0).
The fake Gemini server (tests/e2e/fake_gemini.py) runs as a separate process.
What it must not do: assert, reach the network, or touch the user's own
config or store (a throw-away HOME).

    python3 bench/tui.py [--starts N] [--idle SECONDS] [--skip-big]
"""

import argparse
import fcntl
import os
import pty
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "e2e"))
import benchlib as bl  # noqa: E402
from sealer import msg_place, seal, session_key  # noqa: E402

PW = "correct horse battery"
PAINT_TARGET_MS = 30.0
STREAM_CPU_TARGET_S = 0.5
RSS_TARGET_MIB = 20.0


class Pty:
    """jarvis on a pty of a given size; .out collects everything it wrote.

    Like a terminal, it answers a cursor position request (ESC [ 6 n), which
    line editors such as aichat's send before their first prompt. quit is
    what asks the program to leave."""

    def __init__(self, argv, env, cols=80, rows=24, quit=b"/quit\r"):
        # t0 is the child's clock read just before its execve (CLOCK_MONOTONIC,
        # the same in both processes), sent up a pipe that the exec closes:
        # times from it are exec -> ..., without Python's fork and pty set-up.
        spawn = time.perf_counter()
        self.quit = quit
        rd, wr = os.pipe()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.close(rd)
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.chdir(env["HOME"])
                os.write(wr, struct.pack("d", time.perf_counter()))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        os.close(wr)
        got = os.read(rd, 8)
        os.close(rd)
        self.t0 = struct.unpack("d", got)[0] if len(got) == 8 else spawn
        self.spawn_ms = (self.t0 - spawn) * 1000.0  # what the harness took before the exec
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.pid, self.fd = pid, fd
        self.out = bytearray()
        self.last = time.perf_counter()
        self.status = None
        self.rusage = None

    def pump(self, timeout):
        """Reads what is there (waiting up to timeout); returns the bytes read."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        if data:
            self.out += data
            self.last = time.perf_counter()
            for _ in range(data.count(b"\033[6n")):
                os.write(self.fd, b"\033[1;1R")
        return data

    def wait_for(self, needle, timeout, start=0):
        """Seconds from the exec until needle appears after offset start; None on timeout."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.out.find(needle, start) >= 0:
                return self.last - self.t0
            self.pump(0.001)
        return None

    def quiet(self, gap, timeout):
        """Reads until nothing arrived for gap seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.pump(0.02)
            if time.perf_counter() - self.last >= gap:
                return True
        return False

    def send(self, data):
        os.write(self.fd, data)

    def close(self):
        """Asks it to quit, then makes sure it is gone; keeps its rusage."""
        if self.status is None:
            try:
                self.send(self.quit)
            except OSError:
                pass
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline:
                self.pump(0.02)
                pid, status, ru = os.wait4(self.pid, os.WNOHANG)
                if pid:
                    self.status, self.rusage = status, ru
                    break
            if self.status is None:
                os.kill(self.pid, signal.SIGKILL)
                _, self.status, self.rusage = os.wait4(self.pid, 0)
        os.close(self.fd)


def first_paint(jarvis, env, n):
    times = []
    for _ in range(n):
        t = Pty([jarvis], env)
        try:
            at = t.wait_for(b"F1 help", 5)
            if at is not None:
                # the paint ends with the input prompt after the status line
                end = t.wait_for("\u203a".encode(), 1, t.out.find(b"F1 help"))
                times.append((end if end is not None else at) * 1000.0)
        finally:
            t.close()
    return times


def stream_cpu(jarvis, home, events, nbytes):
    args = ["--synthetic-events", str(events), "--synthetic-bytes", str(nbytes)]
    with bl.FakeServer(args) as srv:
        t = Pty([jarvis], home.env(srv.url))
        try:
            if t.wait_for(b"F1 help", 5) is None:
                return None
            t.quiet(0.3, 5)
            c0 = bl.proc_cpu_s(t.pid)
            mark = len(t.out)
            w0 = time.perf_counter()
            t.send(b"write me a long answer\r")
            deadline = time.perf_counter() + 120
            done = False
            while time.perf_counter() < deadline and not done:
                t.pump(0.05)
                reqs = [r for r in srv.requests() if r["endpoint"] == "stream"]
                done = bool(reqs) and reqs[-1].get("finished") is not None
            t.quiet(0.5, 60)
            c1 = bl.proc_cpu_s(t.pid)
            wall = t.last - w0
            rss = bl.proc_status_kib(t.pid, "VmHWM") / 1024.0
            nout = len(t.out) - mark
        finally:
            t.close()
        ru = t.rusage
        whole = ru.ru_utime + ru.ru_stime if ru is not None else float("nan")
        return c1 - c0, wall, rss, nout, whole


def run_cli(jarvis, env, args, input=None):
    return subprocess.run([jarvis] + args, env=env, cwd=env["HOME"], input=input,
                          capture_output=True, text=True, timeout=60)


def big_conversation(jarvis, home, nmsgs):
    """RSS (MiB) of the TUI with an nmsgs-message conversation selected."""
    with bl.FakeServer([]) as srv:
        env = home.env(srv.url)
        r = run_cli(jarvis, env, ["--signup", "Ann", "ann@example.org", "--password-stdin"],
                    input=PW + "\n")
        if r.returncode != 0:
            print("  signup failed: %s" % r.stderr.strip())
            return None
        r = run_cli(jarvis, env, ["-p", "start of a long conversation"])
        if r.returncode != 0:
            print("  -p failed: %s" % r.stderr.strip())
            return None
        db = os.path.join(env["XDG_DATA_HOME"], "jarvis", "jarvis.db")
        con = sqlite3.connect(db, timeout=10)
        (conv_id, user_id) = con.execute(
            "SELECT id, user_id FROM conversations ORDER BY id DESC LIMIT 1").fetchone()
        (seq,) = con.execute("SELECT MAX(seq) FROM messages WHERE conversation_id = ?",
                             (conv_id,)).fetchone()
        now = int(time.time() * 1000)
        key = session_key(env)  # rows sealed as Jarvis stores them (issue 12), or they are tampered
        rows = []
        para = ("Here is a paragraph of **markdown** with `code`, a list and a link "
                "[docs](https://example.org). ") * 4
        for k in range(nmsgs - 2):
            seq += 1
            role = "user" if k % 2 == 0 else "model"
            text = ("question %d: what about item %d?" % (k, k) if role == "user"
                    else "Answer %d.\n\n- %s\n- more\n\n```c\nint x = %d;\n```\n" % (k, para, k))
            text = seal(key, msg_place(user_id, conv_id, seq, role, "text"), text)
            rows.append((conv_id, user_id, seq, role, text,
                         "gemini-3.5-flash" if role == "model" else None, "complete",
                         "STOP" if role == "model" else None, now - (nmsgs - k) * 1000))
        con.executemany(
            "INSERT INTO messages(conversation_id, user_id, seq, role, text, model, status,"
            " finish_reason, created_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        con.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conv_id))
        con.commit()
        (count,) = con.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ?",
                               (conv_id,)).fetchone()
        con.close()
        t = Pty([jarvis], env)
        try:
            if t.wait_for(b"F1 help", 5) is None:
                return None
            t.quiet(0.3, 5)
            before = bl.proc_status_kib(t.pid, "VmRSS") / 1024.0
            mark = len(t.out)
            t.send(("/select %s\r" % conv_id).encode())
            t.wait_for(b"Answer", 20, mark)
            t.quiet(1.0, 30)
            # scroll through the whole history too: a user reading it pays for that
            for _ in range(40):
                t.send(b"\x1b[5~")  # PgUp
                t.pump(0.01)
            t.quiet(1.0, 30)
            rss = bl.proc_status_kib(t.pid, "VmRSS") / 1024.0
            hwm = bl.proc_status_kib(t.pid, "VmHWM") / 1024.0
            return count, before, rss, hwm
        finally:
            t.close()


def idle_ticks(jarvis, env, seconds):
    t = Pty([jarvis], env)
    try:
        if t.wait_for(b"F1 help", 5) is None:
            return None
        t.quiet(0.5, 5)
        k0 = bl.proc_ticks(t.pid)
        deadline = time.perf_counter() + seconds
        wakes = 0
        while time.perf_counter() < deadline:
            if t.pump(0.1):
                wakes += 1
        k1 = bl.proc_ticks(t.pid)
        with open("/proc/%d/status" % t.pid) as f:
            ctx = [ln.split()[1] for ln in f if "ctxt_switches" in ln]
        return k1 - k0, wakes, ctx
    finally:
        t.close()


def main():
    ap = argparse.ArgumentParser(description="Jarvis TUI benchmarks")
    ap.add_argument("--starts", type=int, default=21)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--skip-big", action="store_true", help="skip the 10,000-message figure")
    a = ap.parse_args()
    jarvis = bl.jarvis_bin()
    print("Jarvis TUI on an 80x24 pty")

    with bl.Home() as home:
        env = home.env("http://127.0.0.1:1")
        times = first_paint(jarvis, env, a.starts)
        print("  start to first full paint  %s  target <= %.0f ms: %s" % (
            bl.fmt_stats(times, "ms"), PAINT_TARGET_MS,
            bl.verdict(bl.median(times), PAINT_TARGET_MS)))

    with bl.Home() as home:
        res = stream_cpu(jarvis, home, 4000, 1048576)
        if res is None:
            print("  streaming 1 MiB: the TUI did not start")
        else:
            cpu, wall, hwm, nout, whole = res
            print("  streaming 1 MiB / 4000 events: CPU %.3f s from Enter to quiet "
                  "(%.3f s for the whole run: start, stream, /quit; wall %.2f s; %d KiB "
                  "to the terminal; peak RSS %.1f MiB)  target <= %.1f s: %s" % (
                      cpu, whole, wall, nout // 1024, hwm, STREAM_CPU_TARGET_S,
                      bl.verdict(max(cpu, whole), STREAM_CPU_TARGET_S)))

    if not a.skip_big:
        with bl.Home() as home:
            res = big_conversation(jarvis, home, a.messages)
            if res is None:
                print("  %d-message conversation: could not set it up" % a.messages)
            else:
                count, before, rss, hwm = res
                print("  %d-message conversation open: RSS %.1f MiB (%.1f before /select, "
                      "peak %.1f)  target <= %.0f MiB: %s" % (
                          count, rss, before, hwm, RSS_TARGET_MIB,
                          bl.verdict(rss, RSS_TARGET_MIB)))

    with bl.Home() as home:
        res = idle_ticks(jarvis, home.env("http://127.0.0.1:1"), a.idle)
        if res is None:
            print("  idle: the TUI did not start")
        else:
            ticks, wakes, ctx = res
            print("  idle %.0f s: %d CPU ticks (1 tick = %d ms), %d screen writes, "
                  "context switches %s  target 0: %s" % (
                      a.idle, ticks, 1000 // bl.CLK_TCK, wakes, "/".join(ctx),
                      "OK" if ticks == 0 else "OVER TARGET"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
