#!/usr/bin/env python3
"""Benchmark: `jarvis -p` and Google's gemini-cli on the same fake server.

What it is for: side-by-side figures for one headless question answered by
tests/e2e/fake_gemini.py on loopback (a separate process): CPU (user+sys of
the whole process tree, from os.wait4, which includes every waited-for
descendant), peak RSS (ru_maxrss: the largest single process) and the peak
of the summed RSS of the process tree (sampled from /proc every 2 ms), wall
time to the first answer byte on stdout and in total, and the start time of
`--version`. Median of N runs each. bench/gemini-cli.sh installs gemini-cli
and calls this.
What it must not do: assert, reach the network (gemini-cli is pointed at
the fake server with GOOGLE_GEMINI_BASE_URL, telemetry and updates off),
or touch the user's ~/.gemini (GEMINI_CLI_HOME is a temp dir).

    python3 bench/clicompare.py --gemini PATH/TO/gemini [--runs N]
"""

import argparse
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

GEMINI_SETTINGS = {
    "security": {"auth": {"selectedType": "gemini-api-key"}},
    "privacy": {"usageStatisticsEnabled": False},
    "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
    "telemetry": {"enabled": False},
}


def tree_rss_kib(root):
    """Summed VmRSS of root and its descendants (KiB)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    total = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            total += bl.proc_status_kib(pid, "VmRSS")
        except OSError:
            pass
        todo.extend(children.get(pid, []))
    return total


def measure(argv, env, cwd, sample_tree=True):
    """(cpu_ms, maxrss_kib, tree_peak_kib, ttfb_ms, total_ms, exit, stdout, stderr)."""
    t0 = time.perf_counter()
    argv, rss_file = bl.under_time(argv)
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], tree_rss_kib(p.pid))
            except OSError:
                pass
            stop.wait(0.002)
    th = threading.Thread(target=sampler, daemon=True)
    if sample_tree:
        th.start()
    out, err = bytearray(), bytearray()
    first = None
    fds = {p.stdout.fileno(): out, p.stderr.fileno(): err}
    while fds:
        r, _, _ = select.select(list(fds), [], [], 120)
        if not r:
            break
        for fd in r:
            data = os.read(fd, 1 << 20)
            if not data:
                del fds[fd]
                continue
            if fd == p.stdout.fileno() and first is None:
                first = time.perf_counter()
            fds[fd] += data
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    stop.set()
    if sample_tree:
        th.join()
    p.stdout.close()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return ((ru.ru_utime + ru.ru_stime) * 1000.0, bl.read_rss_kib(rss_file), peak[0],
            ((first or t1) - t0) * 1000.0, (t1 - t0) * 1000.0, p.returncode,
            bytes(out), bytes(err))


def series(name, argv, env, cwd, runs, want):
    rows = []
    measure(argv, env, cwd, sample_tree=False)  # warm-up
    last_err = b""
    for _ in range(runs):
        r = measure(argv, env, cwd)
        if r[5] != 0 or want not in r[6]:
            last_err = r[7] or r[6]
            continue
        rows.append(r)
    if not rows:
        print("  %-34s FAILED: %s" % (name, last_err.decode("utf-8", "replace")[-600:].strip()))
        return None
    col = list(zip(*rows))
    print("  %-34s CPU %7.1f ms   peak RSS %6.1f MiB   tree RSS %6.1f MiB   "
          "first byte %7.1f ms   total %7.1f ms   (n=%d)" % (
              name, bl.median(col[0]), bl.median(col[1]) / 1024.0,
              bl.median(col[2]) / 1024.0, bl.median(col[3]), bl.median(col[4]), len(rows)))
    return rows


def start_time(name, argv, env, cwd, runs):
    walls = []
    cpus = []
    for _ in range(runs):
        r = measure(argv, env, cwd, sample_tree=False)
        if r[5] == 0:
            walls.append(r[4])
            cpus.append(r[0])
    if walls:
        print("  %-34s wall %7.1f ms   CPU %7.1f ms   (n=%d)" % (
            name, bl.median(walls), bl.median(cpus), len(walls)))


def main():
    ap = argparse.ArgumentParser(description="jarvis -p vs gemini -p on the fake server")
    ap.add_argument("--gemini", help="the gemini executable (omit: jarvis only)")
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    jarvis = bl.jarvis_bin()
    gcli_home = tempfile.mkdtemp(prefix="gemini-cli-home-")
    os.makedirs(os.path.join(gcli_home, ".gemini"))
    with open(os.path.join(gcli_home, ".gemini", "settings.json"), "w") as f:
        json.dump(GEMINI_SETTINGS, f)
    try:
        for label, srv_args, want in (
                ("short answer (recorded fixture)", [], b"Cheyenne"),
                ("1 MiB answer in 4000 events",
                 ["--synthetic-events", "4000", "--synthetic-bytes", "1048576"], b"Section 1")):
            with bl.FakeServer(srv_args) as srv, bl.Home() as home:
                print("%s, fake_gemini.py at %s:" % (label, srv.url))
                jenv = home.env(srv.url)
                series("jarvis -p hello --no-save",
                       [jarvis, "-m", "gemini-2.5-flash", "-p", "hello", "--no-save"],
                       jenv, jenv["HOME"], a.runs, want)
                if a.gemini:
                    genv = {
                        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                        "HOME": gcli_home,
                        "GEMINI_CLI_HOME": gcli_home,
                        "GEMINI_API_KEY": "bench-key",
                        "GOOGLE_GEMINI_BASE_URL": srv.url,
                        "GEMINI_CLI_TRUST_WORKSPACE": "true",
                        "NO_COLOR": "1",
                        "LANG": "C.UTF-8",
                        "TERM": "dumb",
                    }
                    before = len(srv.requests())
                    rows = series("gemini -m gemini-2.5-flash -p hello",
                                  [a.gemini, "-m", "gemini-2.5-flash", "-p", "hello"],
                                  genv, gcli_home, a.runs, want)
                    reqs = srv.requests()[before:]
                    kinds = {}
                    for r in reqs:
                        kinds[r["endpoint"] or r["route"]] = kinds.get(
                            r["endpoint"] or r["route"], 0) + 1
                    runs = (a.runs + 1) if rows is not None else 0
                    print("    gemini-cli requests to the fake server over %d runs: %s" % (
                        runs, ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
        print("start time:")
        start_time("jarvis --version", [jarvis, "--version"], dict(os.environ), "/", a.runs)
        if a.gemini:
            start_time("gemini --version", [a.gemini, "--version"],
                       {"PATH": os.environ.get("PATH", ""), "HOME": gcli_home,
                        "GEMINI_CLI_HOME": gcli_home, "NO_COLOR": "1"}, gcli_home, a.runs)
    finally:
        shutil.rmtree(gcli_home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
