"""End-to-end test of an answer bigger than a message holds (issue 11).

What it is for: an answer past the store's 64 MiB per message was stored cut
and marked complete with no notice; now the stream is stopped at the cap,
the answer is stored marked interrupted, a notice says why, and -p exits 1
as for any incomplete answer.
What it must not do: reach the network (the fake server only).
"""

import sqlite3

from test_accounts_cli import db_path, signup

MIB = 1024 * 1024


def test_oneshot_answer_past_the_cap_is_stored_cut(run_jarvis, fake_gemini, jarvis_env):
    assert signup(run_jarvis).returncode == 0
    fake_gemini.script([{"kind": "synthetic", "content": "longline", "bytes": 66 * MIB,
                         "event_bytes": MIB}])
    r = run_jarvis(["-p", "write a lot"], timeout=240, binary=True)
    assert r.returncode == 1, r.stderr
    stderr = r.stderr.decode() if isinstance(r.stderr, bytes) else r.stderr
    assert "the answer passed 64 MiB, the most one message holds" in stderr
    assert "marked interrupted" in stderr
    # what was printed is what was kept: no more than the cap
    assert 63 * MIB < len(r.stdout) <= 64 * MIB + 1
    con = sqlite3.connect(db_path(jarvis_env))
    rows = con.execute("SELECT role, status, length(text) > ? FROM messages ORDER BY seq",
                       (63 * MIB,)).fetchall()
    con.close()
    # stored whole up to the cap (sealed, so longer than the text), not empty
    assert rows == [("user", "complete", 0), ("model", "interrupted", 1)]


def test_oneshot_json_result_says_incomplete(run_jarvis, fake_gemini):
    fake_gemini.script([{"kind": "synthetic", "content": "longline", "bytes": 65 * MIB,
                         "event_bytes": MIB}])
    r = run_jarvis(["-p", "write a lot", "--no-save", "--output-format", "json"],
                   timeout=240, binary=True)
    assert r.returncode == 1
    assert r.stdout.startswith(b'{"status":"incomplete","text":"'), r.stdout[:80]
    assert b'"error":"the answer passed 64 MiB' in r.stdout[-4096:]
    assert 63 * MIB < len(r.stdout) < 65 * MIB


def test_oneshot_unsaved_text_answer_past_the_cap_stops(run_jarvis, fake_gemini):
    # with nothing to store to, -p keeps only the answer's size: the cap still holds
    fake_gemini.script([{"kind": "synthetic", "content": "longline", "bytes": 65 * MIB,
                         "event_bytes": MIB}])
    r = run_jarvis(["-p", "write a lot", "--no-save"], timeout=240, binary=True)
    assert r.returncode == 1
    stderr = r.stderr.decode() if isinstance(r.stderr, bytes) else r.stderr
    assert "the answer passed 64 MiB, the most one message holds" in stderr
    assert 63 * MIB < len(r.stdout) <= 64 * MIB + 1
