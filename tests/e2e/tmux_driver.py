"""Drive a terminal program inside a private, detached tmux server.

What it is for: end-to-end tests of the Jarvis TUI. A program runs in a tmux
pane of a known size; tests send keys, text and bracketed pastes, read the
screen and the cursor, resize, and check the program's exit status.
What it must not do: touch the user's tmux server (each Tmux has its own
socket in its own temp dir and reads no config: -f /dev/null), need a
controlling terminal, or leave a tmux server behind (close() always kills it).

    with Tmux() as t:
        t.start(["./jarvis"], env=env, width=80, height=24)
        t.wait_for("jarvis")           # substring, or re.compile(...)
        t.send_text("hello"); t.send_keys("Enter")
        t.paste("two\\nlines")         # bracketed paste
        lines = t.capture(); x, y = t.cursor()
        t.resize(60, 20)
        status = t.wait_exit()         # the pane stays after exit (remain-on-exit)
"""

import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

_open = []


def _close_all():
    for t in list(_open):
        t.close()


atexit.register(_close_all)


def _default_term():
    for term in ("tmux-256color", "screen-256color"):
        if subprocess.run(["infocmp", term], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0:
            return term
    return "screen"


class TmuxTimeout(AssertionError):
    """wait_for() did not see what it waited for; the message shows the screen."""


class Tmux:
    """One private tmux server running one program in one pane."""

    def __init__(self, tmux="tmux"):
        self.tmux = shutil.which(tmux) or tmux
        self.dir = tempfile.mkdtemp(prefix="jarvis-tmux-")
        self.sock = os.path.join(self.dir, "sock")
        self.target = "jarvis:0.0"
        self.server_pid = None
        self.started = False
        self.status_file = os.path.join(self.dir, "status")
        _open.append(self)

    # -------------------------------------------------------------- plumbing
    def _env(self):
        env = dict(os.environ)
        env.pop("TMUX", None)
        env.pop("TMUX_PANE", None)
        return env

    def cmd(self, *args, input=None, check=True):
        """Run one tmux command against this server; returns its stdout (str)."""
        r = subprocess.run([self.tmux, "-S", self.sock, "-f", "/dev/null"] + list(args),
                           input=input, capture_output=True, env=self._env(), timeout=20)
        if check and r.returncode != 0:
            raise RuntimeError("tmux %s failed (%d): %s" % (" ".join(args), r.returncode,
                               r.stderr.decode("utf-8", "replace").strip()))
        return r.stdout.decode("utf-8", "replace")

    def _display(self, fmt):
        return self.cmd("display-message", "-p", "-t", self.target, fmt).rstrip("\n")

    # -------------------------------------------------------------- lifecycle
    def start(self, argv, env=None, width=80, height=24, cwd=None, term=None):
        """Run argv (a list) in a detached width x height pane with env (a dict)."""
        if self.started:
            raise RuntimeError("this Tmux already runs a program; make another")
        if isinstance(argv, str):
            argv = [argv]
        env = dict(env if env is not None else os.environ)
        term = term or _default_term()
        # the pane gets exactly env: tmux's own additions are undone by `env -i`
        pane_env = {k: v for k, v in env.items() if k not in ("TMUX", "TMUX_PANE")}
        pane_env["TERM"] = term
        inner = ["env", "-i"] + ["%s=%s" % kv for kv in sorted(pane_env.items())] + list(argv)
        # a small sh records the exit status: tmux's own #{pane_dead_status}
        # is sometimes never set when the pty closes before the child is reaped
        self.status_file = os.path.join(self.dir, "status")
        wrapper = '"$@"; s=$?; printf %s "$s" > "$0"; exit "$s"'
        if cwd:
            wrapper = 'cd "$1" && shift && ' + wrapper
            inner = ["sh", "-c", wrapper, self.status_file, cwd] + inner
        else:
            inner = ["sh", "-c", wrapper, self.status_file] + inner
        # options first, in their own invocation: an env value ending in ";"
        # must never be read as a tmux command separator
        self.cmd("start-server", ";",
                 "set-option", "-g", "exit-empty", "off", ";",
                 "set-option", "-g", "remain-on-exit", "on", ";",
                 "set-option", "-g", "status", "off", ";",
                 "set-option", "-g", "escape-time", "0", ";",
                 "set-option", "-g", "history-limit", "5000", ";",
                 "set-option", "-g", "default-terminal", term, ";",
                 "set-option", "-g", "focus-events", "off", ";",
                 "set-window-option", "-g", "aggressive-resize", "off")
        self.cmd("new-session", "-d", "-s", "jarvis", "-x", str(width), "-y", str(height),
                 *[a[:-1] + "\\;" if a.endswith(";") else a for a in inner])
        self.started = True
        self.server_pid = int(self.cmd("display-message", "-p", "#{pid}").strip())
        return self

    def close(self):
        """Kill the tmux server (and with it the program); remove the temp dir."""
        if self in _open:
            _open.remove(self)
        if os.path.exists(self.sock):
            pid = self.server_pid
            self.cmd("kill-server", check=False)
            if pid:
                deadline = time.time() + 5
                while time.time() < deadline and _pid_alive(pid):
                    time.sleep(0.02)
                if _pid_alive(pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -------------------------------------------------------------- input
    def send_keys(self, *keys, literal=False):
        """tmux send-keys: key names ("Enter", "C-c", "M-Enter", "F2", "Escape", "PPage")."""
        args = ["send-keys", "-t", self.target]
        if literal:
            args.append("-l")
        self.cmd(*(args + ["--"] + list(keys)))

    def send_text(self, text):
        """Type text literally (no key-name lookup)."""
        if text:
            self.cmd("send-keys", "-t", self.target, "-l", "--", text)

    def paste(self, text, raw=True):
        """Paste text as a bracketed paste (when the program asked for it).

        raw=True keeps newlines as LF; raw=False lets tmux turn them into CR
        the way a terminal paste does.
        """
        self.cmd("load-buffer", "-b", "jarvis-paste", "-", input=text.encode("utf-8"))
        args = ["paste-buffer", "-p", "-d", "-b", "jarvis-paste", "-t", self.target]
        if raw:
            args.insert(1, "-r")
        self.cmd(*args)

    # -------------------------------------------------------------- output
    def capture(self, escapes=False, history=False):
        """The visible screen as a list of lines (trailing spaces trimmed).

        history=True puts the scrollback first. When the program exits, tmux
        scrolls one line to print "Pane is dead", so its last screen's first
        line is only in the scrollback.
        """
        args = ["capture-pane", "-p", "-t", self.target]
        if escapes:
            args.append("-e")
        if history:
            args += ["-S", "-"]
        out = self.cmd(*args)
        lines = out.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [ln.rstrip() for ln in lines]

    def screen(self):
        """The visible screen as one string."""
        return "\n".join(self.capture())

    def show(self):
        """The screen framed for an error message (with scrollback once the program exited)."""
        lines = self.capture(history=not self.is_alive())
        w = max([len(ln) for ln in lines] + [10])
        bar = "+" + "-" * w + "+"
        return "\n".join([bar] + ["|" + ln.ljust(w) + "|" for ln in lines] + [bar])

    def wait_for(self, what, timeout=10.0, interval=0.05):
        """Wait until the screen shows what (substring or compiled regex); returns the match.

        On timeout raises TmuxTimeout with the last screen.
        """
        deadline = time.time() + timeout
        while True:
            text = self.screen()
            if isinstance(what, re.Pattern):
                m = what.search(text)
                if m:
                    return m
            elif what in text:
                return what
            if time.time() >= deadline:
                state = "running" if self.is_alive() else \
                    "exited with status %s" % self.exit_status()
                raise TmuxTimeout("screen did not show %r within %.1fs (program %s); last "
                                  "screen:\n%s" % (getattr(what, "pattern", what), timeout,
                                                   state, self.show()))
            time.sleep(interval)

    def wait_gone(self, what, timeout=10.0, interval=0.05):
        """Wait until the screen no longer shows what (substring or regex)."""
        deadline = time.time() + timeout
        while True:
            text = self.screen()
            found = what.search(text) if isinstance(what, re.Pattern) else what in text
            if not found:
                return
            if time.time() >= deadline:
                raise TmuxTimeout("screen still shows %r after %.1fs:\n%s"
                                  % (getattr(what, "pattern", what), timeout, self.show()))
            time.sleep(interval)

    def cursor(self):
        """(x, y) of the cursor, 0-based."""
        x, y = self._display("#{cursor_x} #{cursor_y}").split()
        return int(x), int(y)

    def size(self):
        """(width, height) of the pane."""
        w, h = self._display("#{pane_width} #{pane_height}").split()
        return int(w), int(h)

    def resize(self, width, height):
        """Resize the window (the program gets SIGWINCH)."""
        self.cmd("resize-window", "-t", "jarvis:0", "-x", str(width), "-y", str(height))

    # -------------------------------------------------------------- the program
    def pane_pid(self):
        """The pid of the program in the pane (the child of the recording sh)."""
        sh = int(self._display("#{pane_pid}"))
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                with open("/proc/%d/task/%d/children" % (sh, sh)) as f:
                    kids = f.read().split()
            except OSError:
                kids = []
            if kids:
                return int(kids[0])
            if not self.is_alive():
                break
            time.sleep(0.01)
        raise RuntimeError("no program process under the pane's sh (pid %d)" % sh)

    def is_alive(self):
        """Whether the program still runs."""
        if os.path.exists(self.status_file):
            return False
        try:
            return self._display("#{pane_dead}") != "1"
        except (RuntimeError, subprocess.SubprocessError):
            return False

    def exit_status(self):
        """The program's exit status, or None while it runs (killed by signal N: 128+N)."""
        try:
            with open(self.status_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def wait_exit(self, timeout=10.0):
        """Wait for the program to exit; returns its exit status."""
        deadline = time.time() + timeout
        while self.exit_status() is None:
            if time.time() >= deadline:
                raise TmuxTimeout("program still running after %.1fs:\n%s"
                                  % (timeout, self.show()))
            time.sleep(0.02)
        return self.exit_status()

    def signal(self, sig):
        """Send a signal to the program."""
        os.kill(self.pane_pid(), sig)


def _pid_alive(pid):
    """Whether pid runs (a zombie waiting for a reaper counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
