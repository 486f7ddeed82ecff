"""End-to-end tests of what `jarvis -p` stores for a logged-in user.

What it is for: the whole flow a user runs (signup, -p, --convs, --export,
-C, logout) against both stores (the embedded SQLite file and MongoDB via
FerretDB), the rows left behind when jarvis is killed or interrupted while
streaming, and that a guest's -p stores nothing.
What it must not do: reach the network, or depend on anything but the rows
and the output a user could look at.
"""

import os
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from sealer import msg_place, opened_messages, seal, session_key
from test_accounts_cli import PW, NOT_LOGGED_IN, db_path, signup

ANSWER = "The capital of Wyoming is **Cheyenne**."


def conv_rows(stdout):
    """--convs output as (id, updated, messages, title) tuples."""
    lines = stdout.splitlines()
    assert re.match(r"^ID +UPDATED +MESSAGES +TITLE$", lines[0]), stdout
    rows = []
    for line in lines[1:]:
        m = re.match(r"^(\S+) +(\d{4}-\d\d-\d\d \d\d:\d\d) +(\d+)  (.*)$", line)
        assert m, line
        rows.append((m.group(1), m.group(2), int(m.group(3)), m.group(4)))
    return rows


def flow(run_jarvis, fake_gemini, store_args=()):
    """The user's whole path through the stored modes; returns the conversation id."""
    s = list(store_args)
    r = signup(run_jarvis, extra=s)
    assert r.returncode == 0, r.stderr
    r = run_jarvis(["--convs"] + s)
    assert (r.returncode, r.stdout) == (0, "no conversations yet\n"), r.stderr

    r = run_jarvis(["-p", "What is the capital of Wyoming?"] + s)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ANSWER + "\n"

    r = run_jarvis(["--convs"] + s)
    assert r.returncode == 0, r.stderr
    rows = conv_rows(r.stdout)
    assert len(rows) == 1
    conv_id, _, nmsgs, title = rows[0]
    assert (nmsgs, title) == (2, "What is the capital of Wyoming?")

    r = run_jarvis(["--export", conv_id] + s)
    assert r.returncode == 0, r.stderr
    md = r.stdout
    assert md.startswith("# What is the capital of Wyoming?\n")
    you = md.index("## You · ")
    model = md.index("## gemini-3.5-flash · ")
    assert you < md.index("What is the capital of Wyoming?\n\n", you) < model
    assert md.index(ANSWER, model) > model

    fake_gemini.set_default({"kind": "text", "text": "Helena.", "events": 2})
    r = run_jarvis(["-p", "And of Montana?", "-C", conv_id] + s)
    assert (r.returncode, r.stdout) == (0, "Helena.\n"), r.stderr
    contents = fake_gemini.api_requests("stream")[-1]["json"]["contents"]
    assert [c["role"] for c in contents] == ["user", "model", "user"]
    assert contents[0]["parts"][0]["text"] == "What is the capital of Wyoming?"
    assert contents[1]["parts"][0]["text"].strip() == ANSWER
    assert contents[2]["parts"][0]["text"] == "And of Montana?"

    rows = conv_rows(run_jarvis(["--convs"] + s).stdout)
    assert [(r[0], r[2]) for r in rows] == [(conv_id, 4)]
    md = run_jarvis(["--export", conv_id] + s).stdout
    assert md.index(ANSWER) < md.index("And of Montana?") < md.index("Helena.")

    assert run_jarvis(["--logout"] + s).returncode == 0
    r = run_jarvis(["--convs"] + s)
    assert r.returncode == 4
    assert r.stderr.strip() == NOT_LOGGED_IN
    return conv_id


def test_stored_flow_sqlite(run_jarvis, jarvis_env, fake_gemini):
    flow(run_jarvis, fake_gemini)
    con = sqlite3.connect(db_path(jarvis_env))
    rows = con.execute("SELECT role, status, model, finish_reason FROM messages "
                       "ORDER BY seq").fetchall()
    (usage,) = con.execute("SELECT count(*) FROM usage").fetchone()
    con.close()
    assert rows == [("user", "complete", None, None),
                    ("model", "complete", "gemini-3.5-flash", "STOP"),
                    ("user", "complete", None, None),
                    ("model", "complete", "gemini-3.5-flash", "STOP")]
    assert usage == 2


@pytest.mark.mongo
def test_stored_flow_ferretdb(run_jarvis, jarvis_env, fake_gemini, ferretdb):
    flow(run_jarvis, fake_gemini, ["--store", ferretdb])
    # nothing went to the embedded store
    assert not os.path.exists(db_path(jarvis_env))


def test_guest_prompt_touches_no_store(run_jarvis, jarvis_env, fake_gemini):
    r = run_jarvis(["-p", "hello"])
    assert (r.returncode, r.stdout) == (0, ANSWER + "\n")
    assert os.listdir(jarvis_env["XDG_DATA_HOME"]) == []
    # Only the request journal the guest's quota is counted in (issue 9, bug 1).
    state = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis")
    assert os.listdir(state) == ["usage.log"]
    # even with a store that cannot be opened
    r = run_jarvis(["-p", "hello", "--store", "mongodb://127.0.0.1:1/"])
    assert (r.returncode, r.stdout, r.stderr) == (0, ANSWER + "\n", "")


def test_no_save_stores_nothing(run_jarvis, jarvis_env, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    r = run_jarvis(["-p", "private", "--no-save"])
    assert (r.returncode, r.stdout) == (0, ANSWER + "\n")
    assert run_jarvis(["--convs"]).stdout == "no conversations yet\n"


def test_long_title_cut_on_a_character(run_jarvis, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    prompt = "  " + "é" * 70 + " tail\nsecond line"
    assert run_jarvis(["-p", prompt]).returncode == 0
    (row,) = conv_rows(run_jarvis(["--convs"]).stdout)
    assert row[3] == "é" * 60 + "…"


def test_api_failure_is_stored_as_error(run_jarvis, jarvis_env, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.push("bad_key")
    r = run_jarvis(["-p", "Hello?"])
    assert r.returncode == 1
    con = sqlite3.connect(db_path(jarvis_env))
    rows = con.execute("SELECT role, text, status FROM messages ORDER BY seq").fetchall()
    con.close()
    # stored sealed (issue 12): the raw file holds no question text
    assert [(r, st) for r, _, st in rows] == [("user", "complete"), ("model", "error")]
    assert rows[0][1].startswith("jv1:") and "Hello?" not in rows[0][1] and rows[1][1] == ""
    conv_id = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    assert "*Status: error; the answer failed" in run_jarvis(["--export", conv_id]).stdout


def test_store_failure_still_prints_the_answer(run_jarvis, jarvis_env, fake_gemini, tmp_path):
    assert signup(run_jarvis).returncode == 0
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_jarvis(["-p", "Hello?", "--store", str(blocker / "jarvis.db")])
    assert r.stdout == ANSWER + "\n"
    assert r.returncode == 3
    assert "jarvis: store: " in r.stderr
    assert "not (fully) saved" in r.stderr


def _slow_answer(fake_gemini, words=60, delay=0.1):
    text = "".join("word%d " % i for i in range(words))
    fake_gemini.set_default({"kind": "text", "text": text, "events": words, "delay": delay})
    return text


def _rows(jarvis_env):
    con = sqlite3.connect(db_path(jarvis_env), timeout=5)
    try:
        return con.execute("SELECT role, text, status FROM messages ORDER BY seq").fetchall()
    finally:
        con.close()


def _start(jarvis_bin, jarvis_env, args):
    return subprocess.Popen([jarvis_bin] + args, env=jarvis_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=jarvis_env["HOME"])


def test_sigkill_mid_stream_leaves_an_interrupted_partial(run_jarvis, jarvis_bin, jarvis_env,
                                                         fake_gemini):
    assert signup(run_jarvis).returncode == 0
    full = _slow_answer(fake_gemini)
    p = _start(jarvis_bin, jarvis_env, ["-p", "Count slowly"])
    try:
        # the question is stored before the request goes out, the answer as soon as
        # it starts; its text is checkpointed within about a second
        deadline = time.time() + 10
        rows = []
        while time.time() < deadline:
            rows = _rows(jarvis_env) if os.path.exists(db_path(jarvis_env)) else []
            if len(rows) == 2 and rows[1][1]:
                break
            time.sleep(0.05)
        assert len(rows) == 2 and rows[1][1], rows
        assert p.poll() is None, "the answer should still be streaming"
    finally:
        p.kill()
        p.wait()
    rows = _rows(jarvis_env)
    assert all(t.startswith("jv1:") for _, t, _ in rows), rows  # sealed at rest (issue 12)
    rows = opened_messages(jarvis_env)
    assert rows[0] == ("user", "Count slowly", "complete")
    role, text, status = rows[1]
    assert (role, status) == ("model", "interrupted")
    assert text and full.startswith(text) and len(text) < len(full)


def test_ctrl_c_mid_stream_keeps_what_arrived(run_jarvis, jarvis_bin, jarvis_env, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    full = _slow_answer(fake_gemini)
    p = _start(jarvis_bin, jarvis_env, ["-p", "Count slowly"])
    shown = b""
    while b"word3 " not in shown:
        chunk = os.read(p.stdout.fileno(), 4096)
        assert chunk, "jarvis ended early: %r" % p.stderr.read()
        shown += chunk
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    shown += out
    assert p.returncode == 130, err
    assert _rows(jarvis_env)[1][1].startswith("jv1:")  # sealed at rest (issue 12)
    role, text, status = opened_messages(jarvis_env)[1]
    assert (role, status) == ("model", "interrupted")
    # exactly what the user saw is kept
    assert text == shown.decode().rstrip("\n")
    assert full.startswith(text) and len(text) < len(full)
    conv_id = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    md = run_jarvis(["--export", conv_id]).stdout
    assert "*Status: interrupted" in md and text in md


def test_export_reads_every_message_of_a_long_conversation(run_jarvis, jarvis_env, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    assert run_jarvis(["-p", "msg 0"]).returncode == 0
    conv_id = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    # make it longer than one page of reads (500) straight in the file, sealed for
    # their place with Ann's key as Jarvis stores them (issue 12)
    key = session_key(jarvis_env)
    con = sqlite3.connect(db_path(jarvis_env))
    (uid,) = con.execute("SELECT user_id FROM conversations WHERE id = ?", (conv_id,)).fetchone()
    con.executemany(
        "INSERT INTO messages (conversation_id, user_id, seq, role, text, status, created_at) "
        "VALUES (?, ?, ?, 'user', ?, 'complete', 1714566896000)",
        [(conv_id, uid, seq, seal(key, msg_place(uid, conv_id, seq, "user", "text"),
                                  "msg %d" % seq)) for seq in range(3, 1203)])
    con.commit()
    con.close()
    md = run_jarvis(["--export", conv_id]).stdout
    texts = re.findall(r"^msg (\d+)$", md, re.M)
    assert texts == ["0"] + [str(i) for i in range(3, 1203)]
    assert md.count("\n## ") == 1202
    assert "tampered" not in md


def test_stored_usage_enforces_the_model_quota(run_jarvis, jarvis_env, fake_gemini):
    config = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis", "config.ini")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as f:
        f.write('[model "fake-only-model"]\nrpm = 2\n')
    os.chmod(config, 0o600)
    assert signup(run_jarvis).returncode == 0
    for _ in range(2):
        r = run_jarvis(["-p", "hi", "-m", "fake-only-model"])
        assert r.returncode == 0, r.stderr
    # Each run is its own process: the count comes from the stored usage records.
    r = run_jarvis(["-p", "hi", "-m", "fake-only-model"])
    assert r.returncode == 1
    assert "quota: fake-only-model allows 2 requests a minute" in r.stderr
    assert len(fake_gemini.api_requests("stream")) == 2
    # Another model's quota is its own.
    assert run_jarvis(["-p", "hi", "-m", "gemini-2.5-flash"]).returncode == 0


def test_no_save_and_guest_runs_are_counted_on_this_machine(run_jarvis, jarvis_env, fake_gemini):
    """Issue 9, bug 1: with rpm = 2 a third --no-save run within a minute went out."""
    config = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis", "config.ini")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as f:
        f.write('[model "fake-only-model"]\nrpm = 2\n')
    os.chmod(config, 0o600)
    for _ in range(2):
        r = run_jarvis(["-p", "hi", "--no-save", "-m", "fake-only-model"])
        assert r.returncode == 0, r.stderr
    r = run_jarvis(["-p", "hi", "--no-save", "-m", "fake-only-model"])
    assert r.returncode == 1
    assert "quota: fake-only-model allows 2 requests a minute and this machine made 2" in r.stderr
    # A guest run is counted in the same journal.
    assert run_jarvis(["-p", "hi", "-m", "fake-only-model"]).returncode == 1
    assert len(fake_gemini.api_requests("stream")) == 2
