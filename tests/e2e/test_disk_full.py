"""End-to-end: the SQLite store's disk fills up, then space is freed.

What it is for: a write that fails for lack of space (SQLITE_FULL) is kept
in memory and tried again, and the user is told what waits; once space is
freed every message is stored, once, in order. The store lives on a small
tmpfs mounted for the test (root only: skipped otherwise), filled with a
file and freed by removing it.
What it must not do: reach the network (the fake Gemini server is
loopback), or leave a mount behind.
"""

import errno
import os
import re
import subprocess
import time

import pytest

from test_accounts_cli import signup
from test_oneshot_store import conv_rows
from test_store_faults import answer, export, in_order_once
from test_tui import send, start


def mount_small(where):
    """A 2 MB tmpfs on where: (fill, free, unmount) functions, or a skip."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    os.makedirs(where, mode=0o700, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", where],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: " + r.stderr.strip())
    filler = os.path.join(where, "filler")

    def fill():
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
        finally:
            os.close(fd)

    def free():
        os.unlink(filler)

    def unmount():
        subprocess.run(["umount", "-l", where], check=False)

    return fill, free, unmount


@pytest.fixture
def small_disk(jarvis_env):
    """XDG_DATA_HOME/jarvis (the SQLite file) on a 2 MB tmpfs: (fill, free)."""
    fill, free, unmount = mount_small(os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis"))
    try:
        yield fill, free
    finally:
        unmount()


@pytest.fixture
def small_state(jarvis_env):
    """XDG_STATE_HOME/jarvis (session, outbox) on a 2 MB tmpfs: (fill, free)."""
    fill, free, unmount = mount_small(os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis"))
    try:
        yield fill, free
    finally:
        unmount()


def slow_answer_with_a_full_disk(jarvis_bin, jarvis_env, fake_gemini, fill, free, store=(),
                                 pad=0):
    """-p whose ~3 s answer (checkpointed every second) meets a full disk from 0.6 s to 2 s."""
    words = 30
    text = "".join("word%d%s " % (i, "x" * pad) for i in range(words))
    fake_gemini.set_default({"kind": "text", "text": text, "events": words, "delay": 0.1})
    env = dict(jarvis_env)
    p = subprocess.Popen([jarvis_bin, "-p", "Count slowly"] + list(store), env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=env["HOME"])
    try:
        time.sleep(0.6)
        fill()
        time.sleep(1.4)
        free()
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert (p.returncode, out.decode().strip()) == (0, text.strip()), err.decode()
    return text.strip()


def test_oneshot_keeps_what_the_full_disk_refused_until_space_is_freed(
        run_jarvis, jarvis_bin, jarvis_env, fake_gemini, small_disk):
    fill, free = small_disk
    assert signup(run_jarvis).returncode == 0
    text = slow_answer_with_a_full_disk(jarvis_bin, jarvis_env, fake_gemini, fill, free)
    (row,) = conv_rows(run_jarvis(["--convs"]).stdout)
    md = export(run_jarvis, row[0], [])
    in_order_once(md, ["Count slowly", text])
    assert "interrupted" not in md, md


@pytest.mark.mongo
def test_a_full_outbox_loses_no_answer(run_jarvis, jarvis_bin, jarvis_env, fake_gemini,
                                       ferretdb_server, small_state):
    fill, free = small_state
    store = ["--store", ferretdb_server.uri]
    assert signup(run_jarvis, extra=store).returncode == 0
    ferretdb_server.kill()
    # MongoDB is away, so everything goes to the outbox, whose disk fills meanwhile.
    # Words long enough that each checkpoint's line needs a new page of the disk.
    text = slow_answer_with_a_full_disk(jarvis_bin, jarvis_env, fake_gemini, fill, free, store,
                                        pad=400)
    ferretdb_server.restart()
    r = run_jarvis(["--convs"] + store)  # replays the outbox first
    assert r.returncode == 0, r.stderr
    (row,) = conv_rows(r.stdout)
    md = export(run_jarvis, row[0], store)
    in_order_once(md, ["Count slowly", text])
    assert "interrupted" not in md, md


def test_tui_retries_after_space_is_freed(jarvis_tui, run_jarvis, fake_gemini, small_disk):
    fill, free = small_disk
    assert signup(run_jarvis).returncode == 0
    t = start(jarvis_tui, width=100)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    answer(fake_gemini, "first answer")
    send(t, "question one")
    t.wait_for("first answer")

    fill()
    for n in ("two", "three"):
        answer(fake_gemini, "answer %s" % n)
        send(t, "question %s" % n)
        t.wait_for("answer %s" % n, timeout=15)
    t.wait_for(re.compile(r"store full, \d+ waiting"), timeout=15)
    t.wait_for("saved when there is room")

    free()
    # Retried by the sync timer, no key pressed.
    t.wait_for("kept for lack of space are saved now", timeout=30)
    assert "store full" not in t.show()
    t.send_keys("C-d")

    (row,) = conv_rows(run_jarvis(["--convs"]).stdout)
    assert row[2] == 6, row
    in_order_once(export(run_jarvis, row[0], []),
                  ["question one", "first answer", "question two", "answer two",
                   "question three", "answer three"])
