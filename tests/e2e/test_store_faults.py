"""End-to-end tests of the store's outbox: MongoDB (FerretDB) goes away in the
middle of a conversation and nothing the user typed or received is lost.

What it is for: the user's view of an outage with `jarvis -p` against
--store mongodb://...: answers still print and the exchanges are kept in
$XDG_STATE_HOME/jarvis/outbox.jsonl while the server is down; once it is
back, the next run replays them and --export shows every message once, in
order. (The SIGKILL-mid-stream case on SQLite is covered by
test_oneshot_store.py.)
What it must not do: reach the network, or look at anything but what a user
could: the output, the exit codes, the exports and the outbox file's mode.
"""

import os
import stat
import subprocess
import time

import pytest

from test_accounts_cli import login, signup
from test_oneshot_store import conv_rows

pytestmark = pytest.mark.mongo


def outbox_path(jarvis_env):
    return os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "outbox.jsonl")


def outbox_lines(jarvis_env):
    try:
        with open(outbox_path(jarvis_env), encoding="utf-8") as f:
            return [line for line in f.read().split("\n") if line]
    except FileNotFoundError:
        return []


def answer(fake_gemini, text):
    fake_gemini.set_default({"kind": "text", "text": text, "events": 2})


def export(run_jarvis, conv_id, store):
    r = run_jarvis(["--export", conv_id] + store)
    assert r.returncode == 0, r.stderr
    return r.stdout


def in_order_once(md, parts):
    """Each part occurs exactly once in md's messages (after the title block), in order."""
    md = md.split("\n---\n", 1)[1]
    at = -1
    for p in parts:
        assert md.count(p) == 1, "%r occurs %d times in:\n%s" % (p, md.count(p), md)
        i = md.index(p)
        assert i > at, "%r out of order in:\n%s" % (p, md)
        at = i


def test_outage_between_questions_loses_nothing(run_jarvis, jarvis_env, fake_gemini,
                                                ferretdb_server):
    store = ["--store", ferretdb_server.uri]
    assert signup(run_jarvis, extra=store).returncode == 0
    answer(fake_gemini, "Answer one.")
    r = run_jarvis(["-p", "Question one"] + store)
    assert (r.returncode, r.stdout) == (0, "Answer one.\n"), r.stderr
    (first,) = conv_rows(run_jarvis(["--convs"] + store).stdout)
    conv_a = first[0]

    ferretdb_server.kill()

    # Keep chatting: the answers print, the exchanges wait in the outbox.
    for n in ("two", "three"):
        answer(fake_gemini, "Answer %s." % n)
        t0 = time.monotonic()
        r = run_jarvis(["-p", "Question %s" % n] + store)
        assert (r.returncode, r.stdout) == (0, "Answer %s.\n" % n), r.stderr
        assert time.monotonic() - t0 < 10
    lines = outbox_lines(jarvis_env)
    # per exchange: the conversation, the question, the answer, its usage, its final state
    assert len(lines) >= 10, lines
    # sealed in the journal too (issue 12), though the account could not be read
    assert not any("Question" in line or "Answer" in line for line in lines), lines
    st = os.stat(outbox_path(jarvis_env))
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(outbox_path(jarvis_env))).st_mode) == 0o700

    # Reading needs the server: continuing a stored conversation says so, asks nothing.
    asked = len(fake_gemini.api_requests("stream"))
    r = run_jarvis(["-p", "Question on hold", "-C", conv_a] + store)
    assert r.returncode == 3, (r.returncode, r.stdout, r.stderr)
    assert "offline" in r.stderr or "cannot reach MongoDB" in r.stderr, r.stderr
    assert r.stdout == ""
    assert len(fake_gemini.api_requests("stream")) == asked

    ferretdb_server.restart()

    # The next run replays the outbox, then goes on as usual.
    answer(fake_gemini, "Answer four.")
    r = run_jarvis(["-p", "Question four", "-C", conv_a] + store)
    assert (r.returncode, r.stdout) == (0, "Answer four.\n"), r.stderr
    assert outbox_lines(jarvis_env) == []

    rows = {title: (cid, n) for cid, _, n, title in
            conv_rows(run_jarvis(["--convs"] + store).stdout)}
    assert sorted(rows) == ["Question one", "Question three", "Question two"], rows
    assert rows["Question one"] == (conv_a, 4)
    assert rows["Question two"][1] == 2 and rows["Question three"][1] == 2
    in_order_once(export(run_jarvis, conv_a, store),
                  ["Question one", "Answer one.", "Question four", "Answer four."])
    for n in ("two", "three"):
        md = export(run_jarvis, rows["Question %s" % n][0], store)
        in_order_once(md, ["Question %s" % n, "Answer %s." % n])
        assert "interrupted" not in md and "Status" not in md, md

    # A second replay (nothing left) changes nothing.
    r = run_jarvis(["--convs"] + store)
    assert len(conv_rows(r.stdout)) == 3


def test_outage_while_the_answer_streams(run_jarvis, jarvis_bin, jarvis_env, fake_gemini,
                                         ferretdb_server):
    store = ["--store", ferretdb_server.uri]
    assert signup(run_jarvis, extra=store).returncode == 0
    words = 40
    text = "".join("word%d " % i for i in range(words))
    fake_gemini.set_default({"kind": "text", "text": text, "events": words, "delay": 0.1})
    env = dict(jarvis_env)
    p = subprocess.Popen([jarvis_bin, "-p", "Count slowly"] + store, env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=env["HOME"])
    try:
        # the question and the answer's start are stored online; then the server dies
        time.sleep(1.0)
        assert p.poll() is None, "the answer should still be streaming"
        ferretdb_server.kill()
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, err.decode()
    assert out.decode().strip() == text.strip()
    assert outbox_lines(jarvis_env), "the rest of the answer should wait in the outbox"

    ferretdb_server.restart()
    fake_gemini.set_default({"kind": "text", "text": "Done.", "events": 1})
    r = run_jarvis(["-p", "Next"] + store)  # replays the outbox first
    assert (r.returncode, r.stdout) == (0, "Done.\n"), r.stderr
    assert outbox_lines(jarvis_env) == []
    rows = {title: cid for cid, _, _, title in conv_rows(run_jarvis(["--convs"] + store).stdout)}
    md = export(run_jarvis, rows["Count slowly"], store)
    in_order_once(md, ["Count slowly", text.strip()])
    assert "interrupted" not in md, md


@pytest.mark.parametrize("how", ["signup", "login"])
def test_outage_right_after_signup_or_login(run_jarvis, jarvis_env, fake_gemini,
                                            ferretdb_server, how):
    """The first run after --signup or --login, with the server already gone."""
    store = ["--store", ferretdb_server.uri]
    assert signup(run_jarvis, extra=store).returncode == 0
    if how == "login":
        assert run_jarvis(["--logout"] + store).returncode == 0
        assert login(run_jarvis, extra=store).returncode == 0

    ferretdb_server.kill()

    answer(fake_gemini, "Answer offline.")
    r = run_jarvis(["-p", "Question offline"] + store)
    assert (r.returncode, r.stdout) == (0, "Answer offline.\n"), r.stderr
    assert "outbox" in r.stderr, r.stderr
    assert len(outbox_lines(jarvis_env)) >= 4

    ferretdb_server.restart()

    r = run_jarvis(["--convs"] + store)  # replays the outbox first
    assert r.returncode == 0, r.stderr
    (row,) = conv_rows(r.stdout)
    assert row[2:] == (2, "Question offline"), row
    assert outbox_lines(jarvis_env) == []
    in_order_once(export(run_jarvis, row[0], store), ["Question offline", "Answer offline."])
