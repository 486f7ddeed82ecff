"""End-to-end: the TUI on MongoDB (FerretDB) through an outage.

What it is for: a logged-in user keeps chatting while the store is down;
the status line says the store is offline and how many writes wait; once
FerretDB is back the outbox is replayed (without a key press) and every
message is stored once, in order.
What it must not do: reach the network (fake Gemini, FerretDB on loopback)
or sleep for fixed long times.
"""

import re

from test_store_faults import answer, export, in_order_once
from test_tui import PW, send, start


def test_outage_in_the_tui_loses_nothing(jarvis_tui, run_jarvis, fake_gemini, ferretdb_server):
    store = ["--store", ferretdb_server.uri]
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"] + store,
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    env = {"MONGO_URI": ferretdb_server.uri}
    t = start(jarvis_tui, env=env, width=100)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))

    answer(fake_gemini, "first answer")
    send(t, "question one")
    t.wait_for("first answer")
    t.wait_for("store online")

    ferretdb_server.kill()
    answer(fake_gemini, "second answer")
    send(t, "question two")
    t.wait_for("second answer", timeout=15)
    # The question, the answer and its updates wait on disk.
    t.wait_for(re.compile(r"store offline, \d+ waiting"), timeout=15)

    ferretdb_server.restart()
    # Replayed in the background within a few sync rounds, no key pressed.
    t.wait_for(re.compile(r"store online(?!, \d+ to sync)"), timeout=30)
    t.send_keys("C-d")

    convs = run_jarvis(["--convs"] + store)
    assert convs.returncode == 0, convs.stderr
    conv_id = convs.stdout.splitlines()[1].split()[0]
    md = export(run_jarvis, conv_id, store)
    in_order_once(md, ["question one", "first answer", "question two", "second answer"])


def test_tui_started_right_after_signup_while_the_store_is_down(jarvis_tui, run_jarvis,
                                                                fake_gemini, ferretdb_server):
    store = ["--store", ferretdb_server.uri]
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"] + store,
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr
    ferretdb_server.kill()
    # Started as Ann (not a guest), from the session remembered at signup.
    t = start(jarvis_tui, env={"MONGO_URI": ferretdb_server.uri}, width=100)
    t.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    answer(fake_gemini, "offline answer")
    send(t, "offline question")
    t.wait_for("offline answer", timeout=15)
    t.wait_for(re.compile(r"store offline, \d+ waiting"), timeout=15)

    ferretdb_server.restart()
    t.wait_for(re.compile(r"store online(?!, \d+ to sync)"), timeout=30)
    t.send_keys("C-d")

    convs = run_jarvis(["--convs"] + store)
    assert convs.returncode == 0, convs.stderr
    conv_id = convs.stdout.splitlines()[1].split()[0]
    in_order_once(export(run_jarvis, conv_id, store), ["offline question", "offline answer"])
