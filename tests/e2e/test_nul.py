"""
NUL bytes (issue 12): a \\u0000 in a streamed text part must not cut the
answer, and a password with a NUL byte is refused instead of being cut.
"""
import json
import os


def test_a_nul_in_a_streamed_part_keeps_the_rest(run_jarvis, fake_gemini):
    event = {"candidates": [{"content": {"role": "model",
                                         "parts": [{"text": "first\u0000second half"}]},
                             "finishReason": "STOP"}],
             "modelVersion": "gemini-2.5-flash"}
    body = "data: %s\r\n\r\n" % json.dumps(event)
    fake_gemini.script([{"kind": "raw", "body": body, "stream": True}])
    r = run_jarvis(["-p", "hi", "--no-save"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "first\ufffdsecond half\n"


def test_a_password_with_a_nul_byte_is_refused(run_jarvis, jarvis_env):
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                   input="good pass\0word\n")
    assert r.returncode == 2, r.stderr
    assert "NUL byte" in r.stderr and "choose one without it" in r.stderr
    state = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "session")
    assert not os.path.exists(state)
    # the part before the NUL is not a password of any account
    r = run_jarvis(["--login", "ann@example.org", "--password-stdin"], input="good pass\n")
    assert r.returncode != 0
