"""What start-up maps: libcurl, libjwt, libcrypt, libsodium and libchafa wait for first use.

What it is for: proving that `--version`, `--help`, the first paint of the
chat and `--convs`/`--export` on SQLite never load libcurl (and the ~30
libraries it pulls in), libjwt with libcrypto, libcrypt (bcrypt),
libsodium (the sealing of stored data) or libchafa with GLib (the image
previews), that a request and a login still load them and work, and that a
missing plugin says what to do. The dynamic loader says what it maps (LD_DEBUG=files,
which also reports dlopen); the running TUI's /proc/PID/maps says the rest.
What it must not do: reach the network (the fake server is on loopback).
"""

import os
import shutil
import subprocess
import tempfile
import time

import pytest

HEAVY = ("libcurl.so", "libjwt.so", "libcrypto.so", "jarvis-net.so", "jarvis-jwt.so",
         "jarvis-chafa.so", "libchafa.so", "libglib-2.0.so", "libgdk_pixbuf-2.0.so",
         "libcrypt.so", "jarvis-crypt.so", "libsodium.so", "jarvis-sodium.so")


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


PW = "correct horse battery"


def test_signup_and_login_load_crypt_and_work(run_jarvis):
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                   input=PW + "\n", env={"LD_DEBUG": "files"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert "jarvis-crypt.so" in heavy_in(loaded(r.stderr))
    r = run_jarvis(["--login", "ann@example.org", "--password-stdin"], input=PW + "\n",
                   env={"LD_DEBUG": "files"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert "logged in as Ann" in r.stdout
    names = heavy_in(loaded(r.stderr))
    assert "jarvis-crypt.so" in names and any(n.startswith("libcrypt.so") for n in names), names
    assert "jarvis-sodium.so" in names and any(n.startswith("libsodium.so") for n in names), names
    # a logged-in run that opens its sealed data loads libsodium, and no bcrypt
    r = run_jarvis(["--convs"], env={"LD_DEBUG": "files"})
    assert (r.returncode, r.stdout) == (0, "no conversations yet\n"), r.stderr[-2000:]
    names = heavy_in(loaded(r.stderr))
    assert "jarvis-sodium.so" in names and "jarvis-crypt.so" not in names, names


def without_plugin(jarvis_bin, tmp_path, missing):
    """A copy of jarvis outside its build tree, given every plugin but missing."""
    here = os.path.dirname(jarvis_bin)
    # ./jarvis keeps its plugins in build/lib/jarvis, build/NAME/jarvis in build/NAME/lib/jarvis
    libdir = next(d for d in (os.path.join(here, "build", "lib", "jarvis"),
                              os.path.join(here, "lib", "jarvis")) if os.path.isdir(d))
    if os.path.exists(os.path.join("/usr/local/lib/jarvis", "jarvis-%s.so" % missing)):
        pytest.skip("an installed jarvis-%s.so would be found" % missing)
    lib = tmp_path / "lib"
    lib.mkdir()
    for name in os.listdir(libdir):
        if name.endswith(".so") and name != "jarvis-%s.so" % missing:
            os.symlink(os.path.join(libdir, name), lib / name)
    copy = tmp_path / "jarvis"
    shutil.copy(jarvis_bin, copy)
    return str(copy), str(lib)


def test_a_missing_crypt_plugin_says_so_and_is_no_wrong_password(run_jarvis, jarvis_bin,
                                                                  jarvis_env, tmp_path):
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    copy, lib = without_plugin(jarvis_bin, tmp_path, "crypt")
    for args in (["--login", "ann@example.org"], ["--signup", "Bob", "bob@example.org"]):
        p = subprocess.run([copy] + args + ["--password-stdin"], input=PW + "\n", text=True,
                           capture_output=True, env=dict(jarvis_env, JARVIS_LIBDIR=lib),
                           cwd=jarvis_env["HOME"], timeout=30)
        assert p.returncode == 3, (args, p.stderr)
        assert "passwords cannot be checked: jarvis-crypt.so could not be loaded" in p.stderr
        assert "run make install" in p.stderr
        assert "wrong" not in p.stderr


def test_a_missing_sodium_plugin_says_so_and_keeps_the_session(run_jarvis, jarvis_bin,
                                                                jarvis_env, tmp_path):
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    copy, lib = without_plugin(jarvis_bin, tmp_path, "sodium")
    env = dict(jarvis_env, JARVIS_LIBDIR=lib)
    for args, stdin in ((["--convs"], None), (["--login", "ann@example.org", "--password-stdin"],
                                              PW + "\n")):
        p = subprocess.run([copy] + args, input=stdin, text=True, capture_output=True, env=env,
                           cwd=jarvis_env["HOME"], timeout=30)
        assert p.returncode == 3, (args, p.stderr)
        assert "encryption is not available: jarvis-sodium.so could not be loaded" in p.stderr
        assert "run make install" in p.stderr
        assert "wrong" not in p.stderr and "log in again" not in p.stderr
    # the session was not given up for it: with the plugin back it is still there
    r = run_jarvis(["--convs"])
    assert (r.returncode, r.stdout) == (0, "no conversations yet\n"), r.stderr


def first_write_with(lines, text):
    return next((i for i, line in enumerate(lines) if " write(" in line and text in line), None)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_logged_in_first_paint_comes_before_the_store_login_and_key(run_jarvis, jarvis_bin,
                                                                       jarvis_env, tmux,
                                                                       tmp_path):
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    trace = str(tmp_path / "trace")
    # -f: the worker thread too; in one file its calls come in the order they were made
    # -s: a frame is one write (the first is some 400 bytes): its whole text is needed
    tmux.start(["strace", "-f", "-qq", "-s", "65536", "-e", "trace=openat,write,clone,clone3",
                "-o", trace, jarvis_bin], env=jarvis_env, cwd=jarvis_env["HOME"])
    tmux.wait_for("F1 help", timeout=20)
    tmux.wait_for("Ann", timeout=20)  # the saved session was checked: its key opened
    tmux.send_text("/quit")
    tmux.send_keys("Enter")
    deadline = time.time() + 10
    while time.time() < deadline and "exited with" not in open(trace).read():
        time.sleep(0.05)
    lines = open(trace).read().splitlines()
    paint = first_write_with(lines, "F1 help")
    assert paint is not None, lines[-40:]
    later = ("libsodium.so", "jarvis-sodium.so", "jarvis-sqlite.so", "jarvis-jwt.so",
             "libsqlite3.so", "libjwt.so")
    opened = [(i, n) for i, line in enumerate(lines) if "openat(" in line
              for n in later if n in line]
    assert {n for _, n in opened} >= {"jarvis-sodium.so", "jarvis-sqlite.so", "jarvis-jwt.so"}
    assert [(i, n) for i, n in opened if i < paint] == []
    # nor does the worker's thread start before it
    threads = [i for i, line in enumerate(lines) if " clone" in line]
    assert threads and min(threads) > paint, (threads, paint)


def test_a_build_relinked_while_it_runs_keeps_its_plugins(tmux, jarvis_bin, jarvis_env,
                                                          fake_gemini):
    # What a make that relinks jarvis does while it runs: a new file takes the old
    # one's name, and the kernel names the running one "PATH (deleted)". The new
    # file here is a copy of the old, so the tests after this one run the same jarvis.
    build = os.path.join(os.path.dirname(jarvis_bin), "build")
    if not os.path.isdir(os.path.join(build, "lib", "jarvis")):
        pytest.skip("not a build tree's jarvis: %s" % jarvis_bin)
    fake_gemini.script([{"kind": "text", "text": "Answered after the relink", "events": 2}])
    jarvis_env["GEMINI_BASE_URL"] = fake_gemini.url
    tmux.start([jarvis_bin], env=jarvis_env, width=80, height=24, cwd=jarvis_env["HOME"])
    tmux.wait_for("F1 help")
    fd, tmp = tempfile.mkstemp(prefix=".jarvis-relink-", dir=os.path.dirname(jarvis_bin))
    os.close(fd)
    shutil.copy2(jarvis_bin, tmp)
    os.replace(tmp, jarvis_bin)
    exe = os.readlink("/proc/%d/exe" % tmux.pane_pid())
    assert exe == jarvis_bin + " (deleted)", exe
    tmux.send_text("hi")
    tmux.send_keys("Enter")
    tmux.wait_for("Answered after the relink")
    assert "could not be loaded" not in tmux.screen(), tmux.show()
