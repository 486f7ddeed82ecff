"""End-to-end tests of -p --output-format (issue 11).

What it is for: json is one valid JSON object for every recorded response
(success, thoughts, signatures, grounding, URL context, code execution,
blocked, cut, errors), with the text, thoughts, finish reason, usage, model
version and sources it carried; stream-json is one valid JSON object per
line, whose text events add up to the answer and end with the result.
What it must not do: reach the network (the fake server only).
"""

import glob
import json
import os

import pytest

import fake_gemini as fg

STREAMS = sorted(os.path.relpath(p, fg.FIXTURE_DIR) for d in ("googleai", "generative-ai-js",
                                                              "vertexai")
                 for p in glob.glob(os.path.join(fg.FIXTURE_DIR, d, "*.txt")))
UNARY = sorted(os.path.relpath(p, fg.FIXTURE_DIR)
               for p in glob.glob(os.path.join(fg.FIXTURE_DIR, "googleai", "unary-*.json")))
GROUNDED = "generative-ai-js/streaming-success-search-grounding.txt"
THINKING = "googleai/streaming-success-thinking-reply-thought-summary.txt"


def test_the_fixtures_are_there():
    assert len(STREAMS) >= 30 and GROUNDED in STREAMS and THINKING in STREAMS


@pytest.mark.parametrize("name", STREAMS + UNARY)
def test_json_is_one_valid_object_for_every_fixture(run_jarvis, fake_gemini, name):
    fake_gemini.script([name])
    r = run_jarvis(["-p", "q", "--no-save", "--output-format", "json"])
    assert r.stdout.endswith("}\n") and r.stdout.count("\n") == 1, r.stdout
    out = json.loads(r.stdout)
    for key in ("status", "text", "thoughts", "finishReason", "usage", "modelVersion",
                "sources", "searchQueries", "error"):
        assert key in out, key
    body = fg.fixture_body(name)
    if out["status"] == "complete":
        assert r.returncode == 0, r.stderr
        assert out["text"] == fg.shown_text(body)
        assert out["error"] is None
    else:
        assert out["error"], out
    if name.endswith(".txt") and out["status"] in ("complete", "cut", "incomplete"):
        events = fg.sse_events(body)
        last_usage = [e["usageMetadata"] for e in events if "usageMetadata" in e]
        if last_usage:
            assert out["usage"]["promptTokenCount"] == last_usage[-1].get("promptTokenCount", 0)
        versions = [e["modelVersion"] for e in events if "modelVersion" in e]
        if versions:
            assert out["modelVersion"] == versions[-1]


def test_json_carries_thoughts_and_sources(run_jarvis, fake_gemini):
    fake_gemini.script([THINKING])
    out = json.loads(run_jarvis(["-p", "q", "--no-save", "--output-format", "json"]).stdout)
    assert out["thoughts"] == fg.fixture_text(THINKING, thoughts=True) != ""
    assert out["thoughts"] not in out["text"]
    assert out["finishReason"] == "STOP" and out["status"] == "complete"

    fake_gemini.script([GROUNDED])
    out = json.loads(run_jarvis(["-p", "q", "--no-save", "--output-format", "json"]).stdout)
    assert out["sources"] == [{"title": "test_title_1", "uri": "test_uri_1"},
                              {"title": "test_title_2", "uri": "test_uri_2"}]
    assert out["searchQueries"] == ["what is the current google stock price"]
    assert {"end": 82, "sources": [2, 1]} in out["citations"]


@pytest.mark.parametrize("name", [THINKING, GROUNDED,
                                  "googleai/streaming-success-code-execution.txt",
                                  "googleai/streaming-success-basic-reply-long.txt"])
def test_stream_json_is_one_object_per_line(run_jarvis, fake_gemini, name):
    fake_gemini.script([name])
    r = run_jarvis(["-p", "q", "--no-save", "--output-format", "stream-json"])
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines[0]["type"] == "start" and lines[0]["model"]
    assert lines[-1]["type"] == "result" and lines[-1]["status"] == "complete"
    texts = "".join(e["text"] for e in lines if e["type"] == "text")
    assert texts == lines[-1]["text"] == fg.shown_text(fg.fixture_body(name))
    thoughts = "".join(e["text"] for e in lines if e["type"] == "thought")
    assert thoughts == lines[-1]["thoughts"]
    assert len([e for e in lines if e["type"] == "text"]) >= 1


def test_cut_off_stream_is_incomplete_in_json_and_exits_1(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "Half an answer", "events": 2,
                         "finish": None}])
    r = run_jarvis(["-p", "q", "--no-save", "--output-format", "json"])
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["status"] == "incomplete" and out["text"] == "Half an answer"
    assert "incomplete" in out["error"]


def test_escape_sequences_stay_escaped(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "red \x1b[31m bell \x07"}])
    r = run_jarvis(["-p", "q", "--no-save", "--output-format", "stream-json"])
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert json.loads(r.stdout.splitlines()[-1])["text"] == "red \x1b[31m bell \x07"


def test_stored_conversation_id_is_given(run_jarvis, fake_gemini):
    from test_accounts_cli import signup
    from test_oneshot_store import conv_rows
    assert signup(run_jarvis).returncode == 0
    out = json.loads(run_jarvis(["-p", "q", "--output-format", "json"]).stdout)
    assert out["conversation"] == conv_rows(run_jarvis(["--convs"]).stdout)[0][0]


def test_text_output_ends_with_the_sources(run_jarvis, fake_gemini):
    fake_gemini.script([GROUNDED])
    r = run_jarvis(["-p", "q", "--no-save"])
    assert r.returncode == 0, r.stderr
    assert fg.shown_sources(fg.fixture_body(GROUNDED)) == (
        "\nSources:\n[1] test_title_1 (test_uri_1)\n[2] test_title_2 (test_uri_2)\n\n"
        "Searched for: what is the current google stock price\n")
    assert r.stdout == fg.fixture_text(GROUNDED) + fg.shown_sources(fg.fixture_body(GROUNDED))
