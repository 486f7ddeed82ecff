#!/usr/bin/env python3
"""Writes bench/results/latest.md: the start-up and paced-streaming tables.

What it is for: one file with the figures of issue 15 (start-up against the
floor, -p per MiB against curl, the TUI receiving paced answers of four
kinds and three sizes), headed by the machine, the versions and the commit,
so a run can be compared with bench/results/before.md.
What it must not do: assert or fail on a slow machine.

    python3 bench/latest.py [--out FILE] [--runs N] [--paced-runs N] [--sizes 64,256,1024]
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
import paced  # noqa: E402
import startup  # noqa: E402


def output(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10,
                              cwd=bl.REPO_ROOT).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def header():
    debian = output(["cat", "/etc/debian_version"])
    return "\n".join([
        "# Benchmarks: start-up and paced streaming", "",
        "- date: %s UTC" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
        "- machine: %s; Linux %s; Debian %s" % (startup.machine(), platform.release(), debian),
        "- jarvis: %s, commit %s (`make`, -O2)" % (
            output([bl.jarvis_bin(), "--version"]).split("\n")[0],
            output(["git", "rev-parse", "--short", "HEAD"])),
        "- %s" % output(["curl", "--version"]).split("\n")[0],
        "- python %s (fake_gemini.py server)" % platform.python_version(), ""]) + "\n"


def main():
    ap = argparse.ArgumentParser(description="write bench/results/latest.md")
    ap.add_argument("--out", default=os.path.join(bl.BENCH_DIR, "results", "latest.md"))
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--paced-runs", type=int, default=1)
    ap.add_argument("--sizes", default="64,256,1024")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    tmp = a.out + ".part"
    startup.main(["--runs", str(a.runs), "--markdown", tmp + ".startup"])
    paced.main(["--runs", str(a.paced_runs), "--sizes", a.sizes, "--markdown", tmp + ".paced"])
    with open(tmp, "w") as f:
        f.write(header() + "\n")
        for part in (".startup", ".paced"):
            with open(tmp + part) as p:
                f.write(p.read() + "\n")
            os.unlink(tmp + part)
    os.replace(tmp, a.out)
    print("bench: wrote %s" % os.path.relpath(a.out, bl.REPO_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
