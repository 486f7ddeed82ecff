"""End-to-end: /edit N forks a conversation at an earlier question (issue 13).

What it is for: the question comes back into the input unsent; sending the
edited text makes a new conversation holding the turns before it, the
edited question and its answer, while the original stays whole and can be
opened again; /convs, F3 and --convs show the fork's link to its original.
Esc or an emptied input leave the edit without forking, and /edit waits for
a streaming answer to end. On SQLite and on MongoDB (FerretDB).
What it must not do: reach the network (fake Gemini, FerretDB on loopback)
or sleep for fixed long times.
"""

import re
import time

import pytest

from test_store_faults import answer
from test_tui import PW, escape, send, start, stream_bodies

SIZES = [(80, 24), (120, 40)]
ANSWERS = ["first answer", "second answer", "third answer"]


def signed_up(run_jarvis, store):
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"] + store,
                   input=PW + "\n")
    assert r.returncode == 0, r.stderr


def store_of(kind, request):
    """--store arguments and the TUI's environment for this engine."""
    if kind == "sqlite":
        return [], {}
    uri = request.getfixturevalue("ferretdb")
    return ["--store", uri], {"MONGO_URI": uri}


def three_questions(t, fake_gemini):
    for i, text in enumerate(ANSWERS, 1):
        answer(fake_gemini, text)
        send(t, "question %d" % i)
        t.wait_for(text, timeout=15)


def input_row(t):
    return t.capture()[-1]


def texts(body):
    return ["".join(p.get("text", "") for p in c["parts"]) for c in body["contents"]]


@pytest.mark.parametrize("kind", ["sqlite", "mongodb"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: "%dx%d" % s)
def test_edit_forks_and_the_original_stays_whole(jarvis_tui, run_jarvis, fake_gemini, request,
                                                 kind, size):
    store, env = store_of(kind, request)
    signed_up(run_jarvis, store)
    t = start(jarvis_tui, size[0], size[1], env=env)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    three_questions(t, fake_gemini)

    # Question 2 back (counted from the last, as /copy N): in the input, unsent.
    sent = len(stream_bodies(fake_gemini))
    send(t, "/edit 2")
    t.wait_for(re.compile(r"^edit› question 2\s*$", re.M))
    assert len(stream_bodies(fake_gemini)) == sent
    t.send_text(", in more detail")
    t.wait_for("edit› question 2, in more detail")

    answer(fake_gemini, "edited answer")
    t.send_keys("Enter")
    t.wait_for("edited answer", timeout=15)
    t.wait_for("↳ fork of «question 1» at question 2")
    screen = t.screen()
    for want in ("question 1", "first answer", "question 2, in more detail", "edited answer"):
        assert want in screen, (want, t.show())
    for gone in ("second answer", "question 3", "third answer"):
        assert gone not in screen, (gone, t.show())
    assert input_row(t).rstrip() == "›", t.show()  # the edit is over
    # The model got the turn before it and the edited question, nothing after.
    assert texts(stream_bodies(fake_gemini)[-1]) == [
        "question 1", "first answer", "question 2, in more detail"]

    # /convs names the link; the original is listed second, whole.
    send(t, "/convs")
    t.wait_for(re.compile(r"2\. .*question 1 \(6 messages\)"))
    t.wait_for(re.compile(r"1\. .*question 1 \(4 messages\)"))
    send(t, "/select 2")
    t.wait_for("third answer", timeout=15)
    screen = t.screen()
    assert "edited answer" not in screen, t.show()
    for want in ("question 3", "third answer"):
        assert want in screen, (want, t.show())

    # F3 marks the fork's row, and names its original when it is selected.
    t.send_keys("F3")
    t.wait_for("Conversations")
    t.wait_for(re.compile(r"1\. .* 4 msgs  ↳ question 1 "))
    t.wait_for("↳ fork of «question 1» at question 2 · Esc closes")  # it is selected
    t.send_keys("Down")  # the original: no fork
    t.wait_gone("↳ fork of")
    escape(t)
    t.wait_gone("Conversations")
    t.send_keys("C-d")

    r = run_jarvis(["--convs"] + store)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 4, r.stdout  # the header, the fork and its link, the original
    fork_id, orig_id = lines[1].split()[0], lines[3].split()[0]
    assert lines[2].strip() == "↳ fork of «question 1» at question 2", r.stdout
    assert re.search(r"\s4\s+question 1$", lines[1]), r.stdout
    assert re.search(r"\s6\s+question 1$", lines[3]), r.stdout
    orig = run_jarvis(["--export", orig_id] + store)
    fork = run_jarvis(["--export", fork_id] + store)
    assert orig.returncode == 0 and fork.returncode == 0, (orig.stderr, fork.stderr)
    for want in ("question 2", "second answer", "question 3", "third answer"):
        assert want in orig.stdout, (want, orig.stdout)
    assert "edited answer" not in orig.stdout and "in more detail" not in orig.stdout
    for want in ("question 1", "first answer", "question 2, in more detail", "edited answer"):
        assert want in fork.stdout, (want, fork.stdout)
    assert "second answer" not in fork.stdout and "third answer" not in fork.stdout


@pytest.mark.parametrize("size", SIZES, ids=lambda s: "%dx%d" % s)
def test_esc_or_an_emptied_input_leaves_the_edit(jarvis_tui, run_jarvis, fake_gemini, size):
    signed_up(run_jarvis, [])
    t = start(jarvis_tui, size[0], size[1])
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    three_questions(t, fake_gemini)

    # Tab offers the questions by number, counted back, with their first line.
    t.send_text("/edit ")
    t.send_keys("Tab")
    t.wait_for("1 question 3  2 question 2")
    t.send_keys("C-u")
    send(t, "/edit")  # the last question
    t.wait_for(re.compile(r"^edit› question 3\s*$", re.M))
    escape(t)
    t.wait_for("edit left (Esc); nothing was forked")
    assert input_row(t).rstrip() == "›", t.show()

    send(t, "/ed 1")
    t.wait_for(re.compile(r"^edit› question 3\s*$", re.M))
    t.send_keys("C-u")
    t.wait_for("edit left (the input was emptied); nothing was forked")
    assert input_row(t).rstrip() == "›", t.show()

    # What is sent now goes on in the same conversation: no fork was made.
    answer(fake_gemini, "fourth answer")
    send(t, "question 4")
    t.wait_for("fourth answer", timeout=15)
    assert texts(stream_bodies(fake_gemini)[-1])[:6] == [
        "question 1", "first answer", "question 2", "second answer", "question 3",
        "third answer"]
    t.send_keys("C-d")
    r = run_jarvis(["--convs"])
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 2 and "fork" not in r.stdout, r.stdout


def test_edit_waits_for_the_answer_and_says_what_n_takes(jarvis_tui, run_jarvis, fake_gemini):
    signed_up(run_jarvis, [])
    t = start(jarvis_tui, 120, 40)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "/edit")
    t.wait_for("no question to edit yet")
    t.send_keys("C-u")  # a refused line stays in the input
    answer(fake_gemini, "first answer")
    send(t, "question 1")
    t.wait_for("first answer", timeout=15)
    send(t, "/edit 3")
    t.wait_for("there is 1 question on screen; /edit N takes 1 to 1")
    t.send_keys("C-u")
    send(t, "/edit two")
    t.wait_for("usage: /edit [N]")
    t.send_keys("C-u")
    # /e is /edit or /export now: it says so rather than guessing.
    send(t, "/e")
    t.wait_for("/e is ambiguous: it could be /edit or /export")
    t.send_keys("C-u")

    fake_gemini.set_default({"kind": "stall", "after_events": 1,
                             "source": {"kind": "text", "text": "slow " * 50, "events": 5}})
    send(t, "question 2")
    t.wait_for("slow slow")
    send(t, "/edit")
    t.wait_for("an answer is still coming: /edit once it has ended")
    assert not input_row(t).startswith("edit›"), t.show()
    t.send_keys("C-d")
