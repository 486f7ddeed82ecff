#!/usr/bin/env python3
"""Benchmark: start-up and the cost of -p per MiB, against the floor.

What it is for: the figures a user feels before any answer arrives, next to
the least any program of the same shape can do on this machine:
  * `--version` wall and CPU, interleaved with the floor programs the
    Makefile builds (build/bench/floor-bare: a C `main(){}`; floor-curl:
    the same with libcurl linked), and with aichat and
    gemini-cli when they are installed (on PATH, $AICHAT / $GEMINI_CLI, or
    where bench/peers.sh puts them; skipped with a message otherwise);
  * the TUI on an 80x24 pty: exec until the first full paint (status line
    and input prompt written; from the child's clock read just before its
    execve, see tui.Pty, to the read that brought the prompt), and its resident memory idle after that, in
    turn with build/bench/floor-tui (ncursesw drawing a status line and a
    prompt: the least a program of this shape can do) and aichat's REPL
    (until its prompt, its config naming a Gemini client never called);
  * `jarvis -p` marginal CPU per MiB of answer next to `curl -sN` receiving
    the same stream from the same server (both writing to a pipe; a fresh HOME
    each run), with 262-byte events and with the
    server writing 64 KiB chunks: (CPU at 4 MiB - CPU at 64 KiB) / MiB.
What it must not do: assert, reach the network, or touch the user's files.

    python3 bench/startup.py [--runs N] [--markdown FILE]
    python3 bench/startup.py --per-mib-only [--runs N] [--baseline JARVIS]
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
from tui import Pty  # noqa: E402

STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
BODY = '{"contents":[{"role":"user","parts":[{"text":"hello"}]}]}'


def timed(argv, env):
    """(wall_ms, cpu_ms) of one run, stdout and stderr discarded."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=env.get("HOME"))
    _, _, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    p.returncode = 0
    return (t1 - t0) * 1000.0, (ru.ru_utime + ru.ru_stime) * 1000.0


def timed_checked(argv, env, expect_bytes):
    """(wall_ms, cpu_ms) of a run that wrote at least expect_bytes and exited 0, else None."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, cwd=env.get("HOME"))
    n = 0
    while True:
        data = p.stdout.read1(1 << 20)
        if not data:
            break
        n += len(data)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    p.stdout.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0 or n < expect_bytes:
        print("  run failed: %s exit %d, %d bytes of %d" % (argv[0], p.returncode, n, expect_bytes))
        return None
    return (t1 - t0) * 1000.0, (ru.ru_utime + ru.ru_stime) * 1000.0


def peak_rss_mib(argv, env):
    """Peak RSS of one run, from GNU time as its parent (see benchlib)."""
    wrapped, path = bl.under_time(argv)
    subprocess.run(wrapped, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=env.get("HOME"))
    return bl.read_rss_kib(path) / 1024.0


def interleaved(cmds, env, runs):
    """{name: [(wall, cpu)]}: one warm-up each, then A B C A B C ..."""
    for argv in cmds.values():
        timed(argv, env)
    res = {name: [] for name in cmds}
    for _ in range(runs):
        for name, argv in cmds.items():
            res[name].append(timed(argv, env))
    return res


def cache_prefix(name):
    """Where bench/peers.sh installs a peer: $AICHAT_PREFIX / $GEMINI_CLI_PREFIX, else
    $XDG_CACHE_HOME/jarvis-bench/NAME."""
    given = os.environ.get(name.upper().replace("-", "_") + "_PREFIX")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME", "/"), ".cache")
    return given or os.path.join(cache, "jarvis-bench", name)


def peer_paths():
    """{name: executable} of aichat and gemini-cli when installed; prints the skips."""
    found = {}
    for name, env, on_path, rel in (("aichat", "AICHAT", "aichat", "bin/aichat"),
                                    ("gemini-cli", "GEMINI_CLI", None,
                                     "node_modules/.bin/gemini")):
        for path in (os.environ.get(env), on_path and shutil.which(on_path),
                     os.path.join(cache_prefix(name), rel)):
            if path and os.access(path, os.X_OK):
                found[name] = path
                break
        else:
            print("  %s SKIPPED: not installed (make bench-peers installs it)" % name)
    return found


def aichat_env(env, home_dir):
    """env for aichat's REPL: a config naming a Gemini client that is never called."""
    cfg = os.path.join(home_dir, "aichat")
    os.makedirs(cfg, exist_ok=True)
    with open(os.path.join(cfg, "config.yaml"), "w") as f:
        f.write("model: gemini:gemini-2.5-flash\nsave: false\nhighlight: false\n"
                "clients:\n  - type: gemini\n    api_base: http://127.0.0.1:1/v1beta\n"
                "    api_key: bench-key\n")
    return dict(env, AICHAT_CONFIG_DIR=cfg)


# What each TUI writes when its first screen is complete: jarvis and the
# floor end the paint with the input prompt after the status line; aichat
# prints its welcome, then (once the cursor position is answered) "> ".
JARVIS_READY = (b"F1 help", "\u203a".encode())
AICHAT_READY = (b"additional help", b"> ")


def first_paint_once(prog, env):
    """(exec -> first paint ms, idle VmRSS MiB) of one run, or None."""
    argv, (first, last), quit = prog
    t = Pty(argv, env, quit=quit)
    try:
        at = t.wait_for(first, 5)
        if at is None:
            return None
        end = t.wait_for(last, 1, t.out.find(first))
        paint = (end if end is not None else at) * 1000.0
        t.quiet(1.0, 5)
        return paint, bl.proc_status_kib(t.pid, "VmRSS") / 1024.0
    finally:
        t.close()


def first_paint_and_idle(progs, runs):
    """{name: ([exec -> first paint ms], [idle VmRSS MiB])}, the programs in turn.

    progs: {name: ((argv, ready, quit), env)}."""
    res = {name: ([], []) for name in progs}
    for k in range(runs + 1):
        for name, (prog, env) in progs.items():
            r = first_paint_once(prog, env)
            if r is not None and k > 0:  # the first round warms the caches
                res[name][0].append(r[0])
                res[name][1].append(r[1])
    return res


def per_mib(jarvis, runs, chunk, baseline=None):
    """{'jarvis -p': ms/MiB, 'curl -sN': ms/MiB} for one way of writing the stream.

    With baseline (another jarvis binary) also 'baseline -p', run in turn
    with the others, so that a change is measured under the same load."""
    small, large = 64 * 1024, 4 << 20
    out = {}
    cpu = {}
    for size in (small, large):
        args = ["--synthetic-bytes", str(size), "--event-bytes", "262"]
        if chunk:
            args += ["--chunk", str(chunk)]
        with bl.FakeServer(args) as srv:
            curl = ["curl", "-sN", "-X", "POST", "-H", "content-type: application/json",
                    "-H", "x-goog-api-key: bench-key", "--data", BODY, srv.url + STREAM]
            progs = {"jarvis -p": jarvis, "baseline -p": baseline, "curl -sN": None}
            progs = {name: path for name, path in progs.items() if name != "baseline -p" or path}
            rs = {name: [] for name in progs}
            for k in range(runs + 1):
                # a fresh HOME each run: a guest's request quota would refuse the 11th
                with bl.Home() as home:
                    env = home.env(srv.url)
                    for name, path in progs.items():
                        argv = [path, "-p", "hello", "--no-save"] if path else curl
                        r = timed_checked(argv, env, size)
                        if k > 0:
                            rs[name].append(r)
            for name, r in rs.items():
                cpu[(name, size)] = bl.median([x[1] for x in r if x is not None])
    mib = (large - small) / float(1 << 20)
    for name in progs:
        out[name] = (cpu[(name, large)] - cpu[(name, small)]) / mib
    return out


def per_mib_all(jarvis, runs, baseline=None):
    """{shape: per_mib(...)} for the two ways the server writes the stream."""
    return {"262-byte events": per_mib(jarvis, runs, 0, baseline),
            "64 KiB writes": per_mib(jarvis, runs, 65536, baseline)}


def print_per_mib(marg):
    for shape, m in marg.items():
        print("  -p per MiB, %s: jarvis %.2f ms, curl -sN %.2f ms (x%.1f)" % (
            shape, m["jarvis -p"], m["curl -sN"], m["jarvis -p"] / max(m["curl -sN"], 1e-3)))
        if "baseline -p" in m:
            print("  -p per MiB, %s: baseline %.2f ms (x%.1f)" % (
                shape, m["baseline -p"], m["baseline -p"] / max(m["curl -sN"], 1e-3)))


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / float(1 << 30)
    return "%d-core %s, %.0f GiB" % (os.cpu_count(), model, mem)


def main(argv=None):
    ap = argparse.ArgumentParser(description="start-up and -p per MiB against the floor")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--floor-dir", default=os.path.join(bl.REPO_ROOT, "build", "bench"))
    ap.add_argument("--markdown", help="also write the tables to this file")
    ap.add_argument("--per-mib-only", action="store_true",
                    help="measure only -p per MiB against curl -sN (no start-up, no floor)")
    ap.add_argument("--baseline", metavar="JARVIS",
                    help="with --per-mib-only: another jarvis binary, run in turn with the first")
    a = ap.parse_args(argv)
    jarvis = bl.jarvis_bin()
    if a.per_mib_only:
        print("-p per MiB against curl -sN (%d runs, interleaved)" % a.runs)
        print_per_mib(per_mib_all(jarvis, a.runs, a.baseline))
        return 0
    bare = os.path.join(a.floor_dir, "floor-bare")
    curl = os.path.join(a.floor_dir, "floor-curl")
    tui = os.path.join(a.floor_dir, "floor-tui")
    if not all(os.access(f, os.X_OK) for f in (bare, curl, tui)):
        sys.exit("bench: %s, %s or %s is missing: run make bench-floor" % (bare, curl, tui))
    print("Start-up and -p per MiB against the floor (%d runs, interleaved)" % a.runs)
    with bl.Home() as home:
        env = home.env("http://127.0.0.1:1")
        cmds = {"jarvis --version": [jarvis, "--version"], "floor: C main(){}": [bare],
                "floor: main(){} + libcurl": [curl]}
        peers = peer_paths()
        for name, path in peers.items():
            cmds[name + " --version"] = [path, "--version"]
        starts = interleaved(cmds, env, a.runs)
        rss = {name: peak_rss_mib(argv, env) for name, argv in cmds.items()}
        tuis = {"jarvis": (([jarvis], JARVIS_READY, b"/quit\r"), env),
                "floor: ncursesw prompt": (([tui], JARVIS_READY, b"/quit\r"), env)}
        if "aichat" in peers:
            tuis["aichat"] = (([peers["aichat"]], AICHAT_READY, b".exit\r"),
                              aichat_env(env, home.dir))
        paints = first_paint_and_idle(tuis, a.runs)
    for name, rs in starts.items():
        print("  %-28s wall %s, CPU %.2f ms, peak RSS %.1f MiB" % (
            name, bl.fmt_stats([r[0] for r in rs], "ms", digits=2),
            bl.median([r[1] for r in rs]), rss[name]))
    for name, (paint, idle) in paints.items():
        print("  %-22s exec -> first paint %s, idle RSS %s" % (
            name, bl.fmt_stats(paint, "ms", digits=2), bl.fmt_stats(idle, "MiB")))
    marg = per_mib_all(jarvis, a.runs)
    print_per_mib(marg)
    text = markdown(starts, rss, paints, marg, a.runs)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    return 0


def markdown(starts, rss, paints, marg, runs):
    med = lambda rs, i: bl.median([r[i] for r in rs])
    lines = ["### Start-up (`bench/startup.py`)", "",
             "Medians of %d interleaved runs after a warm-up; wall from Python's spawn "
             "to reaping (includes fork/exec, the same for every row); peak RSS from "
             "GNU time." % runs, "",
             "| program | wall | CPU | peak RSS |", "|---|---|---|---|"]
    for name, rs in starts.items():
        lines.append("| `%s` | %.2f ms (%.2f–%.2f) | %.2f ms | %.1f MiB |" % (
            name, med(rs, 0), min(r[0] for r in rs), max(r[0] for r in rs), med(rs, 1),
            rss[name]))
    stat = lambda v, unit, d: "%.*f %s (%.*f–%.*f)" % (d, bl.median(v), unit, d, min(v), d,
                                                        max(v)) if v else "n/a"
    lines += ["", "The TUI on an 80x24 pty, in turn with the floor (`build/bench/floor-tui`: "
              "ncursesw taking the screen and drawing a status line and a prompt) and, "
              "when installed, aichat's REPL (until its prompt); timed from the child's execve "
              "(its clock read just before the call), not from the harness's fork:", "",
              "| program | exec → first full paint | idle RSS |", "|---|---|---|"]
    for name, (paint, idle) in paints.items():
        lines.append("| %s | %s | %s |" % (name, stat(paint, "ms", 2), stat(idle, "MiB", 1)))
    lines += [
              "", "### `-p` marginal CPU per MiB of answer, against `curl -sN` of the same stream",
              "", "(CPU at 4 MiB − CPU at 64 KiB) / 3.94 MiB, medians of %d runs each." % runs, "",
              "| stream | jarvis -p | curl -sN | ratio |", "|---|---|---|---|"]
    for shape, m in marg.items():
        lines.append("| %s | %.2f ms/MiB | %.2f ms/MiB | ×%.1f |" % (
            shape, m["jarvis -p"], m["curl -sN"], m["jarvis -p"] / max(m["curl -sN"], 1e-3)))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
