#!/usr/bin/env python3
"""Benchmark: `jarvis -p` receiving a 1 MiB answer in 4,000 SSE events.

What it is for: the cost of one-shot mode on loopback. The fake Gemini
server (tests/e2e/fake_gemini.py --synthetic-events 4000 --synthetic-bytes
1048576) runs as a separate process; each run of `jarvis -p hello --no-save`
is a child of this script, so os.wait4 gives its own user+sys CPU and peak
RSS (ru_maxrss). Also prints wall time to the first answer byte and in
total. Targets (DESIGN/brief): <= 30 ms CPU, <= 12 MiB peak RSS.
What it must not do: assert (it prints figures), store anything (guest,
--no-save), or reach the network.

    python3 bench/oneshot.py [--runs N] [--events E] [--bytes B]
"""

import argparse
import os
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

CPU_TARGET_MS = 30.0
RSS_TARGET_MIB = 12.0


def one_run(jarvis, env, expect_bytes):
    """(cpu_ms, maxrss_kib, ttfb_ms, total_ms, bytes_out, exit_status) of one run."""
    t0 = time.perf_counter()
    argv, rss_file = bl.under_time([jarvis, "-p", "hello", "--no-save"])
    p = subprocess.Popen(argv, env=env, cwd=env["HOME"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    fd = p.stdout.fileno()
    first = None
    n = 0
    while True:
        r, _, _ = select.select([fd], [], [], 60)
        if not r:
            break
        data = os.read(fd, 1 << 20)
        if not data:
            break
        if first is None:
            first = time.perf_counter()
        n += len(data)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    p.stdout.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    cpu_ms = (ru.ru_utime + ru.ru_stime) * 1000.0
    ttfb = ((first or t1) - t0) * 1000.0
    return cpu_ms, bl.read_rss_kib(rss_file), ttfb, (t1 - t0) * 1000.0, n, p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--events", type=int, default=4000)
    ap.add_argument("--bytes", type=int, default=1048576)
    ap.add_argument("--chunk", type=int, default=0,
                    help="bytes per server write (0: one event per write)")
    a = ap.parse_args()
    jarvis = bl.jarvis_bin()
    args = ["--synthetic-events", str(a.events), "--synthetic-bytes", str(a.bytes)]
    if a.chunk:
        args += ["--chunk", str(a.chunk)]
    cpu, rss, ttfb, total = [], [], [], []
    with bl.FakeServer(args) as srv, bl.Home() as home:
        env = home.env(srv.url)
        one_run(jarvis, env, a.bytes)  # warm the page cache and the server
        for _ in range(a.runs):
            c, m, f, t, n, rc = one_run(jarvis, env, a.bytes)
            if rc != 0 or n < a.bytes:
                print("run failed: exit %d, %d bytes of %d" % (rc, n, a.bytes))
                continue
            cpu.append(c)
            rss.append(m / 1024.0)
            ttfb.append(f)
            total.append(t)
    print("jarvis -p: %d KiB answer in %d events from fake_gemini.py on loopback (%d runs)"
          % (a.bytes // 1024, a.events, len(cpu)))
    print("  CPU user+sys   %s   target <= %.0f ms: %s" % (
        bl.fmt_stats(cpu, "ms"), CPU_TARGET_MS, bl.verdict(bl.median(cpu), CPU_TARGET_MS)))
    print("  peak RSS       %s  target <= %.0f MiB: %s" % (
        bl.fmt_stats(rss, "MiB"), RSS_TARGET_MIB, bl.verdict(bl.median(rss), RSS_TARGET_MIB)))
    print("  first byte     %s" % bl.fmt_stats(ttfb, "ms"))
    print("  total wall     %s  (paced by the Python server)" % bl.fmt_stats(total, "ms"))
    return 0 if cpu else 1


if __name__ == "__main__":
    sys.exit(main())
