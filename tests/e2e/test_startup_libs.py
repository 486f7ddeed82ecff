"""What start-up maps: libcurl, libjwt and libchafa wait for their first use.

What it is for: proving that `--version`, `--help`, the first paint of the
chat and `--convs`/`--export` on SQLite never load libcurl (and the ~30
libraries it pulls in), libjwt with libcrypto, or libchafa with GLib (the
image previews), and that a request still
loads them and works. The dynamic loader says what it maps (LD_DEBUG=files,
which also reports dlopen); the running TUI's /proc/PID/maps says the rest.
What it must not do: reach the network (the fake server is on loopback).
"""

import os

HEAVY = ("libcurl.so", "libjwt.so", "libcrypto.so", "jarvis-net.so", "jarvis-jwt.so",
         "jarvis-chafa.so", "libchafa.so", "libglib-2.0.so", "libgdk_pixbuf-2.0.so")


def loaded(stderr):
    """Base names of the files the dynamic loader mapped, from LD_DEBUG=files."""
    names = set()
    for line in stderr.splitlines():
        if "file=" in line and "[0];" in line or "file=" in line and "needed by" in line:
            names.add(os.path.basename(line.split("file=", 1)[1].split()[0].rstrip(";")))
        elif "calling init:" in line:
            names.add(os.path.basename(line.split("calling init:", 1)[1].strip()))
    return names


def heavy_in(names):
    return sorted(n for n in names if n.startswith(HEAVY))


def test_version_help_convs_and_export_map_neither_curl_nor_jwt(run_jarvis):
    for args in (["--version"], ["--help"], ["--convs"], ["--export", "1"]):
        r = run_jarvis(args, env={"LD_DEBUG": "files"})
        names = loaded(r.stderr)
        assert "libc.so.6" in names, r.stderr[-2000:]
        assert heavy_in(names) == [], (args, heavy_in(names))


def test_a_request_loads_curl_and_still_streams(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "Hello from the plugin", "events": 3}])
    r = run_jarvis(["-p", "hi", "--no-save"], env={"LD_DEBUG": "files"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Hello from the plugin" in r.stdout
    names = heavy_in(loaded(r.stderr))
    assert "jarvis-net.so" in names and any(n.startswith("libcurl.so") for n in names), names


def test_first_paint_and_idle_chat_map_neither(jarvis_tui):
    t = jarvis_tui()
    t.wait_for("F1 help")
    with open("/proc/%d/maps" % t.pane_pid()) as f:
        maps = f.read()
    assert "libncursesw" in maps
    assert [h for h in HEAVY if h in maps] == []
