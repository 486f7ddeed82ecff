"""End-to-end: issue 9's session bugs as a user meets them in the chat.

What it is for: the quota on the status line is the stored one; a failed
question is marked and not sent again; /retry and /clear look the same
after a reopen; /export has the title and times; a conversation deleted
elsewhere does not cost the next exchange.
What it must not do: reach the network or sleep for fixed long times.
"""

import os
import re

from sealer import opened_messages
from test_tui import send, start, stream_bodies, wait_until
from test_tui_accounts import cli_signup
from test_tui_persist import db_rows


def limited_model(jarvis_env, rpm=2):
    config = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis", "config.ini")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as f:
        f.write('[model "fake-only-model"]\nrpm = %d\n' % rpm)
    os.chmod(config, 0o600)


def test_status_line_shows_the_stored_quota(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    """Bug 1: after two -p runs the status line said RPM 2/2, then refused anyway."""
    limited_model(jarvis_env)
    cli_signup(run_jarvis)
    for _ in range(2):
        assert run_jarvis(["-p", "earlier", "-m", "fake-only-model"]).returncode == 0
    t = start(jarvis_tui, env={"JARVIS_MODEL": "fake-only-model"}, width=120)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    t.wait_for("RPM 0/2")


def test_guest_quota_is_counted_on_this_machine(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    """Bug 1: a guest's chat counts the machine's requests, -p --no-save ones too."""
    limited_model(jarvis_env)
    assert run_jarvis(["-p", "earlier", "--no-save", "-m", "fake-only-model"]).returncode == 0
    t = start(jarvis_tui, env={"JARVIS_MODEL": "fake-only-model"}, width=120)
    t.wait_for("RPM 1/2")
    send(t, "one")
    t.wait_for("RPM 0/2")
    send(t, "two")
    t.wait_for("this machine made 2")
    assert len(stream_bodies(fake_gemini)) == 2


def test_failed_question_is_marked_and_not_sent_again(jarvis_tui, fake_gemini):
    """Bug 3: after a 400 on A, the next request carried A and B as one turn."""
    fake_gemini.script([{"kind": "bad_key"}, {"kind": "text", "text": "fine"}])
    t = start(jarvis_tui)
    send(t, "question A")
    t.wait_for(re.compile(r"^ you · \d\d:\d\d · error", re.M))
    t.wait_for("left out of what the next question sends")
    send(t, "question B")
    t.wait_for("fine")
    body = stream_bodies(fake_gemini)[-1]
    assert "question A" not in str(body["contents"])
    assert len(body["contents"]) == 1


def test_retry_and_clear_agree_after_a_reopen(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    """Bug 4: after /retry a reopen showed both answers; /clear was forgotten on reopen."""
    cli_signup(run_jarvis)
    fake_gemini.script([{"kind": "text", "text": "first answer"},
                        {"kind": "text", "text": "second answer"}])
    t = start(jarvis_tui, height=30)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "the question")
    t.wait_for("first answer")
    send(t, "/retry")
    t.wait_for("second answer")
    wait_until(lambda: ("replaced",) in db_rows(jarvis_env, "SELECT status FROM messages"),
               what="the replaced answer marked in the store")
    send(t, "/clear")
    t.wait_for("the next question starts a new conversation")
    assert "second answer" not in t.screen()
    send(t, "/select 1")
    t.wait_for("opened")
    t.wait_for("second answer")
    assert "first answer" not in t.screen()
    md = run_jarvis(["--export", "1"]).stdout
    assert "second answer" in md and "first answer" not in md


def test_export_has_the_title_and_times(jarvis_tui, fake_gemini, tmp_path):
    """Bug 5: /export wrote '# Untitled conversation' and 'unknown time'."""
    t = start(jarvis_tui)
    send(t, "a question worth a title")
    t.wait_for("Cheyenne")
    out = tmp_path / "chat.md"
    send(t, "/export %s" % out)
    t.wait_for("exported to")
    md = out.read_text()
    assert md.startswith("# a question worth a title\n"), md
    assert "unknown time" not in md


def test_deleted_elsewhere_keeps_the_exchange(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    """Bug 6: the next exchange was sent but 'no such conversation; this was not saved'."""
    cli_signup(run_jarvis)
    t = start(jarvis_tui)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "first")
    t.wait_for("Cheyenne")
    wait_until(lambda: len(db_rows(jarvis_env, "SELECT id FROM messages")) == 2,
               what="the first exchange stored")
    path = os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")
    import sqlite3
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("DELETE FROM messages")
    con.execute("DELETE FROM conversations")
    con.commit()
    con.close()
    send(t, "second")
    t.wait_for("deleted elsewhere")
    wait_until(lambda: len(db_rows(jarvis_env, "SELECT id FROM messages")) == 2,
               what="the second exchange stored")
    assert ("user", "second", "complete") in opened_messages(jarvis_env)  # sealed (issue 12)
    assert "not saved" not in t.screen()
