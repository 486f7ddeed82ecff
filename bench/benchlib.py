"""Helpers shared by the Python benchmarks under bench/.

What it is for: starting tests/e2e/fake_gemini.py as a separate process on
loopback, making a hermetic HOME for jarvis, and the small statistics and
/proc readings the benchmarks print.
What it must not do: reach the network, touch the user's own config or
store, or leave a server behind (FakeServer is a context manager).
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
FAKE = os.path.join(REPO_ROOT, "tests", "e2e", "fake_gemini.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def jarvis_bin():
    """The jarvis binary under test ($JARVIS_BIN or ./jarvis); exits if missing."""
    path = os.path.abspath(os.environ.get("JARVIS_BIN") or os.path.join(REPO_ROOT, "jarvis"))
    if not os.access(path, os.X_OK):
        sys.exit("bench: %s not found; run make first" % path)
    return path


class FakeServer:
    """fake_gemini.py in its own process: with FakeServer([...args]) as s: s.url."""

    def __init__(self, args=()):
        self.args = list(args)
        self.proc = None
        self.url = None

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, FAKE, "--port", "0"] + self.args,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://\S+)", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("fake_gemini.py did not start: %r" % line)
        self.url = m.group(1)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def control(self, route, body=None):
        """Calls a /_fake/ control route; returns the decoded JSON."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + route, data=data,
                                     method="POST" if data is not None else "GET")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def requests(self):
        return self.control("/_fake/requests")


class Home:
    """A throw-away HOME with XDG dirs; .env(base_url) is jarvis's environment."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jarvis-bench-")
        for d in (".config", ".local/share", ".local/state", ".cache"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)

    def env(self, base_url, key="bench-key", **extra):
        e = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.dir,
            "XDG_CONFIG_HOME": os.path.join(self.dir, ".config"),
            "XDG_DATA_HOME": os.path.join(self.dir, ".local/share"),
            "XDG_STATE_HOME": os.path.join(self.dir, ".local/state"),
            "XDG_CACHE_HOME": os.path.join(self.dir, ".cache"),
            "GEMINI_API_KEY": key,
            "GEMINI_BASE_URL": base_url,
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "TZ": "UTC",
        }
        e.update({k: str(v) for k, v in extra.items()})
        return e

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def proc_cpu_s(pid):
    """utime + stime of a live process, in seconds (clock-tick resolution)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_ticks(pid):
    """utime + stime of a live process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_status_kib(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM), in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_stats(xs, unit, scale=1.0, digits=1):
    """'median M unit (min A, max B, n=N)'."""
    if not xs:
        return "n/a"
    f = "%%.%df" % digits
    return ("median " + f + " %s (min " + f + ", max " + f + ", n=%d)") % (
        median(xs) * scale, unit, min(xs) * scale, max(xs) * scale, len(xs))


def verdict(value, target, lower_is_better=True):
    ok = value <= target if lower_is_better else value >= target
    return "OK" if ok else "OVER TARGET"


TIME = "/usr/bin/time"


def under_time(argv):
    """argv run under /usr/bin/time, and the file it writes the peak RSS to.

    ru_maxrss of a child forked from Python also counts the Python pages the
    child had before it called exec (about 20 MiB), so a program's own peak
    must come from a small parent: GNU time (Debian package `time`)."""
    fd, path = tempfile.mkstemp(prefix="jarvis-bench-rss-")
    os.close(fd)
    return [TIME, "-f", "%M", "-o", path] + list(argv), path


def read_rss_kib(path):
    """The peak RSS in KiB that /usr/bin/time wrote to path (then removed)."""
    try:
        with open(path) as f:
            lines = [l for l in f.read().split("\n") if l.strip()]
        return int(lines[-1])
    finally:
        os.unlink(path)

