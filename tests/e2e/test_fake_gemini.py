"""Tests of the end-to-end test infrastructure itself.

What it is for: proving that the fake Gemini server sends what the recorded
API sent (byte for byte, in any chunking), that its scripted faults look like
the real ones, that the FerretDB launcher and the tmux driver start, answer
and clean up. What it must not do: test the jarvis binary (other files do).
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

import fake_gemini as fg
import ferretdb as fdb
from tmux_driver import Tmux, TmuxTimeout

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent"
REQ_BODY = {"contents": [{"role": "user", "parts": [{"text": "hi ✓"}]}]}


def post(server, path=STREAM, body=REQ_BODY, headers=None, timeout=10):
    """(status, headers, body bytes) of a POST; HTTP errors are returned, not raised."""
    data = json.dumps(body).encode("utf-8")
    h = {"Content-Type": "application/json", "x-goog-api-key": "test-key-123"}
    h.update(headers or {})
    req = urllib.request.Request(server.url + path if hasattr(server, "url") else server + path,
                                 data=data, headers=h, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(base, path, timeout=10):
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def raw_stream(server, path=STREAM, timeout=10):
    """(status, body bytes, complete?) reading a streamed body until the connection ends."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    conn.request("POST", path, body=json.dumps(REQ_BODY),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    try:
        data = resp.read()
        complete = True
    except http.client.IncompleteRead as e:
        data = e.partial
        complete = False
    conn.close()
    return resp.status, data, complete


# ------------------------------------------------------------ replay

REPLAYED = [
    "googleai/streaming-success-basic-reply-long.txt",
    "generative-ai-js/streaming-success-utf8.txt",
    "googleai/streaming-failure-prompt-blocked-safety.txt",
    "vertexai/streaming-failure-error-mid-stream.txt",
    "js-genai-recordings/Chats_Tests_sendMessage_Google_AI_with_text_stream.json",
]


@pytest.mark.parametrize("name", REPLAYED)
def test_fixture_replayed_in_one_byte_chunks_is_byte_identical(fake_gemini, name):
    fake_gemini.script([{"kind": "fixture", "path": name, "chunk": 1}])
    status, headers, body = post(fake_gemini)
    assert status == 200
    assert headers["Content-Type"] == "text/event-stream"
    assert headers.get("Content-Length") is None
    assert body == fg.fixture_body(name)
    if name.endswith(".txt"):
        with open(fg.fixture_path(name), "rb") as f:
            assert body == f.read()
    # the request was answered with many writes, not one
    assert fake_gemini.requests[-1]["bytes_sent"] == len(body)


def test_replay_record_becomes_crlf_sse_events(fake_gemini):
    name = "js-genai-recordings/Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_system_instruction.json"
    fake_gemini.script([name])
    status, _, body = post(fake_gemini)
    assert status == 200
    events = body.split(b"\r\n\r\n")
    assert events[-1] == b""
    assert len(events) - 1 == 6
    assert all(e.startswith(b"data: {") for e in events[:-1])
    assert json.loads(events[-2][6:])["candidates"][0]["finishReason"] == "STOP"


def test_default_answers_and_fixture_text(fake_gemini):
    status, _, body = post(fake_gemini)
    assert status == 200
    assert fg.answer_text(body) == fg.DEFAULT_ANSWER
    status, headers, body = post(fake_gemini, GENERATE)
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert fg.answer_text(body) == fg.DEFAULT_UNARY_ANSWER
    assert fg.fixture_text(fg.DEFAULT_STREAM) == fg.DEFAULT_ANSWER
    assert fg.fixture_text(fg.DEFAULT_GENERATE) == fg.DEFAULT_UNARY_ANSWER
    assert fg.fixture_text("generative-ai-js/streaming-success-utf8.txt").startswith("秋")


def test_chunk_delay_paces_the_stream(fake_gemini):
    sse = 'data: {"candidates": [{"content": {"parts": [{"text": "xy"}]}}]}\r\n\r\n'
    fake_gemini.script([{"kind": "drip", "interval": 0.01,
                         "source": {"kind": "raw", "body": sse, "stream": True}}])
    t0 = time.time()
    status, _, body = post(fake_gemini)
    elapsed = time.time() - t0
    assert body == sse.encode()
    assert fg.answer_text(body) == "xy"
    assert elapsed >= 0.01 * (len(body) - 1) * 0.9, elapsed
    assert fake_gemini.requests[-1]["bytes_sent"] == len(body)


# ------------------------------------------------------------ synthetic

def test_synthetic_one_mib_in_4000_events(fake_gemini):
    fake_gemini.script([{"kind": "synthetic", "events": 4000, "bytes": 1 << 20}])
    status, _, body = post(fake_gemini, timeout=60)
    assert status == 200
    events = fg.sse_events(body)
    assert len(events) == 4000
    text = fg.answer_text(body)
    assert len(text.encode("utf-8")) == 1 << 20
    assert text == fg.synthetic_text(1 << 20)
    assert "## Section" in text and "```" in text and "**" in text
    assert "finishReason" not in events[0]["candidates"][0]
    last = events[-1]
    assert last["candidates"][0]["finishReason"] == "STOP"
    assert last["usageMetadata"]["candidatesTokenCount"] > 0


@pytest.mark.parametrize("content", ["prose", "code", "table", "longline"])
def test_content_kinds_have_the_exact_size_and_their_shape(fake_gemini, content):
    fake_gemini.script([{"kind": "synthetic", "content": content, "bytes": 20000,
                         "event_bytes": 262}])
    status, _, body = post(fake_gemini)
    assert status == 200
    text = fg.answer_text(body)
    assert text == fg.content_text(content, 20000)
    assert len(text.encode("utf-8")) == 20000
    events = fg.sse_events(body)
    assert len(events) == -(-20000 // 262)
    lines = text.rstrip("\n").split("\n")
    if content == "code":
        assert lines[0] == "```c" and lines[-1] == "```" and text.count("```") == 2
    elif content == "table":
        assert all(l.startswith("|") and l.rstrip().endswith("|") for l in lines)
        assert len(lines) > 100 and lines[1].startswith("|---")
    elif content == "longline":
        assert len(lines) == 1 and " " not in text
    else:
        assert "## Section" in text


def test_pace_ms_spaces_events_on_a_fixed_schedule():
    proc = subprocess.Popen([sys.executable, os.path.join(E2E_DIR, "fake_gemini.py"),
                             "--port", "0", "--content", "code", "--synthetic-bytes", "2620",
                             "--event-bytes", "262", "--pace-ms", "20"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = re.search(r"(http://\S+)", proc.stdout.readline()).group(1)
        t0 = time.time()
        status, _, body = post(base)
        elapsed = time.time() - t0
        assert status == 200 and fg.answer_text(body) == fg.content_text("code", 2620)
        assert len(fg.sse_events(body)) == 10
        assert 9 * 0.020 * 0.9 <= elapsed < 5, elapsed
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_synthetic_unicode_splits_only_at_character_boundaries():
    body, text = fg.synthetic_stream(events=37, total_bytes=5000, unicode=True)
    assert len(text.encode("utf-8")) == 5000
    assert any(ord(c) > 0xFFFF for c in text)
    assert fg.answer_text(body) == text


def test_synthetic_on_generate_is_one_unary_answer(fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "one two", "events": 3}])
    status, _, body = post(fake_gemini, GENERATE)
    assert status == 200
    doc = json.loads(body)
    assert doc["candidates"][0]["content"]["parts"][0]["text"] == "one two"


# ------------------------------------------------------------ faults

def test_429_carries_retry_info_and_quota_failure(fake_gemini):
    fake_gemini.script([{"kind": "429", "retry_delay": "900ms", "quota": "day"}])
    status, headers, body = post(fake_gemini)
    assert status == 429
    assert headers["Content-Type"] == "text/event-stream"
    assert body.startswith(b"{\n  \"error\": {\n") and body.endswith(b"}\n")
    err = json.loads(body)["error"]
    assert err["code"] == 429 and err["status"] == "RESOURCE_EXHAUSTED"
    kinds = {d["@type"].rsplit(".", 1)[1]: d for d in err["details"]}
    assert kinds["RetryInfo"]["retryDelay"] == "900ms"
    assert "PerDay" in kinds["QuotaFailure"]["violations"][0]["quotaId"]
    fake_gemini.script(["429"])
    err = json.loads(post(fake_gemini)[2])["error"]
    retry = [d for d in err["details"] if d["@type"].endswith("RetryInfo")]
    assert retry[0]["retryDelay"] == "2s"
    assert "PerMinute" in err["details"][0]["violations"][0]["quotaId"]


def test_script_queue_is_consumed_in_order_then_default(fake_gemini):
    fake_gemini.script(["429", "503", {"kind": "text", "text": "third"}])
    got = [post(fake_gemini)[0] for _ in range(3)]
    assert got == [429, 503, 200]
    status, _, body = post(fake_gemini)
    assert status == 200 and fg.answer_text(body) == fg.DEFAULT_ANSWER
    assert [r["response"]["kind"] for r in fake_gemini.requests] == [
        "429", "503", "text", "fixture"]


def test_script_entries_wait_for_their_endpoint(fake_gemini):
    fake_gemini.script(["500", {"kind": "models", "endpoint": "models",
                                "models": [{"name": "models/only-one"}]}])
    status, _, body = get(fake_gemini.url, "/v1beta/models")
    assert status == 200 and json.loads(body)["models"] == [{"name": "models/only-one"}]
    assert post(fake_gemini)[0] == 500
    assert fake_gemini.pending() == []


def test_requests_are_recorded_with_headers_and_body(fake_gemini):
    before = time.time()
    post(fake_gemini, headers={"User-Agent": "jarvis-test/1"})
    (rec,) = fake_gemini.requests
    assert rec["method"] == "POST"
    assert rec["path"] == STREAM
    assert rec["query"] == {"alt": "sse"}
    assert rec["endpoint"] == "stream" and rec["model"] == "gemini-2.5-flash"
    assert rec["headers"]["x-goog-api-key"] == "test-key-123"
    assert rec["headers"]["user-agent"] == "jarvis-test/1"
    assert rec["json"] == REQ_BODY
    assert json.loads(rec["body"]) == REQ_BODY
    assert before <= rec["time"] <= time.time()
    assert rec["status"] == 200


def test_html_404_page(fake_gemini):
    fake_gemini.script(["html404"])
    status, headers, body = post(fake_gemini)
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert b"Error 404 (Not Found)!!1" in body
    status, headers, body = get(fake_gemini.url, "/no/such/path")
    assert status == 404 and b"<html" in body.lower()


def test_unknown_model_404_is_google_rpc_json(fake_gemini):
    fake_gemini.script(["404"])
    path = "/v1beta/models/gemini-0.1-nope:streamGenerateContent?alt=sse"
    status, headers, body = post(fake_gemini, path)
    assert status == 404
    assert headers["Content-Type"] == "text/event-stream"
    err = json.loads(body)["error"]
    assert err["status"] == "NOT_FOUND"
    assert "models/gemini-0.1-nope is not found" in err["message"]
    status, headers, body = post(fake_gemini, GENERATE.replace("gemini-2.5-flash", "x"),
                                 body={})
    assert status == 200  # nothing scripted: the unary default


@pytest.mark.parametrize("kind,code,rpc", [("500", 500, "INTERNAL"),
                                           ("503", 503, "UNAVAILABLE"),
                                           ("bad_key", 400, "INVALID_ARGUMENT")])
def test_error_statuses(fake_gemini, kind, code, rpc):
    fake_gemini.script([kind])
    status, headers, body = post(fake_gemini)
    assert status == code
    assert int(headers["Content-Length"]) == len(body)
    assert json.loads(body)["error"]["status"] == rpc


def test_require_key_rejects_a_wrong_key(fake_gemini):
    fake_gemini.configure(require_key="right")
    status, _, body = post(fake_gemini, headers={"x-goog-api-key": "wrong"})
    assert status == 400
    assert "API_KEY_INVALID" in body.decode()
    assert post(fake_gemini, headers={"x-goog-api-key": "right"})[0] == 200


def test_empty_200_body(fake_gemini):
    fake_gemini.script(["empty"])
    status, headers, body = post(fake_gemini)
    assert status == 200 and body == b"" and headers["Content-Length"] == "0"


def test_drop_mid_stream_yields_a_short_body(fake_gemini):
    full = fg.fixture_body("googleai/streaming-success-basic-reply-long.txt")
    fake_gemini.script([{"kind": "drop", "after_bytes": 1000, "chunk": 100,
                         "source": "googleai/streaming-success-basic-reply-long.txt"}])
    status, data, complete = raw_stream(fake_gemini)
    assert status == 200
    assert not complete
    assert data == full[:1000]
    fake_gemini.script([{"kind": "drop", "after_events": 2, "transfer": "close",
                         "source": "googleai/streaming-success-basic-reply-long.txt"}])
    status, data, complete = raw_stream(fake_gemini)
    assert len(fg.sse_events(data)) == 2
    assert data == full[:len(data)] and len(data) < len(full)


def test_midstream_error_follows_data_events(fake_gemini):
    fake_gemini.script([{"kind": "midstream_error", "events": 3, "error_code": 503}])
    status, data, complete = raw_stream(fake_gemini)
    assert status == 200
    text = data.decode()
    head, sep, tail = text.rpartition("\r\n\r\n")
    assert len(fg.sse_events(head + sep)) == 3
    assert tail.startswith("{\n  \"error\": {")
    assert json.loads(tail)["error"]["code"] == 503


def test_stall_hangs_until_the_client_gives_up(fake_gemini):
    fake_gemini.script([{"kind": "stall", "after_events": 1,
                         "source": {"kind": "synthetic", "events": 3, "bytes": 90}}])
    with pytest.raises((socket.timeout, TimeoutError, OSError)):
        raw_stream(fake_gemini, timeout=0.5)
    deadline = time.time() + 5
    while time.time() < deadline and not fake_gemini.requests[-1]["client_closed"]:
        time.sleep(0.05)
    assert fake_gemini.requests[-1]["client_closed"]


def test_models_list_and_count_tokens(fake_gemini):
    status, _, body = get(fake_gemini.url, "/v1beta/models?pageSize=1000")
    models = json.loads(body)["models"]
    assert status == 200
    names = [m["name"] for m in models]
    assert "models/gemini-2.5-flash" in names
    assert any("generateContent" not in m["supportedGenerationMethods"] for m in models)
    assert all({"name", "displayName", "description", "supportedGenerationMethods"} <= set(m)
               for m in models)
    page = json.loads(get(fake_gemini.url, "/v1beta/models?pageSize=2")[2])
    assert len(page["models"]) == 2 and page["nextPageToken"]
    page2 = json.loads(get(fake_gemini.url, "/v1beta/models?pageSize=2&pageToken="
                           + page["nextPageToken"])[2])
    assert page2["models"][0]["name"] == names[2]
    status, _, body = post(fake_gemini, "/v1beta/models/gemini-2.5-flash:countTokens")
    assert status == 200 and json.loads(body)["totalTokens"] > 0


def test_stop_cuts_a_slow_stream_and_frees_the_port():
    server = fg.FakeGemini(delay=5).start()
    port = server.port
    server.script([{"kind": "synthetic", "events": 10, "bytes": 100}])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", STREAM, body="{}")
    resp = conn.getresponse()
    assert resp.status == 200
    t0 = time.time()
    server.stop()
    assert time.time() - t0 < 3
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    conn.close()
    assert fdb.port_is_free(port)


# ------------------------------------------------------------ as a program

def test_program_prints_its_url_and_takes_http_control():
    fixture = "googleai/streaming-success-basic-reply-long.txt"
    proc = subprocess.Popen([sys.executable, os.path.join(E2E_DIR, "fake_gemini.py"),
                             "--port", "0", "--fixture", fixture, "--chunk", "7",
                             "--delay", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(r"listening on (http://127\.0\.0\.1:(\d+))\n", line)
        assert m, line
        base = m.group(1)
        status, _, body = post(base)
        assert status == 200 and body == fg.fixture_body(fixture)
        req = urllib.request.Request(base + "/_fake/script", method="POST",
                                     data=json.dumps(["503", {"kind": "text",
                                                              "text": "ok"}]).encode())
        assert json.loads(urllib.request.urlopen(req).read())["ok"]
        assert post(base)[0] == 503
        assert fg.answer_text(post(base)[2]) == "ok"
        recs = json.loads(get(base, "/_fake/requests")[2])
        assert [r["status"] for r in recs] == [200, 503, 200]
        assert recs[0]["headers"]["x-goog-api-key"] == "test-key-123"
        urllib.request.urlopen(urllib.request.Request(base + "/_fake/reset", method="POST",
                                                      data=b""))
        assert json.loads(get(base, "/_fake/requests")[2]) == []
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(10)
    assert rc == 0
    assert fdb.port_is_free(int(m.group(2)))


# ------------------------------------------------------------ FerretDB

# ------------------------------------------------------------ strict like the API

THINKING = "googleai/streaming-success-thinking-reply-thought-summary.txt"
WITH_THOUGHTS = dict(REQ_BODY, generationConfig={"thinkingConfig": {"includeThoughts": True}})


def test_body_over_20_mib_gets_the_apis_400_and_keeps_the_queue(fake_gemini):
    big = dict(REQ_BODY, contents=[{"role": "user", "parts": [
        {"text": "x" * (fg.MAX_REQUEST_BYTES - 40)}]}])
    assert len(json.dumps(big).encode()) > fg.MAX_REQUEST_BYTES
    fake_gemini.script([{"kind": "text", "text": "after"}])
    status, headers, body = post(fake_gemini, body=big)
    assert status == 400
    err = json.loads(body)["error"]
    assert err == {"code": 400, "status": "INVALID_ARGUMENT",
                   "message": "Request payload size exceeds the limit: 20971520 bytes."}
    assert fake_gemini.requests[-1]["size"] > fg.MAX_REQUEST_BYTES
    # the scripted answer was not used up by the refused request
    status, _, body = post(fake_gemini)
    assert status == 200 and fg.answer_text(body) == "after"


def test_body_of_exactly_the_limit_is_answered(fake_gemini):
    fake_gemini.configure(max_request_bytes=1000)
    base = len(json.dumps(dict(REQ_BODY, contents=[{"role": "user", "parts": [
        {"text": ""}]}])).encode())
    exact = dict(REQ_BODY, contents=[{"role": "user", "parts": [
        {"text": "y" * (1000 - base)}]}])
    assert len(json.dumps(exact).encode()) == 1000
    status, _, _ = post(fake_gemini, body=exact)
    assert status == 200
    exact["contents"][0]["parts"][0]["text"] += "y"
    status, _, body = post(fake_gemini, body=exact)
    assert status == 400 and b"exceeds the limit: 1000 bytes" in body


def test_thoughts_only_when_include_thoughts_is_true(fake_gemini):
    thoughts = fg.fixture_text(THINKING, thoughts=True)
    answer = fg.fixture_text(THINKING)
    assert thoughts and answer
    for body, want in ((REQ_BODY, ""), (WITH_THOUGHTS, thoughts),
                       (dict(REQ_BODY, generation_config={"thinking_config": {
                           "include_thoughts": True}}), thoughts),
                       (dict(REQ_BODY, generationConfig={"thinkingConfig": {
                           "includeThoughts": False, "thinkingBudget": 512}}), "")):
        fake_gemini.script([THINKING])
        status, _, got = post(fake_gemini, body=body)
        assert status == 200
        assert fg.answer_text(got) == answer
        assert fg.answer_text(got, thoughts=True) == want
        assert fake_gemini.requests[-1]["include_thoughts"] == bool(want)
    # without thoughts, the events that held only thoughts are gone
    fake_gemini.script([THINKING])
    _, _, got = post(fake_gemini)
    assert len(fg.sse_events(got)) == 2
    assert b'"thought"' not in got


def test_thoughts_left_out_of_a_unary_answer(fake_gemini):
    name = "googleai/unary-success-thinking-reply-thought-summary.json"
    fake_gemini.script([{"kind": "fixture", "path": name, "endpoint": "generate"}] * 2)
    status, _, got = post(fake_gemini, path=GENERATE)
    assert status == 200 and b'"thought"' not in got
    assert fg.answer_text(got) == fg.fixture_text(name)
    _, _, got = post(fake_gemini, path=GENERATE, body=WITH_THOUGHTS)
    assert fg.answer_text(got, thoughts=True) == fg.fixture_text(name, thoughts=True) != ""


def test_synthetic_thoughts_and_signature(fake_gemini):
    spec = {"kind": "text", "text": "Answer.", "thoughts": "Let me think.",
            "signature": "c2lnbmF0dXJl"}
    fake_gemini.script([spec, spec])
    _, _, got = post(fake_gemini, body=WITH_THOUGHTS)
    evs = fg.sse_events(got)
    assert fg.answer_text(got, thoughts=True) == "Let me think."
    assert fg.answer_text(got) == "Answer."
    assert evs[-1]["candidates"][0]["content"]["parts"][0]["thoughtSignature"] == "c2lnbmF0dXJl"
    _, _, got = post(fake_gemini)
    assert fg.answer_text(got, thoughts=True) == ""
    assert fg.sse_events(got)[-1]["candidates"][0]["content"]["parts"][0][
        "thoughtSignature"] == "c2lnbmF0dXJl"


def test_a_signature_on_a_thought_part_survives_without_thoughts(fake_gemini):
    parts = [[{"text": "hmm", "thought": True, "thoughtSignature": "AAAA"}],
             [{"text": "done"}]]
    fake_gemini.script([{"kind": "parts", "events": parts}])
    _, _, got = post(fake_gemini)
    evs = fg.sse_events(got)
    assert evs[0]["candidates"][0]["content"]["parts"] == [{"text": "",
                                                            "thoughtSignature": "AAAA"}]
    assert evs[-1]["candidates"][0]["finishReason"] == "STOP"


def test_requests_are_kept_for_round_trip_checks(fake_gemini):
    post(fake_gemini)
    post(fake_gemini, body=WITH_THOUGHTS)
    bodies = fake_gemini.bodies("stream")
    assert bodies == [REQ_BODY, WITH_THOUGHTS]
    assert [r["size"] for r in fake_gemini.api_requests("stream")] == [
        len(json.dumps(b).encode()) for b in bodies]


def test_ferretdb_starts_answers_hello_and_stops(ferretdb_server):
    db = ferretdb_server
    assert db.uri == "mongodb://127.0.0.1:%d/" % db.port
    with socket.create_connection(("127.0.0.1", db.port), timeout=5):
        pass
    reply = fdb.mongo_command(db.port, "admin", {"hello": 1})
    assert reply["ok"] == 1 and reply["isWritablePrimary"] is True
    tmp = db.tmpdir
    db.stop()
    assert fdb.port_is_free(db.port)
    assert not os.path.exists(tmp)


def test_ferretdb_kill_and_restart_keep_port_and_data(ferretdb_server):
    db = ferretdb_server
    port = db.port
    assert db.command("jarvis_t", {"insert": "users", "documents": [{"name": "ann"}]})["n"] == 1
    db.kill()
    assert not db.is_running()
    assert fdb.port_is_free(port)
    db.restart()
    assert db.port == port
    found = db.command("jarvis_t", {"find": "users", "filter": {}})
    assert [d["name"] for d in found["cursor"]["firstBatch"]] == ["ann"]


def test_two_ferretdbs_run_at_once(ferretdb_server):
    other = fdb.FerretDB().start()
    try:
        assert other.port != ferretdb_server.port
        assert other.command("admin", {"ping": 1})["ok"] == 1
        assert ferretdb_server.command("admin", {"ping": 1})["ok"] == 1
    finally:
        other.stop()


def test_ferretdb_cli_run_exports_the_uri_and_the_status(ferretdb_server):
    script = os.path.join(os.path.dirname(E2E_DIR), "ferretdb.py")
    r = subprocess.run([sys.executable, script, "run", "--", "sh", "-c",
                        'echo "$JARVIS_TEST_MONGO_URI"; exit 7'],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 7
    assert re.fullmatch(r"mongodb://127\.0\.0\.1:\d+/\n", r.stdout), r.stdout


def test_ferretdb_cli_without_binary_skips_loudly_or_fails_in_ci():
    script = os.path.join(os.path.dirname(E2E_DIR), "ferretdb.py")
    env = dict(os.environ, FERRETDB="none", JARVIS_TEST_MONGO_URI="stale")
    env.pop("CI", None)
    cmd = [sys.executable, script, "run", "--", "sh", "-c",
           'echo "[${JARVIS_TEST_MONGO_URI-unset}]"']
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0
    assert fdb.NOT_FOUND_LINE in r.stderr
    assert r.stdout == "[unset]\n"
    env["CI"] = "true"
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert r.stdout == ""


# ------------------------------------------------------------ tmux

def _running(pid):
    """Whether pid is a live process (zombies without a reaper count as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_tmux_driver_runs_resizes_and_closes():
    t = Tmux()
    with t:
        t.start(["sh", "-c", "printf hello; sleep 30"], env={"PATH": os.environ["PATH"]},
                width=40, height=12)
        t.wait_for("hello", timeout=10)
        assert t.capture()[0] == "hello"
        assert len(t.capture()) == 12
        assert t.cursor() == (5, 0)
        assert t.size() == (40, 12)
        t.resize(60, 20)
        assert t.size() == (60, 20)
        assert t.is_alive()
        pid = t.pane_pid()
        server = t.server_pid
        with pytest.raises(TmuxTimeout) as e:
            t.wait_for(re.compile(r"never\d"), timeout=0.2)
        assert "hello" in str(e.value)
    assert not os.path.exists(t.sock)
    for p in (server, pid):
        deadline = time.time() + 5
        while time.time() < deadline and _running(p):
            time.sleep(0.05)
        assert not _running(p), "process %d survived close()" % p


def test_tmux_driver_paste_keys_and_exit_status(tmux):
    tmux.start(["sh", "-c", "printf 'ready\\033[?2004h\\n'; stty -echo; head -n 2 | od -An -c;"
                " echo done; sleep 0.5; exit 4"],
               env={"PATH": os.environ["PATH"]}, width=70, height=10)
    tmux.wait_for("ready")
    tmux.paste("ab\ncd")
    tmux.send_keys("Enter")
    tmux.wait_for("done")
    screen = re.sub(r"\s+", " ", tmux.screen())
    # bracketed paste markers around the text, LF kept inside the paste
    assert "033 [ 2 0 0 ~ a b \\n c d 033 [ 2 0 1 ~" in screen, tmux.show()
    assert tmux.wait_exit(timeout=10) == 4
    assert not tmux.is_alive()
    assert "done" in tmux.capture(history=True)
