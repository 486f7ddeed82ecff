#!/usr/bin/env python3
"""Benchmark: answers arriving at the real API's pace, into the TUI.

What it is for: the live API sends a long answer in small events spread over
time, so the TUI repaints after almost every one of them; a benchmark that
delivers everything at once lets frames coalesce and hides work that grows
with the answer. For each content kind (prose markdown, one fenced code
block, one table, one line without spaces, that line alone in a code
block) and size, fake_gemini.py sends
EVENT_BYTES of text every PACE_MS, and this measures, for the jarvis process
on an 80x24 pty: CPU (user+sys, /proc, 10 ms ticks) from Enter until the
screen is quiet, wall time, bytes written to the terminal and peak RSS. It
also measures a 4 MiB table delivered at once (peak RSS).
What it must not do: assert, reach the network, or touch the user's files.

    python3 bench/paced.py [--kinds prose,code,...] [--sizes 64,256,1024]
                           [--pace-ms 17] [--event-bytes 262] [--markdown FILE]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
from tui import Pty  # noqa: E402

KINDS = ("prose", "code", "table", "longline", "codeline")
KIND_NAMES = {"prose": "prose markdown", "code": "one fenced code block",
              "table": "one markdown table", "longline": "one line without spaces",
              "codeline": "a code block of that line"}


def stream_once(jarvis, server_args, timeout):
    """(cpu_s, wall_s, bytes_out, peak_rss_mib) of one answer, or None."""
    with bl.FakeServer(server_args) as srv, bl.Home() as home:
        t = Pty([jarvis], home.env(srv.url))
        try:
            if t.wait_for(b"F1 help", 5) is None:
                return None
            t.quiet(0.3, 5)
            c0 = bl.proc_cpu_s(t.pid)
            mark = len(t.out)
            w0 = time.perf_counter()
            t.send(b"write me a long answer\r")
            deadline = w0 + timeout
            done = False
            polled = 0.0
            while time.perf_counter() < deadline and not done:
                t.pump(0.05)
                if time.perf_counter() - polled > 0.25:
                    polled = time.perf_counter()
                    reqs = [r for r in srv.requests() if r["endpoint"] == "stream"]
                    done = bool(reqs) and reqs[-1].get("finished") is not None
            t.quiet(0.5, max(5.0, deadline - time.perf_counter()))
            cpu = bl.proc_cpu_s(t.pid) - c0
            wall = t.last - w0
            rss = bl.proc_status_kib(t.pid, "VmHWM") / 1024.0
            return cpu, wall, len(t.out) - mark, rss
        finally:
            t.close()


def paced_table(jarvis, kinds, sizes, pace_ms, event_bytes, runs):
    """{(kind, kib): [results]} for every kind and size."""
    out = {}
    for kib in sizes:
        for kind in kinds:
            args = ["--content", kind, "--synthetic-bytes", str(kib * 1024),
                    "--event-bytes", str(event_bytes), "--pace-ms", str(pace_ms)]
            expected = kib * 1024 / event_bytes * pace_ms / 1000.0
            res = []
            for _ in range(runs):
                r = stream_once(jarvis, args, timeout=expected * 3 + 120)
                if r is not None:
                    res.append(r)
            out[(kind, kib)] = res
            if res:
                print("  %-24s %5d KiB: CPU %.2f s, wall %.1f s, %d KiB written, peak %.1f MiB"
                      % (KIND_NAMES[kind], kib, bl.median([x[0] for x in res]),
                         bl.median([x[1] for x in res]), bl.median([x[2] for x in res]) // 1024,
                         bl.median([x[3] for x in res])), flush=True)
            else:
                print("  %s %d KiB: the TUI did not start" % (kind, kib), flush=True)
    return out


def size_label(kib):
    return "%d MiB" % (kib // 1024) if kib >= 1024 and kib % 1024 == 0 else "%d KiB" % kib


def markdown(results, kinds, sizes, pace_ms, event_bytes, runs, big):
    med = lambda rs, i: bl.median([r[i] for r in rs]) if rs else float("nan")
    lines = ["### TUI, paced answers (`bench/paced.py`)", "",
             "%d-byte events every %g ms into an 80x24 pty; CPU of the jarvis process "
             "from Enter until the screen is quiet (median of %d run%s; /proc ticks, "
             "10 ms), then bytes written to the terminal." % (
                 event_bytes, pace_ms, runs, "" if runs == 1 else "s"), "",
             "| answer | " + " | ".join(size_label(k) for k in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for kind in kinds:
        cells = []
        for kib in sizes:
            rs = results.get((kind, kib), [])
            if not rs:
                cells.append("n/a")
                continue
            prose = results.get(("prose", kib), [])
            ratio = ""
            if kind != "prose" and prose and med(prose, 0) > 0:
                ratio = " (×%.1f prose)" % (med(rs, 0) / med(prose, 0))
            cells.append("%.2f s%s; %s written" % (med(rs, 0), ratio, human(med(rs, 2))))
        lines.append("| %s | %s |" % (KIND_NAMES[kind], " | ".join(cells)))
    lines += ["", "Peak RSS of the same runs (MiB): " + "; ".join(
        "%s %s %.1f" % (kind, size_label(kib), med(results[(kind, kib)], 3))
        for kind in kinds for kib in sizes if results.get((kind, kib)))]
    if big is not None:
        lines += ["", "A 4 MiB table delivered at once (64 KiB events, no pacing): "
                  "peak RSS **%.1f MiB**, CPU %.2f s, %s written." % (big[3], big[0], human(big[2]))]
    return "\n".join(lines) + "\n"


def human(n):
    if n >= 1 << 20:
        return "%.1f MB" % (n / 1e6)
    return "%d KiB" % (n // 1024)


def main(argv=None):
    ap = argparse.ArgumentParser(description="the TUI receiving paced answers")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--sizes", default="64,256,1024", help="KiB, comma-separated")
    ap.add_argument("--pace-ms", type=float, default=17.0)
    ap.add_argument("--event-bytes", type=int, default=262)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--skip-big", action="store_true", help="skip the 4 MiB table at once")
    ap.add_argument("--markdown", help="also write the table to this file")
    a = ap.parse_args(argv)
    jarvis = bl.jarvis_bin()
    kinds = [k for k in a.kinds.split(",") if k]
    sizes = [int(s) for s in a.sizes.split(",") if s]
    print("TUI, paced answers: %d-byte events every %g ms" % (a.event_bytes, a.pace_ms))
    results = paced_table(jarvis, kinds, sizes, a.pace_ms, a.event_bytes, a.runs)
    big = None
    if not a.skip_big:
        big = stream_once(jarvis, ["--content", "table", "--synthetic-bytes", str(4 << 20),
                                   "--event-bytes", "65536"], timeout=600)
        if big is not None:
            print("  4 MiB table at once: peak RSS %.1f MiB, CPU %.2f s" % (big[3], big[0]))
    text = markdown(results, kinds, sizes, a.pace_ms, a.event_bytes, a.runs, big)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
