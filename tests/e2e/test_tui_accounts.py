"""End-to-end tests of accounts and stored conversations in the TUI.

What it is for: signing up and logging in by typing the password in the TUI
(it never shows, never enters input history, only its bcrypt hash is
stored), staying logged in across a restart, /logout, the F3 conversation
list (open, rename, delete), a guest conversation kept after /login, and one
user never reaching another's conversation by id or by index.
What it must not do: reach the network or the user's own files (the fixtures
give a fresh HOME and the fake Gemini server), or sleep for fixed long times.
"""

import os
import re
import time

from test_tui import PW, send, start, status_row, wait_until


def cli_signup(run_jarvis, name="Ann", email="ann@example.org", pw=PW):
    r = run_jarvis(["--signup", name, email, "--password-stdin"], input=pw + "\n")
    assert r.returncode == 0, r.stderr
    return r


def cli_convs(run_jarvis):
    r = run_jarvis(["--convs"])
    assert r.returncode == 0, r.stderr
    return r.stdout


def db_bytes(jarvis_env):
    data = b""
    d = os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis")
    for name in os.listdir(d):
        if name.startswith("jarvis.db"):
            with open(os.path.join(d, name), "rb") as f:
                data += f.read()
    return data


def history_text(jarvis_env):
    path = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "history")
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


def never_shown(t, secret):
    text = "\n".join(t.capture(history=True))
    assert secret not in text, t.show()


def type_password(t, pw):
    """Types a password key by key, checking the screen never shows it."""
    for i, ch in enumerate(pw):
        t.send_text(ch)
    wait_until(lambda: t.capture()[-1].count("•") >= len(pw), what="masked password")
    never_shown(t, pw)
    never_shown(t, pw[:6])


def test_signup_and_login_typing_the_password(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    t = start(jarvis_tui)
    send(t, "/signup")
    t.wait_for("your name:")
    send(t, "Ann")
    t.wait_for("e-mail:")
    send(t, "ann@example.org")
    t.wait_for("password (at least 8 characters):")
    type_password(t, PW)
    t.send_keys("Enter")
    t.wait_for("repeat the password:")
    type_password(t, PW)
    t.send_keys("Enter")
    t.wait_for("signed up as Ann <ann@example.org>", timeout=15)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    # the SQLite file is on this machine: no "store online" (issue 13)
    assert "store online" not in t.capture()[-2], t.show()
    send(t, "a stored question")
    t.wait_for("Cheyenne")
    t.wait_gone("pending")
    never_shown(t, PW)
    send(t, "/quit")
    assert t.wait_exit() == 0
    never_shown(t, PW)

    assert PW not in history_text(jarvis_env)
    assert "/signup" not in history_text(jarvis_env)  # lines of password commands never
    db = db_bytes(jarvis_env)
    assert PW.encode() not in db
    assert b"$2b$12$" in db
    assert "a stored question" in cli_convs(run_jarvis)

    # a new start is still logged in
    t2 = start(jarvis_tui)
    t2.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t2, "/whoami")
    t2.wait_for("logged in as Ann")
    send(t2, "/logout")
    t2.wait_for("logged out")
    t2.wait_for(re.compile(r"^ guest │ ", re.M))
    assert "store online" not in t2.screen()
    # the seed's one-line form: masked as it is typed, never in history
    t2.send_text("/login ann@example.org ")
    type_password(t2, PW)
    assert t2.capture()[-1].startswith("› /login ann@example.org ••••"), t2.show()
    t2.send_keys("Enter")
    t2.wait_for("logged in as Ann <ann@example.org>", timeout=15)
    t2.wait_for(re.compile(r"^ Ann │ ", re.M))
    # the masked prompt form
    send(t2, "/logout")
    t2.wait_for(re.compile(r"^ guest │ ", re.M))
    send(t2, "/login ann@example.org")
    t2.wait_for("password:")
    type_password(t2, PW)
    t2.send_keys("Enter")
    t2.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    # a wrong password says so and does not log in
    send(t2, "/logout")
    t2.wait_for(re.compile(r"^ guest │ ", re.M))
    send(t2, "/login ann@example.org")
    t2.wait_for("password:")
    send(t2, "not the password")
    t2.wait_for(re.compile(r"wrong|incorrect|does not match|invalid", re.I), timeout=15)
    assert status_row(t2) == 22 and t2.capture()[22].startswith(" guest │")
    send(t2, "/quit")
    assert t2.wait_exit() == 0
    never_shown(t2, PW)
    hist = history_text(jarvis_env)
    assert PW not in hist and "not the password" not in hist
    assert "/login" not in hist
    assert PW.encode() not in db_bytes(jarvis_env)


def test_guest_chat_is_kept_after_login(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    assert run_jarvis(["--logout"]).returncode == 0
    t = start(jarvis_tui)
    send(t, "a guest question")
    t.wait_for("Cheyenne")
    assert not os.path.exists(os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis",
                                           "jarvis.db")) or \
        b"a guest question" not in db_bytes(jarvis_env)
    send(t, "/login ann@example.org")
    t.wait_for("password:")
    type_password(t, PW)
    t.send_keys("Enter")
    t.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    wait_until(lambda: "a guest question" in cli_convs(run_jarvis), what="the adopted conversation")
    assert re.search(r"\b2\b.*a guest question", cli_convs(run_jarvis)), cli_convs(run_jarvis)
    # the conversation on screen goes on under the account
    send(t, "and a follow-up")
    t.wait_for("and a follow-up")
    wait_until(lambda: re.search(r"\b4\b.*a guest question", cli_convs(run_jarvis)),
               what="four stored messages")
    (first, second) = fake_gemini.api_requests("stream")
    assert len(second["json"]["contents"]) == 3
    t.send_keys("F3")
    t.wait_for("a guest question")


def test_f3_lists_opens_renames_and_deletes(jarvis_tui, fake_gemini, jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    t = start(jarvis_tui, 100, 30)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "first topic")
    t.wait_for("Cheyenne")
    send(t, "/new")
    t.wait_for("new conversation")
    send(t, "second topic")
    wait_until(lambda: t.screen().count("Cheyenne") == 1 and "second topic" in t.screen(),
               what="the second answer")
    t.wait_gone("streaming")
    t.wait_gone("pending")
    t.send_keys("F3")
    t.wait_for("Conversations")
    t.wait_for("first topic")
    screen = t.screen()
    assert screen.index("second topic") < screen.index("first topic"), t.show()
    # Down, Enter: opens the older one
    t.send_keys("Down")
    time.sleep(0.1)
    t.send_keys("Enter")
    t.wait_gone("Conversations")
    t.wait_for('opened "first topic"')
    assert " first topic" in t.capture()
    assert "second topic" not in t.screen()
    # rename from the list
    t.send_keys("F3")
    t.wait_for("Conversations")
    t.wait_for(re.compile(r"●.*first topic"))
    t.send_keys("Down")
    time.sleep(0.1)
    t.send_keys("r")
    t.wait_for("new title:")
    send(t, "Renamed topic")
    t.send_keys("F3")
    t.wait_for("Renamed topic")
    wait_until(lambda: "Renamed topic" in cli_convs(run_jarvis), what="the rename stored")
    # filter by title, then delete with confirmation
    t.send_text("/Renamed")
    t.wait_for("filter: Renamed")
    t.wait_gone("first topic")
    t.send_keys("Enter")  # ends the filter; the list stays filtered
    t.send_keys("d")
    t.wait_for("y / n")
    t.send_keys("n")
    t.wait_gone("y / n")
    assert "Renamed topic" in cli_convs(run_jarvis)
    t.send_keys("d")
    t.wait_for('delete "Renamed topic" for good? y / n')
    t.send_keys("y")
    t.wait_for("nothing matches")  # the filtered list, reloaded without it
    wait_until(lambda: "Renamed topic" not in cli_convs(run_jarvis), what="the delete stored")
    assert "second topic" in cli_convs(run_jarvis)


def test_second_user_cannot_select_the_first_users_conversation(jarvis_tui, fake_gemini,
                                                                jarvis_env, run_jarvis):
    cli_signup(run_jarvis)
    t = start(jarvis_tui)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "ann private question")
    t.wait_for("Cheyenne")
    t.wait_gone("pending")
    send(t, "/quit")
    t.wait_exit()
    out = cli_convs(run_jarvis)
    conv_id = re.search(r"^(?!ID\b)(\S+)\s", out, re.M).group(1)  # the header is no id
    assert run_jarvis(["--logout"]).returncode == 0
    cli_signup(run_jarvis, name="Bob", email="bob@example.org", pw="bobs password 1")

    t2 = start(jarvis_tui)
    t2.wait_for(re.compile(r"^ Bob │ ", re.M))
    send(t2, "/select " + conv_id)
    t2.wait_for(re.compile(r"no such conversation|not found|no conversation", re.I))
    t2.send_keys("C-u")  # the refused line stays in the input
    send(t2, "/select 1")
    t2.wait_for(re.compile(r"no such conversation|not found|no conversation", re.I))
    t2.send_keys("C-u")
    send(t2, "/convs")
    t2.wait_for("no stored conversations yet")
    t2.send_keys("F3")
    t2.wait_for("no conversations (yet)")
    assert "ann private question" not in "\n".join(t2.capture(history=True))
    # nor by deleting or renaming it by id
    t2.send_keys("Escape")
    time.sleep(0.1)
    send(t2, "/delete " + conv_id)
    # refused before any question: it names none of Bob's
    t2.wait_for(re.compile(r"there is no conversation %s \(neither" % re.escape(conv_id)))
    assert "type yes:" not in t2.screen()
    t2.send_keys("C-u")
    time.sleep(0.5)
    assert run_jarvis(["--logout"]).returncode == 0
    r = run_jarvis(["--login", "ann@example.org", "--password-stdin"], input=PW + "\n")
    assert r.returncode == 0
    assert "ann private question" in cli_convs(run_jarvis)
