"""End-to-end tests of `jarvis -p` (one shot) against the fake Gemini server.

What it is for: what a user or a script sees from `jarvis -p` as a guest
(--no-save, no login, so nothing is stored): the answer on stdout for every
recorded stream whatever the chunk boundaries, the message on stderr and the
exit code for every way the API or the network can fail, the bytes Jarvis
puts on the wire (URL, headers, body), interrupts, closed pipes, and the
neutralising of escape sequences on a terminal.
What it must not do: reach the network (the fake server and closed loopback
ports only), assert timings tighter than a user would notice, or read any
state outside the per-test HOME.
"""

import base64
import glob
import json
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import time
import zlib

import pytest

import fake_gemini as fg
from conftest import TEST_API_KEY

DEFAULT_MODEL = "gemini-3.5-flash"
STREAM_PATH = "/v1beta/models/%s:streamGenerateContent?alt=sse"
SHORT = "googleai/streaming-success-basic-reply-short.txt"
SHORT_ANSWER = "The capital of Wyoming is **Cheyenne**.\n"


# ---------------------------------------------------------------- helpers

def stream_records():
    """(name, interaction) of every js-genai recording of a streamed call."""
    out = []
    for path in sorted(glob.glob(os.path.join(fg.FIXTURE_DIR, "js-genai-recordings", "*.json"))):
        with open(path, encoding="utf-8") as f:
            rec = json.load(f)
        for i, inter in enumerate(rec["interactions"]):
            req = inter["request"]
            url = req.get("url") or req.get("path") or ""
            if ":streamGenerateContent" in url:
                out.append((os.path.relpath(path, fg.FIXTURE_DIR), i))
    return out


def recorded_streams():
    """Every recorded streamed response, as (fixture name, interaction)."""
    names = []
    for d in ("googleai", "generative-ai-js", "vertexai"):
        for p in sorted(glob.glob(os.path.join(fg.FIXTURE_DIR, d, "streaming-*.txt"))):
            names.append((os.path.relpath(p, fg.FIXTURE_DIR), 0))
    return names + stream_records()


RECORDED = recorded_streams()


def record_status(name, interaction):
    """The HTTP status the fake server answers a fixture with."""
    if name.endswith(".json"):
        return fg.load_record(fg.fixture_path(name), interaction)[0]
    body = fg.fixture_body(name).lstrip()
    if body.startswith(b"{"):
        return json.loads(body)["error"]["code"]
    return 200


def trailing_error(body):
    """A non-data: error object left after the events (a mid-stream error), or None."""
    text = body.decode("utf-8")
    rest = []
    for block in re.split(r"\r\n\r\n|\n\n|\r\r", text):
        lines = [ln for ln in re.split(r"\r\n|\n|\r", block) if ln.strip()]
        if lines and not lines[0].startswith("data:"):
            rest.append(block)
    if not rest:
        return None
    joined = "\n\n".join(rest)
    return json.loads(joined[joined.index("{"):])["error"]


def expected(name, interaction):
    """What a user should see for a fixture: (exit code, stdout, words stderr must hold).

    An empty word list means stderr must be empty; None leaves it unchecked.
    """
    status = record_status(name, interaction)
    body = fg.fixture_body(name, interaction)
    if status != 200:
        err = json.loads(body)["error"]
        return 1, "", [str(err["code"]), err["status"]]
    text = fg.shown_text(fg.fixture_body(name, interaction))
    out = text + ("\n" if text and not text.endswith("\n") else "") + fg.shown_sources(body)
    if not body:
        return 1, "", [r"empty|no answer"]
    events = fg.sse_events(body)
    err = trailing_error(body)
    if err is not None:
        return 1, out, [str(err["code"]), err["status"]]
    block = None
    finish = None
    for ev in events:
        block = (ev.get("promptFeedback") or {}).get("blockReason") or block
        for c in ev.get("candidates") or []:
            finish = c.get("finishReason") or finish
    if block:
        return 1, out, ["blocked", block]
    if finish == "MAX_TOKENS":
        return 0, out, ["cut"]
    if finish is None and text:
        # a body that closed with no finishReason was cut off on the way
        return 1, out, ["incomplete", "no finish reason"]
    if finish not in (None, "STOP"):
        return 1, out, [finish]
    if not text:
        if any(set(part) - {"text", "thought", "thoughtSignature"}
               for ev in events for c in ev.get("candidates") or []
               for part in (c.get("content") or {}).get("parts") or []):
            # only a functionCall (Jarvis declares no tools): nothing to print,
            # not a failure; what stderr says about it is left open
            return 0, "", None
        return 1, out, [r"empty|no answer"]
    return 0, out, []


def assert_stderr(stderr, words):
    if words is None:
        return
    if not words:
        assert stderr == "", stderr
        return
    for w in words:
        assert re.search(w, stderr, re.IGNORECASE), "%r not in stderr: %r" % (w, stderr)


def png_bytes(width=2, height=2):
    """A small valid RGB PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write_config(jarvis_env, text):
    """Writes the user's config.ini (mode 0600) in the test HOME."""
    d = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "config.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


def closed_port():
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def spawn(jarvis_bin, jarvis_env, args, env=None, **kw):
    full = dict(jarvis_env)
    full.update(env or {})
    return subprocess.Popen([jarvis_bin] + list(args), env=full, cwd=full["HOME"],
                            stdin=subprocess.DEVNULL, **kw)


def read_until(fd, want, timeout):
    """Reads fd until `want` bytes arrived or timeout; returns what was read."""
    got = b""
    deadline = time.time() + timeout
    while len(got) < want and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            got += data
    return got


# ---------------------------------------------------------------- recorded streams

@pytest.mark.parametrize("chunk", [0, 1, 7], ids=["whole", "1byte", "7byte"])
@pytest.mark.parametrize("name,interaction", RECORDED,
                         ids=["%s#%d" % (n, i) for n, i in RECORDED])
def test_recorded_stream(run_jarvis, fake_gemini, name, interaction, chunk):
    """Each recording, replayed in any cut, gives its text, message and exit code."""
    code, out, words = expected(name, interaction)
    spec = {"kind": "fixture", "path": name, "interaction": interaction}
    if chunk:
        spec["chunk"] = chunk
    fake_gemini.script([spec])
    r = run_jarvis(["-p", "hello", "--no-save"])
    assert r.stdout == out
    assert r.returncode == code, r.stderr
    assert_stderr(r.stderr, words)
    assert TEST_API_KEY not in r.stdout + r.stderr


def test_expectations_cover_every_outcome():
    """The table above is not vacuous: the recordings hold every kind of ending."""
    codes = [expected(n, i)[0] for n, i in RECORDED]
    words = [" ".join(expected(n, i)[2] or []) for n, i in RECORDED]
    assert len(RECORDED) >= 30
    assert codes.count(0) >= 15 and codes.count(1) >= 8
    for w in ("SAFETY", "RECITATION", "cut", "CANCELLED", "NOT_FOUND", "INVALID_ARGUMENT"):
        assert any(w in x for x in words), w


def test_thoughts_are_not_printed(run_jarvis, fake_gemini):
    name = "googleai/streaming-success-thinking-reply-thought-summary.txt"
    thoughts = fg.fixture_text(name, thoughts=True)
    assert thoughts
    fake_gemini.script([name])
    r = run_jarvis(["-p", "hello", "--no-save"])
    assert r.returncode == 0
    assert thoughts.strip()[:40] not in r.stdout


# ---------------------------------------------------------------- the request

def test_request_line_headers_and_body(run_jarvis, fake_gemini):
    fake_gemini.script([SHORT])
    r = run_jarvis(["-p", "What is the capital of Wyoming?", "--no-save"])
    assert (r.returncode, r.stdout, r.stderr) == (0, SHORT_ANSWER, "")
    (req,) = fake_gemini.api_requests("stream")
    assert req["method"] == "POST"
    assert req["path"] == STREAM_PATH % DEFAULT_MODEL
    h = req["headers"]
    assert h["x-goog-api-key"] == TEST_API_KEY
    assert h["content-type"].split(";")[0].strip() == "application/json"
    # the key appears in that one header and nowhere else
    for k, v in h.items():
        if k != "x-goog-api-key":
            assert TEST_API_KEY not in v, k
    assert TEST_API_KEY not in req["path"]
    assert "key=" not in req["path"]
    assert TEST_API_KEY not in req["body"]
    body = req["json"]
    assert body["contents"][0]["role"] == "user"
    assert body["contents"][0]["parts"] == [{"text": "What is the capital of Wyoming?"}]
    assert len(body["contents"]) == 1
    assert "systemInstruction" not in body and "system_instruction" not in body
    assert "generation_config" not in body
    # thought summaries are asked for by default; nothing else is set
    assert body["generationConfig"] == {"thinkingConfig": {"includeThoughts": True}}


def test_config_adds_system_instruction_and_generation_config(run_jarvis, fake_gemini,
                                                              jarvis_env):
    write_config(jarvis_env, "[gemini]\nsystem_prompt = You are terse.\n"
                 "temperature = 0.25\nmax_output_tokens = 64\n")
    fake_gemini.script([SHORT])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 0, r.stderr
    body = fake_gemini.api_requests("stream")[0]["json"]
    assert body["systemInstruction"]["parts"][0]["text"] == "You are terse."
    assert body["generationConfig"]["temperature"] == pytest.approx(0.25)
    assert body["generationConfig"]["maxOutputTokens"] == 64
    assert body["contents"][0]["parts"][0]["text"] == "hi"


def test_config_with_only_temperature(run_jarvis, fake_gemini, jarvis_env):
    write_config(jarvis_env, "[gemini]\ntemperature = 1.5\n")
    fake_gemini.script([SHORT])
    assert run_jarvis(["-p", "hi", "--no-save"]).returncode == 0
    body = fake_gemini.api_requests("stream")[0]["json"]
    assert body["generationConfig"] == {"temperature": 1.5,
                                        "thinkingConfig": {"includeThoughts": True}}
    assert "systemInstruction" not in body


def test_model_option_env_and_precedence(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "hi", "--no-save", "-m", "gemini-2.5-pro"])
    assert r.returncode == 0, r.stderr
    r = run_jarvis(["-p", "hi", "--no-save"], env={"JARVIS_MODEL": "fake-only-model"})
    assert r.returncode == 0, r.stderr
    r = run_jarvis(["-p", "hi", "--no-save", "--model", "gemini-2.5-flash"],
                   env={"JARVIS_MODEL": "fake-only-model"})
    assert r.returncode == 0, r.stderr
    paths = [q["path"] for q in fake_gemini.api_requests("stream")]
    assert paths == [STREAM_PATH % "gemini-2.5-pro", STREAM_PATH % "fake-only-model",
                     STREAM_PATH % "gemini-2.5-flash"]


def test_attach_png_adds_inline_data(run_jarvis, fake_gemini, jarvis_env):
    data = png_bytes(3, 2)
    path = os.path.join(jarvis_env["HOME"], "red.png")
    with open(path, "wb") as f:
        f.write(data)
    r = run_jarvis(["-p", "what colour is this?", "--no-save", "-a", path])
    assert (r.returncode, r.stdout) == (0, SHORT_ANSWER), r.stderr
    parts = fake_gemini.api_requests("stream")[0]["json"]["contents"][0]["parts"]
    assert parts[0] == {"text": "what colour is this?"}
    (img,) = [p for p in parts if "inlineData" in p]
    assert img["inlineData"]["mimeType"] == "image/png"
    assert base64.b64decode(img["inlineData"]["data"], validate=True) == data


def test_attach_unknown_file_is_refused(run_jarvis, fake_gemini, jarvis_env):
    # text files are taken now (test_attach_kinds.py); bytes of no kind Gemini takes are not
    path = os.path.join(jarvis_env["HOME"], "notes.txt")
    with open(path, "wb") as f:
        f.write(b"\x00\x01\x02\x03 not an image \xff\xfe\n")
    r = run_jarvis(["-p", "hi", "--no-save", "-a", path])
    assert r.returncode == 2
    assert r.stdout == ""
    assert "notes.txt" in r.stderr and re.search(r"png|image", r.stderr, re.I), r.stderr
    assert fake_gemini.api_requests("stream") == []


def test_attach_missing_file(run_jarvis, fake_gemini, jarvis_env):
    r = run_jarvis(["-p", "hi", "--no-save", "-a", "nope.png"])
    assert r.returncode == 2
    assert "nope.png" in r.stderr
    assert fake_gemini.api_requests("stream") == []


def test_prompt_from_stdin(run_jarvis, fake_gemini):
    prompt = "line one\nline two é\n"
    r = run_jarvis(["-p", "-", "--no-save"], input=prompt)
    assert (r.returncode, r.stdout) == (0, SHORT_ANSWER), r.stderr
    text = fake_gemini.api_requests("stream")[0]["json"]["contents"][0]["parts"][0]["text"]
    assert text.strip("\n") == prompt.strip("\n")


def test_empty_prompt_is_a_usage_error(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "-", "--no-save"], input="  \n")
    assert r.returncode == 2
    assert "empty" in r.stderr
    assert fake_gemini.api_requests("stream") == []


def test_missing_api_key(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "hi", "--no-save"], env={"GEMINI_API_KEY": None,
                                                    "GOOGLE_API_KEY": None})
    assert r.returncode == 2
    assert r.stdout == ""
    assert "GEMINI_API_KEY" in r.stderr and "api_key" in r.stderr, r.stderr
    assert fake_gemini.api_requests() == []


def test_google_api_key_is_used_when_gemini_api_key_is_unset(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "hi", "--no-save"], env={"GEMINI_API_KEY": None,
                                                    "GOOGLE_API_KEY": "other-key-9"})
    assert r.returncode == 0, r.stderr
    assert fake_gemini.api_requests("stream")[0]["headers"]["x-goog-api-key"] == "other-key-9"


# ---------------------------------------------------------------- scripted faults

def test_429_with_retry_info_is_retried_after_the_delay(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "429", "retry_delay": "1s"},
                        {"kind": "text", "text": "ok then", "events": 2}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert (r.returncode, r.stdout) == (0, "ok then\n"), r.stderr
    assert re.search(r"retry", r.stderr, re.I) and "429" in r.stderr
    first, second = fake_gemini.api_requests("stream")
    assert 0.95 <= second["time"] - first["time"] < 3.0


def test_429_three_times_gives_up(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "429", "retry_delay": "1s"}] * 3
                       + [{"kind": "text", "text": "too late"}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert r.stdout == ""
    last = r.stderr.strip().splitlines()[-1]
    assert "429" in last and "RESOURCE_EXHAUSTED" in last
    assert "You exceeded your current quota" in last
    assert len(fake_gemini.api_requests("stream")) == 3


def test_daily_429_is_not_retried(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "429", "retry_delay": "1s", "quota": "day"},
                        {"kind": "text", "text": "should not be fetched"}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert r.stdout == ""
    assert "RESOURCE_EXHAUSTED" in r.stderr and re.search(r"daily|day|tomorrow", r.stderr)
    assert len(fake_gemini.api_requests("stream")) == 1


def test_500_then_success_is_retried(run_jarvis, fake_gemini):
    fake_gemini.script(["500", {"kind": "text", "text": "recovered"}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert (r.returncode, r.stdout) == (0, "recovered\n"), r.stderr
    assert "500" in r.stderr and re.search(r"retry", r.stderr, re.I)
    assert len(fake_gemini.api_requests("stream")) == 2


def test_503_three_times_fails(run_jarvis, fake_gemini):
    fake_gemini.script(["503", "503", "503", {"kind": "text", "text": "too late"}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert r.stdout == ""
    last = r.stderr.strip().splitlines()[-1]
    assert "503 UNAVAILABLE" in last
    assert "overloaded" in last
    assert len(fake_gemini.api_requests("stream")) == 3


def test_html_404(run_jarvis, fake_gemini):
    fake_gemini.script(["html404"])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert r.stdout == ""
    assert "404" in r.stderr and "Not Found" in r.stderr
    assert "<" not in r.stderr  # an excerpt, not the page
    assert len(r.stderr) < 400
    assert len(fake_gemini.api_requests("stream")) == 1


def test_unknown_model_404(run_jarvis, fake_gemini):
    fake_gemini.script(["404", {"kind": "text", "text": "must not be fetched"}])
    r = run_jarvis(["-p", "hi", "--no-save", "-m", "gemini-0.9-nope"])
    assert r.returncode == 1
    assert r.stdout == ""
    assert "gemini-0.9-nope" in r.stderr
    assert "--list-models" in r.stderr
    assert "NOT_FOUND" in r.stderr
    assert len(fake_gemini.api_requests("stream")) == 1  # a 404 is not retried


def test_bad_key_400(run_jarvis, fake_gemini):
    fake_gemini.script(["bad_key"])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert r.stdout == ""
    assert "API key not valid. Please pass a valid API key." in r.stderr
    assert "400" in r.stderr and "INVALID_ARGUMENT" in r.stderr
    assert TEST_API_KEY not in r.stderr
    assert len(fake_gemini.api_requests("stream")) == 1


def test_empty_200(run_jarvis, fake_gemini):
    fake_gemini.script(["empty"])
    r = run_jarvis(["-p", "hi", "--no-save"], timeout=20)
    assert r.returncode == 1
    assert r.stdout == ""
    assert re.search(r"empty", r.stderr, re.I), r.stderr


def test_drop_after_some_text_keeps_it(run_jarvis, fake_gemini):
    body, text = fg.synthetic_stream(6, 600)
    fake_gemini.script([{"kind": "drop", "after_events": 2,
                         "source": {"kind": "synthetic", "events": 6, "bytes": 600}},
                        {"kind": "text", "text": "SECOND TRY"}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert "SECOND TRY" not in r.stdout
    assert r.stdout.rstrip("\n") == text[:200]  # two of six events, 100 bytes each
    assert re.search(r"dropped|connection", r.stderr), r.stderr
    assert len(fake_gemini.api_requests("stream")) == 1


def test_midstream_error_keeps_text(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "midstream_error", "events": 2, "error_code": 503,
                         "text": "partial answer "}, {"kind": "text", "text": "again"}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 1
    assert r.stdout == "partial answer \n"
    assert "UNAVAILABLE" in r.stderr
    assert len(fake_gemini.api_requests("stream")) == 1


def test_connection_refused(run_jarvis):
    port = closed_port()
    t0 = time.time()
    r = run_jarvis(["-p", "hi", "--no-save"],
                   env={"GEMINI_BASE_URL": "http://127.0.0.1:%d" % port})
    assert r.returncode == 1
    assert r.stdout == ""
    assert "cannot connect" in r.stderr
    assert "127.0.0.1:%d" % port in r.stderr
    assert time.time() - t0 < 15


def test_stall_gives_up_within_the_timeout(run_jarvis, fake_gemini, jarvis_env):
    """[gemini] timeout = 2: a server that sends nothing more costs about 2 s, not more."""
    write_config(jarvis_env, "[gemini]\ntimeout = 2\n")
    fake_gemini.set_default({"kind": "stall", "after_bytes": 0,
                             "source": {"kind": "text", "text": "never"}})
    t0 = time.time()
    r = run_jarvis(["-p", "hi", "--no-save"], timeout=30)
    took = time.time() - t0
    assert r.returncode == 1
    assert r.stdout == ""
    assert re.search(r"timeout|timed out|within|stalled", r.stderr), r.stderr
    assert took < 4.0, "took %.1f s with timeout = 2 (%d requests)\n%s" % (
        took, len(fake_gemini.api_requests("stream")), r.stderr)


def test_sigint_during_slow_drip(jarvis_bin, jarvis_env, fake_gemini):
    text = "word " * 400
    fake_gemini.script([{"kind": "drip", "interval": 0.01,
                         "source": {"kind": "text", "text": text, "events": 100}}])
    p = spawn(jarvis_bin, jarvis_env, ["-p", "hi", "--no-save"],
              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        got = read_until(p.stdout.fileno(), 20, 15)
        assert len(got) >= 20, "no text arrived"
        p.send_signal(signal.SIGINT)
        rest, err = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    out = (got + rest).decode()
    assert p.returncode == 130, err
    assert out.rstrip("\n") and text.startswith(out.rstrip("\n"))
    assert len(out) < len(text)
    assert "interrupt" in err.decode()


def test_stdout_closed_early_does_not_hang(jarvis_bin, jarvis_env, fake_gemini):
    fake_gemini.script([{"kind": "synthetic", "events": 400, "bytes": 400000}])
    env = dict(jarvis_env)
    p = subprocess.run("'%s' -p hi --no-save | head -c 10" % jarvis_bin, shell=True,
                       env=env, cwd=env["HOME"], capture_output=True, timeout=20,
                       stdin=subprocess.DEVNULL)
    assert len(p.stdout) == 10


def test_stdout_closed_early_exits(jarvis_bin, jarvis_env, fake_gemini):
    fake_gemini.script([{"kind": "synthetic", "events": 400, "bytes": 400000}])
    p = spawn(jarvis_bin, jarvis_env, ["-p", "hi", "--no-save"],
              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert len(read_until(p.stdout.fileno(), 10, 10)) >= 10
        p.stdout.close()
        p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
            pytest.fail("jarvis kept running after its stdout was closed")


def run_in_pty(jarvis_bin, jarvis_env, args, timeout=15):
    """Runs jarvis with stdout on a pseudo-terminal; returns (code, tty bytes, stderr)."""
    master, slave = pty.openpty()
    try:
        p = spawn(jarvis_bin, jarvis_env, args, stdout=slave, stderr=subprocess.PIPE)
        os.close(slave)
        slave = -1
        out = b""
        deadline = time.time() + timeout
        while time.time() < deadline:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    break
                out += data
            elif p.poll() is not None:
                break
        p.wait(timeout=5)
        return p.returncode, out, p.stderr.read().decode()
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)


def test_escape_sequences_are_neutralised_on_a_terminal(jarvis_bin, jarvis_env, fake_gemini):
    evil = "before\x1b[2J\x1b]52;c;aGVsbG8=\x07middle\x1b[31mred\x9b1Aafter\n"
    fake_gemini.script([{"kind": "text", "text": evil, "events": 3}])
    code, out, err = run_in_pty(jarvis_bin, jarvis_env, ["-p", "hi", "--no-save"])
    assert code == 0, err
    assert b"\x1b" not in out
    assert b"\x07" not in out
    assert "\u009b".encode() not in out
    shown = out.decode("utf-8")
    assert "\u241b" in shown  # a visible ␛ where each ESC was
    for word in ("before", "middle", "red", "after"):
        assert word in shown


def test_escape_sequences_pass_through_to_a_pipe(run_jarvis, fake_gemini):
    text = "a\x1b[2Jb\n"
    fake_gemini.script([{"kind": "text", "text": text}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert (r.returncode, r.stdout) == (0, text)


def test_answer_on_a_terminal_is_intact(jarvis_bin, jarvis_env, fake_gemini):
    name = "generative-ai-js/streaming-success-utf8.txt"
    fake_gemini.script([{"kind": "fixture", "path": name, "chunk": 1}])
    code, out, err = run_in_pty(jarvis_bin, jarvis_env, ["-p", "hi", "--no-save"])
    assert code == 0, err
    want = fg.fixture_text(name)
    # the terminal turns \n into \r\n
    assert out.decode("utf-8").replace("\r\n", "\n").rstrip("\n") == want.rstrip("\n")


# ---------------------------------------------------------------- --list-models

def test_list_models_merges_the_servers(run_jarvis, fake_gemini):
    r = run_jarvis(["--list-models"])
    assert r.returncode == 0, r.stderr
    ids = [ln.split()[0] for ln in r.stdout.splitlines()[1:] if ln.strip()]
    assert "fake-only-model" in ids          # only the server has it
    assert "gemini-3.5-flash" in ids         # built in (and on the server)
    assert "gemini-3.8-flash" in ids         # built in only
    assert "text-embedding-004" not in ids   # no generateContent
    assert "gemini-embedding-001" not in ids
    assert len(ids) == len(set(ids))
    (req,) = fake_gemini.api_requests("models")
    assert req["headers"]["x-goog-api-key"] == TEST_API_KEY
    assert TEST_API_KEY not in req["path"]


def test_list_models_without_a_server(run_jarvis):
    r = run_jarvis(["--list-models"])
    # the built-in list is still shown; exit 1 tells a script the API was not reached
    assert r.returncode in (0, 1)
    ids = [ln.split()[0] for ln in r.stdout.splitlines()[1:] if ln.strip()]
    assert "gemini-3.5-flash" in ids
    assert "fake-only-model" not in ids
    assert r.stderr  # says the server could not be reached


def test_a_full_disk_is_an_error_a_closed_pipe_is_not(jarvis_bin, jarvis_env, fake_gemini):
    fake_gemini.set_default({"kind": "synthetic", "events": 400, "bytes": 1 << 20})
    with open("/dev/full", "wb") as full:
        r = subprocess.run([jarvis_bin, "-p", "hi", "--no-save"], env=jarvis_env,
                           stdout=full, stderr=subprocess.PIPE, timeout=30)
    assert r.returncode == 1
    assert b"cannot write the answer: No space left on device" in r.stderr
    # A reader that stops early (| head) ends the stream quietly with 0.
    p = subprocess.Popen([jarvis_bin, "-p", "hi", "--no-save"], env=jarvis_env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert len(p.stdout.read(20)) == 20
    p.stdout.close()
    assert p.wait(timeout=30) == 0
    assert p.stderr.read() == b""


def test_images_count_toward_max_message_bytes(run_jarvis, fake_gemini, jarvis_env):
    data = png_bytes(3, 2)
    path = os.path.join(jarvis_env["HOME"], "red.png")
    with open(path, "wb") as f:
        f.write(data)
    config = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis", "config.ini")
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w") as f:
        f.write("[limits]\nmax_message_bytes = 100\n")
    os.chmod(config, 0o600)
    r = run_jarvis(["-p", "hi", "--no-save", "-a", path, "-a", path])
    assert r.returncode == 2
    assert "over the 100 of [limits] max_message_bytes" in r.stderr
    assert fake_gemini.api_requests("stream") == []
