"""End-to-end: an account made before sealing (issue 12) is sealed on its
first login with the password after the upgrade, on SQLite and on MongoDB.

What it is for: rows in the old form (no key envelope, a bcrypt hash of
the password itself, conversations and messages in clear, an image) are
sealed when the owner logs in: the raw database then holds none of their
text, the login shows the new recovery code once, and the conversation
still reads back whole (--export, and -p -C sends it as context).
What it must not do: reach the network (the fake server only).
"""

import base64
import crypt
import os

import pytest

import rawdb
from test_accounts_cli import PW, login, signup
from test_oneshot import png_bytes
from test_oneshot_store import conv_rows

TEXTS = ["An old question about otters", "An old answer about otters",
         "A second old question", "A second old answer"]
TITLE = "Otters of long ago"
SYSTEM = "Answer as an old sailor"


@pytest.fixture(params=["sqlite", "mongodb"])
def raw(request, jarvis_env):
    return rawdb.for_engine(request.param, jarvis_env, request)


def old_account(run_jarvis, raw, jarvis_env, png):
    """Ann's account and one conversation as Jarvis 0.1 stored them; its id."""
    assert signup(run_jarvis, extra=raw.args).returncode == 0
    os.unlink(os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "session"))
    old_hash = crypt.crypt(PW, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4))
    assert old_hash.startswith("$2b$04$")
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    return raw.plant_legacy("ann@example.org", old_hash, TITLE, SYSTEM, TEXTS,
                            ("otter-photo.png", "image/png", len(png), uri))


def test_old_data_is_sealed_at_the_first_login(run_jarvis, fake_gemini, raw, jarvis_env):
    png = png_bytes() + os.urandom(300)
    conv = old_account(run_jarvis, raw, jarvis_env, png)
    before = raw.dump()
    assert b"otters" in before and b"old sailor" in before  # the old form, in clear
    r = login(run_jarvis, extra=raw.args)
    assert r.returncode == 0, r.stderr
    assert "recovery code: " in r.stdout and "gone for good" in r.stdout
    dump = raw.dump()
    for s in [b"otters", b"Otters", b"old sailor", b"second old", b"otter-photo",
              base64.b64encode(png), png]:
        assert s not in dump, s[:30]
    md = run_jarvis(["--export", conv] + raw.args).stdout
    assert "tampered" not in md
    for text in TEXTS + [TITLE]:
        assert text in md, (text, md)
    assert "otter-photo.png" in md
    # the old password keeps working, and the conversation goes on with its context
    assert login(run_jarvis, extra=raw.args).returncode == 0
    assert "recovery code" not in login(run_jarvis, extra=raw.args).stdout
    fake_gemini.push({"kind": "text", "text": "Arr."})
    r = run_jarvis(["-p", "And now?", "-C", conv] + raw.args)
    assert r.returncode == 0 and "tampered" not in r.stderr, r.stderr
    body = fake_gemini.api_requests("stream")[-1]["json"]
    sent = [p.get("text", "") for c in body["contents"] for p in c["parts"]]
    assert TEXTS[0] in sent and TEXTS[3] in sent, sent
    assert body["systemInstruction"]["parts"][0]["text"] == SYSTEM
