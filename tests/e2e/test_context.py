"""End-to-end tests of the context meter and /trim (issue 11).

What it is for: the status line shows the last request's promptTokenCount
of the model's inputTokenLimit (from the fake server's model list, read once
a request is out); a question that would pass the limit is not sent and the
notice offers /trim; /trim leaves the oldest turns out of the next request
(not out of the store) and says what it left out; /quota shows tokens.
What it must not do: reach the network (the fake server only).
"""

import copy
import sqlite3

import fake_gemini as fg
from test_accounts_cli import db_path, signup
from test_tui import send, start


def models_with_limit(limit):
    models = copy.deepcopy(fg.DEFAULT_MODELS)
    for m in models:
        if m["name"] == "models/gemini-3.5-flash":
            m["inputTokenLimit"] = limit
    return {"kind": "models", "endpoint": "models", "models": models}


def counted(text, prompt, candidates, cached=0):
    """An answer whose usageMetadata says these counts, as the API sends them."""
    events = fg.synthetic_events(text, 2, model="gemini-3.5-flash", prompt_tokens=prompt)
    usage = events[-1]["usageMetadata"]
    usage["candidatesTokenCount"] = candidates
    usage["totalTokenCount"] = prompt + candidates
    if cached:
        usage["cachedContentTokenCount"] = cached
    return {"kind": "raw", "body": fg.sse_body(events).decode()}


def test_meter_refusal_and_trim(run_jarvis, jarvis_tui, fake_gemini, jarvis_env):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([models_with_limit(3000),
                        counted("First answer.", 1200, 300),
                        counted("Second answer.", 2000, 300, cached=1024),
                        counted("Third answer.", 1100, 200)])
    t = start(jarvis_tui, width=200, height=40)
    send(t, "first question")
    t.wait_for("First answer.")
    t.wait_for("ctx 1k/3k")
    send(t, "second question")
    t.wait_for("Second answer.")
    t.wait_for("ctx 2k/3k")
    # 2000 + 300 in context; a question of about 750 tokens passes 3000
    long_q = "word " * 600
    send(t, long_q.strip())
    t.wait_for("/trim 1 leaves the 1 oldest turn out")
    assert len(fake_gemini.api_requests("stream")) == 2
    t.send_keys("C-u")  # the refused question stays in the input: put it aside
    send(t, "/quota")
    t.wait_for("the last request was 2000 tokens (1024 of them cached)")
    t.wait_for("of the model's 3000 input tokens")
    send(t, "/trim")
    t.wait_for("the 1 oldest turn (2 messages, about 1500 tokens) is left out")
    t.send_keys("C-y")
    t.send_keys("Enter")
    t.wait_for("Third answer.")
    body = fake_gemini.api_requests("stream")[-1]["body"]
    assert "first question" not in body and "First answer." not in body
    assert "second question" in body and "Second answer." in body
    t.wait_for("ctx 1k/3k")
    send(t, "/trim 0")
    t.wait_for("every turn is sent again")
    t.send_keys("C-d")
    assert t.wait_exit(timeout=15) == 0
    # trimmed from what is sent, never from the store
    con = sqlite3.connect(db_path(jarvis_env))
    rows = con.execute("SELECT role, status, length(text) FROM messages ORDER BY seq").fetchall()
    n = len(rows)
    con.close()
    assert n == 6, rows


def test_trim_takes_a_number(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    send(t, "/trim many")
    t.wait_for("/trim takes a number of turns")
