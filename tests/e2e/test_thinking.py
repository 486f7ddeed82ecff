"""End-to-end tests of thinking and of the Gemini connection settings (issue 11).

What it is for: [gemini] thinking and /think reach the request in the form the
model family takes (thinkingLevel for 3.x, thinkingBudget for 2.5), thought
summaries are asked for by default (the fake server, like the API, sends them
only then), stored with the answer, never printed by -p and readable in the
TUI; GOOGLE_GEMINI_BASE_URL works as well as GEMINI_BASE_URL; plain http:// to
another host is refused unless allow_insecure is on.
What it must not do: reach the network (the fake server only; the refused
http:// host is never contacted).
"""

import re
import sqlite3

import pytest

import fake_gemini as fg
from sealer import opened_column
from test_accounts_cli import db_path, signup
from test_oneshot import write_config
from test_oneshot_store import conv_rows
from test_tui import send, start

THINKING = "googleai/streaming-success-thinking-reply-thought-summary.txt"


def thinking_config(fake):
    return fake.api_requests("stream")[-1]["json"]["generationConfig"]["thinkingConfig"]


@pytest.mark.parametrize("value,model,want", [
    ("auto", "gemini-3.5-flash", {"includeThoughts": True}),
    ("high", "gemini-3.5-flash", {"includeThoughts": True, "thinkingLevel": "HIGH"}),
    ("off", "gemini-3.5-flash", {"includeThoughts": False, "thinkingLevel": "MINIMAL"}),
    ("auto", "gemini-2.5-flash", {"includeThoughts": True, "thinkingBudget": -1}),
    ("low", "gemini-2.5-flash", {"includeThoughts": True, "thinkingBudget": 1024}),
    ("off", "gemini-2.5-flash", {"includeThoughts": False, "thinkingBudget": 0}),
    ("4096", "gemini-2.5-pro", {"includeThoughts": True, "thinkingBudget": 4096}),
])
def test_config_thinking_per_model_family(run_jarvis, fake_gemini, jarvis_env, value, model,
                                          want):
    write_config(jarvis_env, "[gemini]\nthinking = %s\n" % value)
    r = run_jarvis(["-p", "why?", "--no-save", "-m", model])
    assert r.returncode == 0, r.stderr
    assert thinking_config(fake_gemini) == want


def test_bad_thinking_value_is_a_config_error(run_jarvis, fake_gemini, jarvis_env):
    write_config(jarvis_env, "[gemini]\nthinking = lots\n")
    r = run_jarvis(["-p", "why?", "--no-save"])
    assert r.returncode == 2
    assert "thinking" in r.stderr and "must be auto, off" in r.stderr, r.stderr
    assert fake_gemini.api_requests("stream") == []


def test_thoughts_are_stored_with_the_answer_never_printed(run_jarvis, fake_gemini, jarvis_env):
    thoughts = fg.fixture_text(THINKING, thoughts=True)
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([THINKING])
    r = run_jarvis(["-p", "why is the sky blue?"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == fg.fixture_text(THINKING) + "\n"
    assert "Exploring Sky Color" not in r.stdout + r.stderr
    con = sqlite3.connect(db_path(jarvis_env))
    (stored,) = con.execute("SELECT thoughts FROM messages WHERE role = 'model'").fetchone()
    con.close()
    assert stored.startswith("jv1:") and "Sky" not in stored  # sealed at rest (issue 12)
    assert opened_column(jarvis_env, "thoughts") == [("user", None), ("model", thoughts)]


def test_thinking_off_asks_for_no_thoughts_and_gets_none(run_jarvis, fake_gemini, jarvis_env):
    write_config(jarvis_env, "[gemini]\nthinking = off\n")
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([THINKING])
    assert run_jarvis(["-p", "why is the sky blue?"]).returncode == 0
    con = sqlite3.connect(db_path(jarvis_env))
    (stored,) = con.execute("SELECT thoughts FROM messages WHERE role = 'model'").fetchone()
    con.close()
    assert not stored


def test_tui_think_command_and_thoughts_view(jarvis_tui, fake_gemini):
    thoughts = fg.fixture_text(THINKING, thoughts=True)
    fake_gemini.script([THINKING, THINKING])
    t = start(jarvis_tui, width=120, height=50)
    send(t, "why is the sky blue?")
    t.wait_for(re.compile(r"▸ thought for \d+ characters"))
    assert thinking_config(fake_gemini) == {"includeThoughts": True}
    assert "Exploring Sky Color" not in t.screen()
    send(t, "/thoughts")
    t.wait_for("thought summaries shown in full")
    t.wait_for("Exploring Sky Color")
    screen = t.screen()
    # the block sits between the answer's header and its text
    answer = fg.fixture_text(THINKING)
    assert screen.index("▾ thoughts") < screen.index("Exploring Sky Color") < \
        screen.index(answer.split()[0] + " " + answer.split()[1])
    send(t, "/think high")
    t.wait_for("thinking: high for this conversation")
    send(t, "and at sunset?")
    fake_gemini.wait_requests(2, "stream")
    assert thinking_config(fake_gemini) == {"includeThoughts": True, "thinkingLevel": "HIGH"}
    # the first answer's thoughts were not sent back as text
    body = fake_gemini.api_requests("stream")[-1]["body"]
    assert thoughts[:30] not in body
    send(t, "/think whatever")
    t.wait_for("/think takes auto, off")


def test_ctrl_t_folds_and_unfolds_while_thoughts_stream(jarvis_tui, fake_gemini):
    """The summary streams into its block, dim, before the answer begins."""
    fake_gemini.script([{"kind": "text", "text": "The answer at last.", "events": 2,
                         "thoughts": "Weighing option alpha. Then option beta.",
                         "thought_events": 4, "delay": 0.6}])
    t = start(jarvis_tui, width=100, height=30)
    send(t, "think first")
    t.wait_for(re.compile(r"▸ thinking for \d+ characters"))
    t.send_keys("C-t")
    t.wait_for("▾ thoughts")
    t.wait_for("Weighing option alpha.")
    t.wait_for("Then option beta.")
    t.wait_for("The answer at last.")
    t.wait_gone("streaming")
    screen = t.screen()
    assert screen.index("Then option beta.") < screen.index("The answer at last.")
    styled = t.capture(escapes=True)
    line = [ln for ln in styled if "Weighing option alpha." in ln][0]
    assert re.search(r"\x1b\[[0-9;]*\b2[;m]", line.split("Weighing")[0]), repr(line)
    t.send_keys("C-t")
    t.wait_gone("Weighing option alpha.")
    t.wait_for(re.compile(r"▸ thought for \d+ characters"))


def test_think_setting_is_kept_with_the_conversation(run_jarvis, jarvis_tui, fake_gemini,
                                                     jarvis_env):
    assert signup(run_jarvis).returncode == 0
    t = start(jarvis_tui, width=100)
    send(t, "/think low")
    t.wait_for("thinking: low for this conversation")
    send(t, "first question")
    t.wait_for("Cheyenne")
    t.wait_gone("streaming")
    t.send_keys("C-d")
    assert t.wait_exit(timeout=15) == 0
    con = sqlite3.connect(db_path(jarvis_env))
    rows = con.execute("SELECT role, thinking FROM messages ORDER BY seq").fetchall()
    con.close()
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    assert rows == [("user", "low"), ("model", None)]
    # -p -C goes on thinking the way the conversation was set
    r = run_jarvis(["-p", "second question", "-C", conv])
    assert r.returncode == 0, r.stderr
    assert thinking_config(fake_gemini) == {"includeThoughts": True, "thinkingLevel": "LOW"}
    # a new conversation starts from the configuration's
    r = run_jarvis(["-p", "elsewhere"])
    assert thinking_config(fake_gemini) == {"includeThoughts": True}


# ---------------------------------------------------------------- the connection

def test_google_gemini_base_url_is_accepted(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "hi", "--no-save"],
                   env={"GEMINI_BASE_URL": None, "GOOGLE_GEMINI_BASE_URL": fake_gemini.url})
    assert r.returncode == 0, r.stderr
    assert len(fake_gemini.api_requests("stream")) == 1


def test_gemini_base_url_wins_over_the_google_name(run_jarvis, fake_gemini):
    r = run_jarvis(["-p", "hi", "--no-save"],
                   env={"GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:1"})
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("url", ["http://example.org", "http://10.1.2.3:8080/",
                                 "http://user@gemini.example.com/v"])
def test_plain_http_to_another_host_is_refused(run_jarvis, fake_gemini, url):
    r = run_jarvis(["-p", "hi", "--no-save"], env={"GEMINI_BASE_URL": url})
    assert r.returncode == 2
    assert "travel in clear" in r.stderr and "allow_insecure" in r.stderr, r.stderr


def test_allow_insecure_lets_plain_http_through(run_jarvis, fake_gemini, jarvis_env):
    """With the switch on, the URL is used (nothing listens there: a network error)."""
    write_config(jarvis_env, "[gemini]\nallow_insecure = on\n")
    r = run_jarvis(["-p", "hi", "--no-save"], env={"GEMINI_BASE_URL": "http://0.0.0.0:1"},
                   timeout=60)
    assert "travel in clear" not in r.stderr
    assert r.returncode == 1, r.stderr


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_plain_http_to_loopback_is_fine(run_jarvis, fake_gemini, host):
    url = fake_gemini.url.replace("127.0.0.1", host)
    r = run_jarvis(["-p", "hi", "--no-save"], env={"GEMINI_BASE_URL": url})
    assert "travel in clear" not in r.stderr
    if host != "[::1]":  # the fake server listens on IPv4 only
        assert r.returncode == 0, r.stderr
