"""End-to-end: what someone with full access to the database can do to a
conversation, on the embedded SQLite file and on MongoDB (FerretDB), and
that Jarvis refuses it (issue 12).

What it is for: two messages' ciphertexts swapped, a message's seq
changed, a message copied into another user's conversation, and (MongoDB,
which has the outbox) a line planted in the outbox naming another user:
Jarvis marks each "tampered" (the export, a warning from -p, the chat's
header and notice) or refuses the line, and the fake Gemini server receives
none of it; what was not touched still reads back. A raw read of either
database finds none of the message text, thoughts, title, system prompt,
image bytes or image name.
What it must not do: reach the network, or go through Jarvis to change the
rows (rawdb.py changes them as an operator would).
"""

import base64
import json
import os
import re

import bson
import pytest

import rawdb
from test_accounts_cli import login, signup
from test_oneshot import png_bytes, write_config
from test_oneshot_store import conv_rows
from test_tui import send

TAMPERED_NOTE = "integrity check"  # in what a tampered message shows instead of its text


@pytest.fixture(params=["sqlite", "mongodb"])
def raw(request, jarvis_env):
    return rawdb.for_engine(request.param, jarvis_env, request)


def ask(run_jarvis, fake_gemini, raw, question, answer, conv=None):
    fake_gemini.push({"kind": "text", "text": answer})
    args = ["-p", question] + (["-C", conv] if conv else []) + raw.args
    r = run_jarvis(args)
    assert (r.returncode, r.stdout) == (0, answer + "\n"), r.stderr
    return r


def conversation(run_jarvis, fake_gemini, raw, pairs):
    """A new conversation of these (question, answer) pairs; its id."""
    ask(run_jarvis, fake_gemini, raw, *pairs[0])
    conv = conv_rows(run_jarvis(["--convs"] + raw.args).stdout)[0][0]
    for q, a in pairs[1:]:
        ask(run_jarvis, fake_gemini, raw, q, a, conv)
    return conv


def export(run_jarvis, raw, conv):
    r = run_jarvis(["--export", conv] + raw.args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def assert_refused(run_jarvis, fake_gemini, raw, conv, hidden, kept, tampered):
    """The export marks `tampered` messages and shows none of `hidden`, but all of
    `kept`; the next question warns, and its request carries none of `hidden`."""
    md = export(run_jarvis, raw, conv)
    assert md.count("*Status: tampered") == tampered, md
    md = md.split("\n", 1)[1]  # the title (the first question's words) stays, untouched
    for text in hidden:
        assert text not in md, (text, md)
    for text in kept:
        assert text in md, (text, md)
    asked = len(fake_gemini.api_requests("stream"))
    r = ask(run_jarvis, fake_gemini, raw, "What now?", "Now this.", conv)
    assert "tampered" in r.stderr and "left out of the context" in r.stderr, r.stderr
    bodies = fake_gemini.api_requests("stream")[asked:]
    assert len(bodies) == 1
    body = bodies[0]["body"]
    assert "What now?" in body
    for text in hidden + [TAMPERED_NOTE]:
        assert text not in body, (text, body)


def test_swapped_ciphertexts_are_tampered(run_jarvis, fake_gemini, raw, jarvis_tui):
    assert signup(run_jarvis, extra=raw.args).returncode == 0
    conv = conversation(run_jarvis, fake_gemini, raw,
                        [("Question one", "Answer one."), ("Question two", "Answer two.")])
    q1, a1, q2, a2 = raw.messages(conv)
    assert (q1["role"], q2["role"]) == ("user", "user")
    raw.set_message(q1["id"], text=q2["text"])
    raw.set_message(q2["id"], text=q1["text"])
    assert_refused(run_jarvis, fake_gemini, raw, conv, ["Question one", "Question two"],
                   ["Answer one.", "Answer two."], 2)
    # the chat shows it too: the messages' header and a notice
    t = jarvis_tui(args=raw.args, width=100, height=40)
    t.wait_for(re.compile(r"^ Ann │ ", re.M), timeout=15)
    send(t, "/select 1")
    t.wait_for(re.compile(r"· tampered"), timeout=15)
    t.wait_for("failed their integrity check")
    # the title (the first question's words) is untouched; the messages' text is not shown
    screen = t.screen().replace('opened "Question one"', "")
    screen = re.sub(r"(?m)^ Ann │.*$", "", screen)  # the status line shows the title too
    assert "Question one" not in screen and "Question two" not in screen, screen
    assert "Answer two." in screen


def test_a_changed_seq_is_tampered(run_jarvis, fake_gemini, raw):
    assert signup(run_jarvis, extra=raw.args).returncode == 0
    conv = conversation(run_jarvis, fake_gemini, raw,
                        [("Question one", "Answer one."), ("Question two", "Answer two.")])
    q2 = raw.messages(conv)[2]
    raw.set_message(q2["id"], seq=q2["seq"] + 10)
    assert_refused(run_jarvis, fake_gemini, raw, conv, ["Question two"],
                   ["Question one", "Answer one.", "Answer two."], 1)


def test_a_message_copied_into_another_users_conversation_is_tampered(run_jarvis, fake_gemini,
                                                                      raw):
    assert signup(run_jarvis, extra=raw.args).returncode == 0
    conv_a = conversation(run_jarvis, fake_gemini, raw, [("Ann's own secret", "Noted, Ann.")])
    assert signup(run_jarvis, name="Bob", email="bob@example.org",
                  extra=raw.args).returncode == 0
    conv_b = conversation(run_jarvis, fake_gemini, raw, [("Bob asks", "Bob is answered.")])
    bob = raw.user_id("bob@example.org")
    msgs = raw.messages(conv_b)
    raw.copy_message(raw.messages(conv_a)[0], conv_b, bob, msgs[-1]["seq"] + 1)
    assert len(raw.messages(conv_b)) == 3
    assert_refused(run_jarvis, fake_gemini, raw, conv_b, ["Ann's own secret"],
                   ["Bob asks", "Bob is answered."], 1)
    # Ann's own copy is untouched
    assert login(run_jarvis, extra=raw.args).returncode == 0
    assert "Ann's own secret" in export(run_jarvis, raw, conv_a)


def test_an_outbox_line_for_another_user_is_refused(run_jarvis, fake_gemini, jarvis_env,
                                                    ferretdb):
    raw = rawdb.RawMongo(ferretdb)
    assert signup(run_jarvis, name="Bob", email="bob@example.org",
                  extra=raw.args).returncode == 0
    assert signup(run_jarvis, extra=raw.args).returncode == 0  # Ann is logged in here
    bob = raw.user_id("bob@example.org")
    conv, msg = str(bson.ObjectId()), str(bson.ObjectId())
    head = {"v": 2, "store": "mongodb/jarvis", "user": bob}
    lines = [dict(head, op="conv_create", id=conv, title="Planted title",
                  model="gemini-3.5-flash", system_prompt=None, at=1796243996874),
             dict(head, op="msg_append", conv=conv, id=msg, role="user",
                  text="Planted question", status="complete", created_at=1796243996875)]
    sealed = dict(lines[1], id=str(bson.ObjectId()), sealed=True, text="jv1:AAAA")
    outbox = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "outbox.jsonl")
    with open(outbox, "a", encoding="utf-8") as f:
        for line in lines + [sealed]:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    r = ask(run_jarvis, fake_gemini, raw, "Ann asks", "Ann is answered.")
    assert "refused 3 outbox lines" in r.stderr and "another account" in r.stderr, r.stderr
    with open(outbox, encoding="utf-8") as f:
        assert f.read() == ""
    rejected = os.path.join(os.path.dirname(outbox), "outbox.rejected.jsonl")
    with open(rejected, encoding="utf-8") as f:
        assert f.read().count("Planted") == 2  # kept aside for a human, not applied
    assert b"Planted" not in raw.dump()
    for req in fake_gemini.api_requests():
        assert "Planted" not in (req.get("body") or ""), req
    assert login(run_jarvis, email="bob@example.org", extra=raw.args).returncode == 0
    assert "Planted" not in run_jarvis(["--convs"] + raw.args).stdout


def test_the_database_holds_no_content(run_jarvis, fake_gemini, raw, jarvis_env):
    write_config(jarvis_env, "[gemini]\nsystem_prompt = Speak only of aardvarks\n")
    image = os.path.join(jarvis_env["HOME"], "holiday-snapshot.png")
    png = png_bytes() + os.urandom(600)
    with open(image, "wb") as f:
        f.write(png)
    assert signup(run_jarvis, extra=raw.args).returncode == 0
    thinking = "googleai/streaming-success-thinking-reply-thought-summary.txt"
    fake_gemini.push({"kind": "fixture", "path": thinking})
    r = run_jarvis(["-p", "What is in this quokka picture?", "-a", image] + raw.args)
    assert r.returncode == 0, r.stderr
    answer = r.stdout.strip()
    conv = conv_rows(run_jarvis(["--convs"] + raw.args).stdout)[0]
    assert conv[3] == "What is in this quokka picture?"  # the title, read back opened
    ask(run_jarvis, fake_gemini, raw, "And the wombat?", "A wombat answer.", conv[0])
    md = export(run_jarvis, raw, conv[0])
    assert "quokka" in md and "wombat" in md
    dump = raw.dump()
    # the dump is real: what an operator can see is there
    assert b"ann@example.org" in dump and b"gemini-3.5-flash" in dump
    secrets = [b"quokka", b"wombat", b"aardvarks", b"holiday-snapshot", answer[:40].encode(),
               b"Exploring Sky Color", png, base64.b64encode(png), base64.b64encode(png[9:81])]
    for s in secrets:
        assert s not in dump, s[:40]
