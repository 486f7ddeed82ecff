"""End-to-end tests of issue 13's rough edges, at 80x24 and 120x40.

What it is for: each rough edge the issue lists, checked on the screen:
the welcome says a guest's chats are not stored; an HTML 404 points at the
base URL; /signup says how to type a name with a space; a resize with F2
open leaves no stale picker text on the input row; a failed login says why
in the history; an SQLite store shows no meaningless "store online";
/delete names the conversation and deleting the one on screen says so;
/convs while MongoDB is down says the list could not be read, not that
something was not saved.
What it must not do: reach the network (fake Gemini, FerretDB on loopback).
"""

import re
import time

import pytest

from test_store_faults import answer
from test_tui import PW, send, start, wait_until
from test_tui_accounts import cli_signup, type_password

SIZES = [(80, 24), (120, 40)]


def joined(t):
    """The screen's rows joined by blanks: a notice wrapped over rows reads whole."""
    return " ".join(" ".join(ln.split()) for ln in t.capture())


def wait_joined(t, text, timeout=10):
    wait_until(lambda: text in joined(t), timeout=timeout,
               what="%r on screen:\n%s" % (text, t.show()))


@pytest.mark.parametrize("width,height", SIZES)
def test_guest_edges(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    wait_joined(t, "you are a guest: these chats are not stored")
    # an HTML 404 (a base URL that is not the API's root) says what to check
    fake_gemini.script(["html404"])
    send(t, "hello")
    wait_joined(t, "check the base URL ([gemini] base_url or GEMINI_BASE_URL)")
    # the one-line /signup with a two-word name says to quote it
    send(t, "/signup Ann Lee ann@example.org")
    wait_joined(t, 'a name with a space goes in quotes: /signup "Ann Lee" EMAIL')
    t.send_keys("C-u")
    # F2, then a resize: the input row is the input's, not the old frame's
    t.send_keys("F2")
    t.wait_for("Models")
    t.resize(width - 20, height - 4)
    wait_until(lambda: t.size() == (width - 20, height - 4), what="the resize")
    wait_until(lambda: t.capture()[-1] == "›", what="a clean input row:\n" + t.show())
    t.send_keys("Escape")
    t.wait_gone("Models")
    assert t.capture()[-1] == "›", t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_account_edges_on_sqlite(jarvis_tui, fake_gemini, run_jarvis, width, height):
    cli_signup(run_jarvis)
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    answer(fake_gemini, "an answer to keep")
    send(t, "/new Doomed topic")
    send(t, "a question")
    t.wait_for("an answer to keep")
    t.wait_gone("streaming")
    wait_until(lambda: "pending" not in t.capture()[-2], what="the writes")
    # a local SQLite file has no "online" to report
    time.sleep(0.3)
    assert "store online" not in t.screen(), t.show()
    assert "you are a guest" not in joined(t)
    # /delete names what goes; deleting the one on screen says so on the new one
    send(t, "/delete")
    t.wait_for('delete "Doomed topic" (this one) for good? type yes:')
    send(t, "yes")
    wait_joined(t, 'deleted "Doomed topic", the conversation that was on screen; this is a new one')
    assert "an answer to keep" not in t.screen()
    # a failed login says why in the history, below "logging in…"
    send(t, "/logout")
    t.wait_for(re.compile(r"^ guest │ ", re.M))
    send(t, "/login ann@example.org")
    t.wait_for("password:")
    type_password(t, "not the password")
    t.send_keys("Enter")
    wait_joined(t, "logging in failed: wrong e-mail or password", timeout=15)
    rows = t.capture()[:-2]
    logging = max(i for i, ln in enumerate(rows) if "logging in…" in ln)
    failed = max(i for i, ln in enumerate(rows) if "logging in failed" in ln)
    assert failed > logging, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_convs_while_mongodb_is_down_only_reads(jarvis_tui, run_jarvis, fake_gemini,
                                                ferretdb_server, width, height):
    store = ["--store", ferretdb_server.uri]
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"] + store,
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    t = start(jarvis_tui, width, height, env={"MONGO_URI": ferretdb_server.uri})
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    answer(fake_gemini, "stored answer")
    send(t, "question")
    t.wait_for("stored answer")
    t.wait_for("store online")  # MongoDB is a server: its state is news
    ferretdb_server.kill()
    send(t, "/convs")
    wait_joined(t, "the list of conversations could not be read (nothing was lost)", timeout=20)
    assert "this was not saved" not in joined(t), t.show()
    assert "not saved" not in t.capture()[-2], t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_convs_while_mongodb_hangs_says_it_is_listing(jarvis_tui, run_jarvis, fake_gemini,
                                                      ferretdb_server, width, height):
    # A stopped (SIGSTOP) server neither answers nor refuses: the read takes its
    # time, and the status line says what the chat waits for until the list comes.
    store = ["--store", ferretdb_server.uri]
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"] + store,
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    t = start(jarvis_tui, width, height, env={"MONGO_URI": ferretdb_server.uri})
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    answer(fake_gemini, "stored answer")
    send(t, "question")
    t.wait_for("stored answer")
    t.wait_for("store online")
    wait_until(lambda: "pending" not in t.capture()[-2], what="the writes")
    ferretdb_server.pause()
    try:
        send(t, "/convs")
        wait_until(lambda: "listing" in t.capture()[-2], timeout=3,
                   what="the status line saying it lists:\n" + t.show())
        time.sleep(1.5)
        # still waiting, still said, and nothing listed yet
        assert "listing" in t.capture()[-2], t.show()
        assert not re.search(r"^\s*1\. ", t.screen(), re.M), t.show()
    finally:
        ferretdb_server.resume()
    # the list comes, and the status line no longer says it is listing
    t.wait_for(re.compile(r"^\s*1\. .*question \(2 messages\)", re.M), timeout=30)
    wait_until(lambda: "listing" not in t.capture()[-2], what="listing gone:\n" + t.show())
