"""End-to-end tests of the TUI's step-by-step forms (/signup, /login, /passwd).

What it is for: a bad answer (a short password, an e-mail without a
domain, two passwords that differ) asks that field again, masked as it
was, keeping what was typed before; the line typed at a password prompt
never becomes a message, never reaches the model and never enters the
input history; Esc and Ctrl-C leave a form with a line saying so.
What it must not do: reach the network or the user's own files (the
fixtures give a fresh HOME and the fake Gemini server), or sleep for fixed
long times.
"""

import json
import re

import pytest

from test_tui import PW, escape, send, start, wait_until
from test_tui_accounts import cli_signup, history_text, type_password

SIZES = [(80, 24), (120, 40)]
PASSWORD_LABEL = "password (at least 8 characters):"
NEW_LABEL = "new password (at least 8 characters):"


def prompt_row(t):
    return t.capture()[-1]


def wait_prompt(t, label):
    t.wait_for(re.compile("^" + re.escape(label), re.M))
    assert prompt_row(t).startswith(label), t.show()


def answer_secret(t, label, pw):
    wait_prompt(t, label)
    type_password(t, pw)
    t.send_keys("Enter")


def nothing_sent(fake_gemini, *secrets):
    """No request the fake server saw carries any of secrets."""
    seen = json.dumps(fake_gemini.requests, default=str)
    for s in secrets:
        assert s not in seen, "%r reached the model's server" % s


def nothing_kept(jarvis_env, *secrets):
    hist = history_text(jarvis_env)
    for s in secrets:
        assert s not in hist, "%r is in the input history" % s


def login_with(t, email, pw):
    send(t, "/logout")
    t.wait_for(re.compile(r"^ guest │ ", re.M))
    send(t, "/login " + email)
    answer_secret(t, "password:", pw)
    t.wait_for("logged in as", timeout=15)


@pytest.mark.parametrize("width,height", SIZES)
def test_signup_asks_a_short_password_again(jarvis_tui, fake_gemini, jarvis_env, width, height):
    t = start(jarvis_tui, width, height)
    send(t, "/signup")
    wait_prompt(t, "your name:")
    send(t, "Grace Hopper")
    wait_prompt(t, "e-mail:")
    send(t, "grace@example.com")
    answer_secret(t, PASSWORD_LABEL, "short")
    t.wait_for("too short")
    # still the form's masked password prompt, not the message prompt
    wait_prompt(t, PASSWORD_LABEL)
    assert "Esc cancels" in t.screen(), t.show()
    answer_secret(t, PASSWORD_LABEL, "longenough1")
    answer_secret(t, "repeat the password:", "longenough1")
    t.wait_for("signed up as Grace Hopper <grace@example.com>", timeout=15)
    assert "you ·" not in t.screen(), t.show()
    # the account has the second password
    login_with(t, "grace@example.com", "longenough1")
    t.wait_for("logged in as Grace Hopper <grace@example.com>")
    send(t, "/quit")
    assert t.wait_exit() == 0
    nothing_sent(fake_gemini, "short", "longenough1")
    nothing_kept(jarvis_env, "short", "longenough1")


@pytest.mark.parametrize("width,height", SIZES)
def test_signup_keeps_name_and_email_after_bad_answers(jarvis_tui, fake_gemini, jarvis_env,
                                                       width, height):
    t = start(jarvis_tui, width, height)
    send(t, "/signup")
    wait_prompt(t, "your name:")
    send(t, "Grace Hopper")
    wait_prompt(t, "e-mail:")
    send(t, "grace@example")
    t.wait_for("needs a domain")
    wait_prompt(t, "e-mail:")
    send(t, "grace@example.com")
    answer_secret(t, PASSWORD_LABEL, "firstpass1")
    answer_secret(t, "repeat the password:", "otherpass2")
    t.wait_for("the passwords differ")
    # both passwords again, name and e-mail kept
    answer_secret(t, PASSWORD_LABEL, "thirdpass3")
    answer_secret(t, "repeat the password:", "thirdpass3")
    t.wait_for("signed up as Grace Hopper <grace@example.com>", timeout=15)
    login_with(t, "grace@example.com", "thirdpass3")
    t.wait_for("logged in as Grace Hopper <grace@example.com>")
    send(t, "/quit")
    assert t.wait_exit() == 0
    nothing_sent(fake_gemini, "firstpass1", "otherpass2", "thirdpass3", "grace@example")
    nothing_kept(jarvis_env, "firstpass1", "otherpass2", "thirdpass3")


@pytest.mark.parametrize("width,height", SIZES)
def test_passwd_asks_the_new_password_again(jarvis_tui, fake_gemini, jarvis_env, run_jarvis,
                                            width, height):
    cli_signup(run_jarvis, name="Grace", email="grace@example.com")
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Grace │ ", re.M))
    send(t, "/passwd")
    answer_secret(t, "current password:", PW)
    answer_secret(t, NEW_LABEL, "short")
    t.wait_for("too short")
    answer_secret(t, NEW_LABEL, "longenough1")
    answer_secret(t, "repeat the new password:", "longenough2")
    t.wait_for("the new passwords differ")
    answer_secret(t, NEW_LABEL, "longenough1")
    answer_secret(t, "repeat the new password:", "longenough1")
    t.wait_for("password changed", timeout=15)
    assert "you ·" not in t.screen(), t.show()
    login_with(t, "grace@example.com", "longenough1")
    t.wait_for("logged in as Grace <grace@example.com>")
    send(t, "/quit")
    assert t.wait_exit() == 0
    nothing_sent(fake_gemini, "short", "longenough1", "longenough2", PW)
    nothing_kept(jarvis_env, "short", "longenough1", "longenough2", PW)


@pytest.mark.parametrize("width,height", SIZES)
def test_login_asks_the_email_again_and_esc_ctrl_c_leave(jarvis_tui, fake_gemini, jarvis_env,
                                                         run_jarvis, width, height):
    cli_signup(run_jarvis, name="Grace", email="grace@example.com")
    assert run_jarvis(["--logout"]).returncode == 0
    t = start(jarvis_tui, width, height)
    send(t, "/login")
    wait_prompt(t, "e-mail:")
    send(t, "grace@example")
    t.wait_for("needs a domain")
    wait_prompt(t, "e-mail:")
    # Esc leaves the form and says so
    escape(t)
    t.wait_for("cancelled")
    wait_prompt(t, "›")
    # Ctrl-C too, at a password prompt
    send(t, "/login grace@example.com")
    wait_prompt(t, "password:")
    t.send_text("halfway")
    t.send_keys("C-c")
    wait_until(lambda: t.screen().count("cancelled") >= 2, what="a second cancelled line")
    wait_prompt(t, "›")
    send(t, "/login")
    wait_prompt(t, "e-mail:")
    send(t, "grace@example.com")
    answer_secret(t, "password:", PW)
    t.wait_for("logged in as Grace <grace@example.com>", timeout=15)
    send(t, "/quit")
    assert t.wait_exit() == 0
    nothing_sent(fake_gemini, "halfway", PW)
    nothing_kept(jarvis_env, "halfway", PW)
