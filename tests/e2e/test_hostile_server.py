"""
A hostile or broken Gemini server must not be able to drive the user's
terminal (issue 12): every string from the network is neutralised before it
is written to stderr, and to stdout when stdout is a terminal. Checked on
the raw bytes jarvis writes: no ESC, no BEL or other C0 control but \\n and
\\t, no C1 control (U+0080..U+009F, encoded or raw) and no bidi override.
"""
import json
import re

import fake_gemini as fg
from test_oneshot import run_in_pty

EVIL = "\x1b]52;c;aGVsbG8=\x07\x1b]0;pwned\x07\x1b[2J"
C1 = "\u009b31m\u0085\u009d"


def assert_inert(data, where):
    assert b"\x1b" not in data, (where, data)
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data.replace(b"\r\n", b"\n")), \
        (where, data)
    assert not re.search(rb"\xc2[\x80-\x9f]", data), (where, data)
    assert "\u202e".encode() not in data, (where, data)
    data.decode("utf-8")  # valid UTF-8 throughout


def sse(*events):
    return "".join("data: %s\r\n\r\n" % json.dumps(e) for e in events)


def test_error_status_and_message_are_neutralised_on_stderr(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "error", "status": 400, "rpc_status": "INVALID" + EVIL,
                         "message": "bad request " + C1 + EVIL}])
    r = run_jarvis(["-p", "hi", "--no-save"], binary=True)
    assert r.returncode != 0
    assert b"INVALID" in r.stderr and b"bad request" in r.stderr, r.stderr
    assert_inert(r.stderr, "stderr")


def test_finish_reason_and_message_are_neutralised_on_stderr(run_jarvis, fake_gemini):
    body = sse({"candidates": [{"content": {"role": "model", "parts": [{"text": "part"}]},
                                "finishReason": "SAFETY" + EVIL,
                                "finishMessage": "stopped " + C1 + EVIL}],
                "modelVersion": "gemini-2.5-flash"})
    fake_gemini.script([{"kind": "raw", "body": body, "stream": True}])
    r = run_jarvis(["-p", "hi", "--no-save"], binary=True)
    assert b"SAFETY" in r.stderr and b"stopped" in r.stderr, r.stderr
    assert_inert(r.stderr, "stderr")


def test_block_reason_and_message_are_neutralised_on_stderr(run_jarvis, fake_gemini):
    body = sse({"promptFeedback": {"blockReason": "OTHER" + EVIL,
                                   "blockReasonMessage": "blocked " + C1 + EVIL},
                "modelVersion": "gemini-2.5-flash"})
    fake_gemini.script([{"kind": "raw", "body": body, "stream": True}])
    r = run_jarvis(["-p", "hi", "--no-save"], binary=True)
    assert r.returncode != 0
    assert b"OTHER" in r.stderr and b"blocked" in r.stderr, r.stderr
    assert_inert(r.stderr, "stderr")


def test_bidi_override_in_an_answer_is_neutralised_on_a_terminal(jarvis_bin, jarvis_env,
                                                                  fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "file \u202egpj.exe and " + C1 + "\n",
                         "events": 2}])
    code, out, err = run_in_pty(jarvis_bin, jarvis_env, ["-p", "hi", "--no-save"])
    assert code == 0, err
    assert "gpj.exe" in out.decode("utf-8")
    assert_inert(out, "tty")
    assert_inert(err.encode(), "stderr")
