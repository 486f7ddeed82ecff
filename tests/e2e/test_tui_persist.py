"""End-to-end: what a logged-in TUI session stores, in the corner cases.

What it is for: quitting right after sending still ends the process and
stores the exchange; a guest conversation with notices in it is kept whole
after /login; a title from /new and a /system prompt given before the first
message reach the store; logging in as another account starts a new
conversation whose messages are stored under that account; Esc while the
question is being stored sends nothing.
What it must not do: reach the network or sleep for fixed long times.
"""

import os
import re
import sqlite3
import time

from sealer import msg_place, opened_convs, opened_messages, seal, session_key
from test_tui import PW, send, start, wait_until
from test_tui_accounts import cli_convs, cli_signup


def db_rows(jarvis_env, sql, args=()):
    path = os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def login_with_password(t, email):
    send(t, "/login " + email)
    t.wait_for("password:")
    send(t, PW)


def test_quit_right_after_sending_ends_and_stores(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    t = start(jarvis_tui)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    t.send_text("hi there")
    t.send_keys("Enter", "C-d")
    assert t.wait_exit(timeout=15) == 0
    rows = opened_messages(jarvis_env)  # sealed at rest (issue 12), opened with Ann's key
    assert ("user", "hi there", "complete") in rows, rows


def test_guest_chat_with_notices_is_kept_whole(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    assert run_jarvis(["--logout"]).returncode == 0
    t = start(jarvis_tui)
    send(t, "alpha question")
    t.wait_for("Cheyenne")
    send(t, "/whoami")
    t.wait_for("guest: nothing is stored")
    send(t, "beta question")
    wait_until(lambda: t.screen().count("Cheyenne") >= 2, what="second answer")
    login_with_password(t, "ann@example.org")
    t.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    wait_until(lambda: len(db_rows(jarvis_env, "SELECT id FROM messages")) == 4,
               what="four stored messages")
    texts = [r[1] for r in opened_messages(jarvis_env)]  # sealed at rest (issue 12)
    assert texts[0] == "alpha question" and texts[2] == "beta question", texts


def test_title_and_system_prompt_before_the_first_message(jarvis_tui, fake_gemini, jarvis_env,
                                                          run_jarvis):
    cli_signup(run_jarvis)
    t = start(jarvis_tui)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "/new My Project")
    send(t, "/system answer in French")
    t.wait_for("system prompt set")
    send(t, "what is up")
    t.wait_for("Cheyenne")
    wait_until(lambda: db_rows(jarvis_env, "SELECT title, system_prompt FROM conversations"),
               what="a stored conversation")
    # sealed at rest (issue 12): the raw columns hold neither, Ann's key opens both
    raw = db_rows(jarvis_env, "SELECT title, system_prompt FROM conversations")
    assert "My Project" not in repr(raw) and "French" not in repr(raw), raw
    assert opened_convs(jarvis_env) == [("My Project", "answer in French")]
    body = fake_gemini.api_requests("stream")[-1]["json"]
    assert body["systemInstruction"]["parts"][0]["text"] == "answer in French"


def test_login_as_another_account_stores_under_it_and_revokes(jarvis_tui, fake_gemini,
                                                              jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    cli_signup(run_jarvis, name="Bob", email="bob@example.org")
    session = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "session")
    with open(session) as f:
        bobs_token = f.read()
    t = start(jarvis_tui)
    t.wait_for(re.compile(r"^ Bob │ ", re.M))
    send(t, "bob's first")
    t.wait_for("Cheyenne")
    login_with_password(t, "ann@example.org")
    t.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    # Bob's conversation left the screen with Bob.
    wait_until(lambda: "bob's first" not in t.screen(), what="a new conversation")
    send(t, "ann's question")
    wait_until(lambda: "Cheyenne" in t.screen(), what="Ann's answer")
    send(t, "/quit")
    assert t.wait_exit() == 0
    convs = cli_convs(run_jarvis)  # run_jarvis is logged in as Ann now
    assert "ann's question" in convs and "bob's first" not in convs, convs
    # The session the TUI login replaced was revoked: a kept copy no longer works.
    with open(session, "w") as f:
        f.write(bobs_token)
    assert run_jarvis(["--convs"]).returncode == 4


def test_esc_while_the_question_is_stored_sends_nothing(jarvis_tui, fake_gemini, run_jarvis):
    cli_signup(run_jarvis)
    t = start(jarvis_tui)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    t.send_text("never mind")
    # Enter and Esc in one burst: the question is still on its way to the store.
    t.send_keys("Enter", "Escape")
    t.wait_for("not sent; /retry sends it")
    assert fake_gemini.api_requests("stream") == []


def test_scrolling_up_pages_older_messages_in(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    r = run_jarvis(["-p", "the very first question"])
    assert r.returncode == 0, r.stderr
    path = os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")
    con = sqlite3.connect(path)
    conv_id, user_id = con.execute("SELECT id, user_id FROM conversations").fetchone()
    key = session_key(jarvis_env)  # planted sealed for their place, as Jarvis stores them

    def row(seq):
        role = "user" if seq % 2 else "model"
        text = seal(key, msg_place(user_id, conv_id, seq, role, "text"), "message number %d" % seq)
        return (conv_id, user_id, seq, role, text, "complete", 1700000000000 + seq)
    rows = [row(seq) for seq in range(3, 803)]
    con.executemany("INSERT INTO messages(conversation_id, user_id, seq, role, text, status,"
                    " created_at) VALUES (?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    t = start(jarvis_tui, height=40)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "/select 1")
    t.wait_for("message number 802")
    # The chat opened the last 500 (303..802). Home on an empty line goes to the
    # top of what is loaded and pages the 200 before it in, holding the view.
    t.send_keys("Home")
    t.wait_for("message number 303")
    time.sleep(0.3)
    assert "message number 303" in t.screen()  # the view held while 103..302 came in
    t.send_keys("Home")
    t.wait_for("message number 103")
    time.sleep(0.3)
    t.send_keys("Home")
    t.wait_for("the very first question", timeout=15)


def test_stored_usage_quota_refuses_and_gives_the_question_back(jarvis_tui, fake_gemini,
                                                                 jarvis_env, run_jarvis):
    config = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis", "config.ini")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as f:
        f.write('[model "fake-only-model"]\nrpm = 2\n')
    os.chmod(config, 0o600)
    cli_signup(run_jarvis)
    for _ in range(2):  # two earlier runs, counted by the store
        assert run_jarvis(["-p", "earlier", "-m", "fake-only-model"]).returncode == 0
    t = start(jarvis_tui, env={"JARVIS_MODEL": "fake-only-model"}, width=120)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "one more please")
    t.wait_for("allows 2 requests a minute")
    wait_until(lambda: t.capture()[-1].startswith("› one more please"), what="the input back")
    assert len(fake_gemini.api_requests("stream")) == 2
