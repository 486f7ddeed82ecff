"""End-to-end tests of web grounding (issue 11).

What it is for: [gemini] web and /web send tools googleSearch and urlContext
(a question with a URL gets urlContext alone), /web is kept with the
conversation; the recorded grounding stream shows its citation markers at
the segment ends and its Sources and searches on screen, and the stored
answer exports them.
What it must not do: reach the network (the fake server only).
"""

import re
import sqlite3

import fake_gemini as fg
from test_accounts_cli import db_path, signup
from test_oneshot import write_config
from test_oneshot_store import conv_rows
from test_tui import send, start

GROUNDED = "generative-ai-js/streaming-success-search-grounding.txt"
SEARCH = {"googleSearch": {}}
URL = {"urlContext": {}}


def tools(fake):
    return fake.api_requests("stream")[-1]["json"].get("tools")


def test_tools_follow_the_setting_and_the_question(run_jarvis, fake_gemini, jarvis_env):
    assert run_jarvis(["-p", "plain question", "--no-save"]).returncode == 0
    assert tools(fake_gemini) is None
    assert run_jarvis(["-p", "what does https://example.org/a say?", "--no-save"]).returncode == 0
    assert tools(fake_gemini) == [URL]
    write_config(jarvis_env, "[gemini]\nweb = on\n")
    assert run_jarvis(["-p", "plain question", "--no-save"]).returncode == 0
    assert tools(fake_gemini) == [SEARCH, URL]


def test_export_has_the_markers_and_sources(run_jarvis, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([GROUNDED])
    assert run_jarvis(["-p", "google stock price?"]).returncode == 0
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    r = run_jarvis(["--export", conv])
    assert r.returncode == 0, r.stderr
    assert "for Alphabet Inc.[1] (Google) Class C (GOOG) is \\$166.79 USD.[2][1]" in r.stdout
    assert "Sources:\n\n\\[1\\] test\\_title\\_1 (test\\_uri\\_1)  \n" in r.stdout
    assert "Searched for: what is the current google stock price" in r.stdout


def test_tui_web_on_shows_markers_and_sources(run_jarvis, jarvis_tui, fake_gemini, jarvis_env):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([GROUNDED, "googleai/streaming-success-basic-reply-short.txt"])
    t = start(jarvis_tui, width=120, height=40)
    send(t, "/web on")
    t.wait_for("web grounding: on")
    send(t, "google stock price?")
    t.wait_for("Sources:")
    t.wait_gone("streaming")
    assert tools(fake_gemini) == [SEARCH, URL]
    screen = t.screen()
    assert "Alphabet Inc.[1] (Google)" in screen, screen
    assert "USD.[2][1]" in screen
    assert re.search(r"\[1\] test_title_1 \(test_uri_1\)", screen), screen
    assert re.search(r"\[2\] test_title_2 \(test_uri_2\)", screen), screen
    assert "Searched for: what is the current google stock price" in screen
    # the markers and sources are for the reader: never sent back as context
    send(t, "and tomorrow?")
    fake_gemini.wait_requests(2, "stream")
    body = fake_gemini.api_requests("stream")[-1]["body"]
    assert "test_title_1" not in body and "Alphabet Inc.[1]" not in body
    t.wait_gone("streaming")
    t.send_keys("C-d")
    assert t.wait_exit(timeout=15) == 0
    con = sqlite3.connect(db_path(jarvis_env))
    rows = con.execute("SELECT role, web, grounding IS NOT NULL FROM messages "
                       "ORDER BY seq").fetchall()
    con.close()
    assert rows == [("user", "on", 0), ("model", None, 1), ("user", "on", 0), ("model", None, 0)]
    # -p -C goes on with the conversation's /web
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    assert run_jarvis(["-p", "more", "-C", conv]).returncode == 0
    assert tools(fake_gemini) == [SEARCH, URL]


def test_web_takes_on_or_off(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    send(t, "/web maybe")
    t.wait_for("/web takes on or off")
    t.send_keys("C-u")  # a refused command stays in the input, never lost
    send(t, "/web")
    t.wait_for("web grounding: off")


def code_then_cited():
    """A grounded answer whose code execution parts come between its cited texts."""
    first, second = "Let me computé. ", "The answer is 42."
    events = fg.parts_events([
        [{"text": first}, {"executableCode": {"language": "PYTHON", "code": "print(6*7)"}}],
        [{"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "42\n"}},
         {"text": second}]])
    n1 = len(first.encode())
    events[-1]["candidates"][0]["groundingMetadata"] = {
        "groundingChunks": [{"web": {"uri": "u1", "title": "t1"}},
                            {"web": {"uri": "u2", "title": "t2"}}],
        # UTF-8 byte offsets into the text parts alone, as the API counts them
        "groundingSupports": [
            {"segment": {"startIndex": 0, "endIndex": n1 - 1}, "groundingChunkIndices": [0]},
            {"segment": {"startIndex": n1, "endIndex": n1 + len(second.encode())},
             "groundingChunkIndices": [1]}]}
    return {"kind": "raw", "body": fg.sse_body(events).decode()}


def test_markers_after_code_execution_land_at_their_segments(run_jarvis, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([code_then_cited()])
    assert run_jarvis(["-p", "compute 6*7 and cite"]).returncode == 0
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    r = run_jarvis(["--export", conv])
    assert r.returncode == 0, r.stderr
    assert "Let me computé.[1] \n" in r.stdout, r.stdout
    assert "```python\nprint(6*7)\n```" in r.stdout, r.stdout
    assert "```\n42\n```\n\nThe answer is 42.[2]" in r.stdout, r.stdout
