"""The store's engines translate; store.c words (issue 10: "duplicated
contract messages between the engines: none").

A message a user can read is a string literal with a space in it. No such
literal of the SQLite engine (src/store/sqlite*.c) may appear in the
MongoDB engine (src/store/mongo*.c) too: a message both engines need
belongs in store.c, once. SQL and short keys are not messages.
"""

import glob
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|PRAGMA|DROP|BEGIN|COMMIT)\b", re.I)


def messages(pattern):
    found = {}
    for path in sorted(glob.glob(os.path.join(REPO, "src", "store", pattern))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in LITERAL.finditer(text):
            s = m.group(1)
            if len(s) >= 12 and " " in s.strip() and not SQL.match(s):
                found.setdefault(s, os.path.relpath(path, REPO))
    return found


def test_no_message_is_written_in_both_engines():
    sqlite, mongo = messages("sqlite*.c"), messages("mongo*.c")
    assert sqlite and mongo, "no engine sources found"
    both = sorted(set(sqlite) & set(mongo))
    assert both == [], "\n".join("%r in %s and %s" % (s, sqlite[s], mongo[s]) for s in both)


def test_the_check_sees_a_duplicate(tmp_path, monkeypatch):
    store = tmp_path / "src" / "store"
    store.mkdir(parents=True)
    (store / "sqlite_x.c").write_text('set_cause(c, "the user does not exist");\n')
    (store / "mongo_x.c").write_text('set_cause(c, "the user does not exist");\n')
    monkeypatch.setattr(__import__(__name__), "REPO", str(tmp_path))
    assert set(messages("sqlite*.c")) & set(messages("mongo*.c")) == {"the user does not exist"}
