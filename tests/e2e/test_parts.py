"""End-to-end tests of the model's raw parts (issue 11).

What it is for: a thoughtSignature is sent back exactly as received in the
next turn (in the TUI and, through the store, with -p -C), thoughts are not;
code execution is shown as a fenced code block plus its output and outcome;
an image the model returns is named in the answer and replayed.
What it must not do: reach the network (the fake server only).
"""

import re

import fake_gemini as fg
from test_accounts_cli import signup
from test_oneshot_store import conv_rows
from test_tui import send, start

SIGNED = "googleai/streaming-success-thinking-function-call-thought-summary-signature.txt"
CODE = "googleai/streaming-success-code-execution.txt"
SIG = "Q2lJQlZLaGM3dkIrdmFhcTZyQS9LQzc5VHM3aVhhZ0lPQTRF"


def fixture_signatures(name):
    return [p["thoughtSignature"] for ev in fg.sse_events(fg.fixture_body(name))
            for c in ev.get("candidates") or []
            for p in (c.get("content") or {}).get("parts") or [] if "thoughtSignature" in p]


def model_turns(body):
    return [c for c in body["contents"] if c["role"] == "model"]


def test_tui_replays_the_signature_exactly(jarvis_tui, fake_gemini):
    fake_gemini.script([{"kind": "text", "text": "First answer.", "events": 2,
                         "thoughts": "Pondering.", "signature": SIG}])
    t = start(jarvis_tui, width=100)
    send(t, "first?")
    t.wait_for("First answer.")
    t.wait_gone("streaming")
    send(t, "second?")
    (_, second) = fake_gemini.wait_requests(2, "stream")
    (turn,) = model_turns(second["json"])
    # the plain text before the signed part is merged; the signed part is as sent
    sent = [e["candidates"][0]["content"]["parts"][0]
            for e in fg.synthetic_events("First answer.", 2, signature=SIG)]
    assert sent[-1]["thoughtSignature"] == SIG
    assert turn["parts"] == [{"text": sent[0]["text"]}, sent[1]], turn
    assert "Pondering" not in second["body"]


def test_stored_signature_goes_back_with_C(run_jarvis, fake_gemini):
    sigs = fixture_signatures(SIGNED)
    assert len(sigs) == 1
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([SIGNED])
    r = run_jarvis(["-p", "days until new year?"])
    assert r.returncode == 0, r.stderr
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    r = run_jarvis(["-p", "and now?", "-C", conv])
    assert r.returncode == 0, r.stderr
    second = fake_gemini.api_requests("stream")[-1]
    (turn,) = model_turns(second["json"])
    assert [p.get("thoughtSignature") for p in turn["parts"]] == sigs
    assert turn["parts"][0]["functionCall"]["name"] == "now"
    assert "Calculating the Days" not in second["body"]  # the thoughts stay home


def test_code_execution_is_shown_fenced_with_output_and_outcome(run_jarvis, fake_gemini):
    fake_gemini.script([CODE])
    r = run_jarvis(["-p", "sum of the first 5 primes?", "--no-save"])
    assert r.returncode == 0, r.stderr
    assert "```python\nprime_numbers = [2, 3, 5, 7, 11]\n" in r.stdout
    assert re.search(r"Output \(OUTCOME_OK\):\n\n```\nThe sum of the first 5 prime numbers "
                     r"is: 28\n```", r.stdout), r.stdout
    assert r.stdout.rstrip().endswith("The sum of the first 5 prime numbers is 28.")


def test_code_execution_in_the_tui_and_replayed_as_parts(jarvis_tui, fake_gemini):
    fake_gemini.script([CODE])
    t = start(jarvis_tui, width=100, height=40)
    send(t, "sum of the first 5 primes?")
    t.wait_for("Output (OUTCOME_OK)")
    t.wait_for("prime_numbers = [2, 3, 5, 7, 11]")
    t.wait_gone("streaming")
    send(t, "thanks")
    (_, second) = fake_gemini.wait_requests(2, "stream")
    (turn,) = model_turns(second["json"])
    kinds = [next(iter(set(p) - {"thoughtSignature"})) for p in turn["parts"]]
    assert kinds == ["text", "executableCode", "codeExecutionResult", "text"], kinds
    assert turn["parts"][2]["codeExecutionResult"]["outcome"] == "OUTCOME_OK"


def test_an_image_from_the_model_is_named_and_replayed(run_jarvis, fake_gemini):
    png = "iVBORw0KGgo" + "A" * 4000
    fake_gemini.script([{"kind": "parts", "events": [
        [{"text": "Here is a cat:"}], [{"inlineData": {"mimeType": "image/png", "data": png}}]]}])
    assert signup(run_jarvis).returncode == 0
    r = run_jarvis(["-p", "draw a cat"])
    assert r.returncode == 0, r.stderr
    assert "[image from the model: image/png, 3 KiB]" in r.stdout
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    assert run_jarvis(["-p", "bigger", "-C", conv]).returncode == 0
    (turn,) = model_turns(fake_gemini.api_requests("stream")[-1]["json"])
    assert turn["parts"] == [{"text": "Here is a cat:"},
                             {"inlineData": {"mimeType": "image/png", "data": png}}]
