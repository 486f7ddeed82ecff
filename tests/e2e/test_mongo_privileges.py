"""End-to-end: what Jarvis asks of MongoDB fits the least-privilege role of
the man page (SECURITY): find, insert, update and remove on its own
collections, nothing else.

What it is for: a whole session of a user (signup, a wrong and a right
login, -p twice, a continued conversation, --convs, --export, --logout)
against FerretDB logging every request; each command must be one those
four actions allow (or one any authenticated user may run), on one of
the collections the man page names. createIndexes is let through: it is
what the first open of a database does, and Jarvis goes on without it
when the role refuses it.
FerretDB v1.24 has no createRole (CommandNotFound), so the role itself
cannot be tried here; this checks the command set the role must cover.
What it must not do: reach the network (fake Gemini, FerretDB on loopback).
"""

import os
import re

import pytest

import ferretdb as fdb
from test_accounts_cli import PW, login, signup
from test_oneshot_store import conv_rows

pytestmark = pytest.mark.mongo

# The collections the role in man/jarvis.1 names.
COLLECTIONS = {"users", "conversations", "messages", "sessions", "usage", "login_failures"}
# Command -> the privilege actions that allow it (MongoDB's "Privilege Actions").
BY_ACTION = {
    "find": {"find"}, "getMore": {"find"}, "killCursors": {"find"}, "count": {"find"},
    "insert": {"insert"}, "update": {"update"}, "delete": {"remove"},
    "findAndModify": {"find", "update"},
}
# Run by the driver, allowed to any authenticated user.
ANYONE = {"hello", "helloOk", "isMaster", "ismaster", "ping", "buildInfo", "saslStart", "saslContinue",
          "endSessions", "getLastError"}
FIRST_KEY = re.compile(r'"Document": \{\s*"(\w+)": ("([^"]*)"|[^,}]*)')


def requests(db):
    with open(os.path.join(db.tmpdir, "ferretdb.log"), encoding="utf-8",
              errors="replace") as f:
        log = f.read()
    for block in log.split("Request message:")[1:]:
        m = FIRST_KEY.search(block)
        assert m, block[:400]
        yield m.group(1), m.group(3)


@pytest.fixture
def logged_ferretdb():
    db = fdb.FerretDB(log_level="debug")
    try:
        db.start()
    except fdb.FerretDBNotFound as e:
        db.stop()
        pytest.skip(str(e))
    try:
        yield db
    finally:
        db.stop()


def test_a_session_needs_only_find_insert_update_remove(run_jarvis, fake_gemini,
                                                         logged_ferretdb):
    store = ["--store", logged_ferretdb.uri]
    assert signup(run_jarvis, extra=store).returncode == 0
    assert run_jarvis(["--logout"] + store).returncode == 0
    assert login(run_jarvis, pw="not the password", extra=store).returncode == 4
    assert login(run_jarvis, extra=store).returncode == 0
    assert run_jarvis(["-p", "First question"] + store).returncode == 0
    (row,) = conv_rows(run_jarvis(["--convs"] + store).stdout)
    assert run_jarvis(["-p", "Second question", "-C", row[0]] + store).returncode == 0
    r = run_jarvis(["--export", row[0]] + store)
    assert r.returncode == 0 and "Second question" in r.stdout, r.stderr
    assert run_jarvis(["--logout"] + store).returncode == 0

    seen = set()
    for cmd, target in requests(logged_ferretdb):
        seen.add(cmd)
        if cmd in ANYONE or cmd == "createIndexes":
            continue
        assert cmd in BY_ACTION, "Jarvis sent %r, which the role does not allow" % cmd
        assert target in COLLECTIONS, "%s on %r, a collection the role does not name" % (
            cmd, target)
    # the session did reach the store through those commands
    assert {"insert", "find", "update", "findAndModify"} <= seen, seen
