"""End-to-end: changing the password and recovering with the code (issue 12).

What it is for: `jarvis --passwd`, `/passwd` in the chat and
`jarvis --recover EMAIL` set a new password on SQLite and on MongoDB
(FerretDB); the old password stops working, the new one works, and the
conversations stored before read back unchanged, because only the data
key's wrap changed (the sealed rows are byte for byte the same). A wrong
current password or a wrong code changes nothing.
What it must not do: reach the network (the fake server only).
"""

import re

import pytest

import rawdb
from test_accounts_cli import PW, login, signup
from test_oneshot_store import conv_rows
from test_tui import send

NEW = "a brand new passphrase"


@pytest.fixture(params=["sqlite", "mongodb"])
def raw(request, jarvis_env):
    return rawdb.for_engine(request.param, jarvis_env, request)


def stored_conversation(run_jarvis, fake_gemini, raw):
    """Ann with one stored exchange: its id and its rows as stored."""
    r = signup(run_jarvis, extra=raw.args)
    assert r.returncode == 0, r.stderr
    code = re.search(r"^recovery code: ([A-Z2-7-]+)\.", r.stdout, re.M).group(1)
    fake_gemini.push({"kind": "text", "text": "Kept safe."})
    assert run_jarvis(["-p", "Keep this safe"] + raw.args).returncode == 0
    conv = conv_rows(run_jarvis(["--convs"] + raw.args).stdout)[0][0]
    return conv, raw.messages(conv), code


def reads_back(run_jarvis, raw, conv, rows):
    r = run_jarvis(["--export", conv] + raw.args)
    assert r.returncode == 0, r.stderr
    assert "Keep this safe" in r.stdout and "Kept safe." in r.stdout
    assert "tampered" not in r.stdout
    assert raw.messages(conv) == rows  # nothing was encrypted again


def test_passwd_rewraps_only(run_jarvis, fake_gemini, raw):
    conv, rows, _ = stored_conversation(run_jarvis, fake_gemini, raw)
    r = run_jarvis(["--passwd", "--password-stdin"] + raw.args, input="not it\n" + NEW + "\n")
    assert r.returncode == 4 and "current password is wrong" in r.stderr, r.stderr
    r = run_jarvis(["--passwd", "--password-stdin"] + raw.args, input=PW + "\nshort\n")
    assert r.returncode == 2 and "too short" in r.stderr, r.stderr
    assert login(run_jarvis, extra=raw.args).returncode == 0  # still the old one
    r = run_jarvis(["--passwd", "--password-stdin"] + raw.args, input=PW + "\n" + NEW + "\n")
    assert r.returncode == 0, r.stderr
    assert "password changed" in r.stdout
    reads_back(run_jarvis, raw, conv, rows)  # the same session goes on
    assert login(run_jarvis, extra=raw.args).returncode == 4
    assert login(run_jarvis, pw=NEW, extra=raw.args).returncode == 0
    reads_back(run_jarvis, raw, conv, rows)


def test_recover_sets_a_new_password_with_the_code(run_jarvis, fake_gemini, raw):
    conv, rows, code = stored_conversation(run_jarvis, fake_gemini, raw)
    assert run_jarvis(["--logout"] + raw.args).returncode == 0
    wrong = "A" * 32
    r = run_jarvis(["--recover", "ann@example.org", "--password-stdin"] + raw.args,
                   input=wrong + "\n" + NEW + "\n")
    assert r.returncode == 4 and "does not open" in r.stderr, r.stderr
    assert login(run_jarvis, extra=raw.args).returncode == 0  # nothing changed
    assert run_jarvis(["--logout"] + raw.args).returncode == 0
    r = run_jarvis(["--recover", "ann@example.org", "--password-stdin"] + raw.args,
                   input=code.lower().replace("-", " ") + "\n" + NEW + "\n")
    assert r.returncode == 0, r.stderr
    assert "logged in as Ann" in r.stdout
    reads_back(run_jarvis, raw, conv, rows)
    assert login(run_jarvis, extra=raw.args).returncode == 4
    assert login(run_jarvis, pw=NEW, extra=raw.args).returncode == 0
    reads_back(run_jarvis, raw, conv, rows)


def test_passwd_in_the_chat(run_jarvis, fake_gemini, jarvis_env, jarvis_tui):
    raw = rawdb.RawSqlite(jarvis_env)
    conv, rows, _ = stored_conversation(run_jarvis, fake_gemini, raw)
    t = jarvis_tui()
    t.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    send(t, "/passwd")
    t.wait_for("current password:")
    send(t, PW)
    t.wait_for("new password (at least 8 characters):")
    send(t, NEW)
    t.wait_for("repeat the new password:")
    send(t, NEW)
    t.wait_for("password changed", timeout=15)
    assert PW not in t.screen() and NEW not in t.screen()
    send(t, "/quit")
    assert t.wait_exit() == 0
    assert login(run_jarvis).returncode == 4
    assert login(run_jarvis, pw=NEW).returncode == 0
    reads_back(run_jarvis, raw, conv, rows)
