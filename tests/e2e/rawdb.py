"""Raw access to Jarvis's database, as an operator with full access has it.

What it is for: the tamper and at-rest tests read and change the stored
rows straight in the SQLite file (sqlite3) or in MongoDB (pymongo against
FerretDB), never through Jarvis: the same few operations on both engines,
so each test runs on both.
What it must not do: know anything of how Jarvis seals (sealer.py does
that), or leave a connection open (every call opens and closes its own).
"""

import os
import sqlite3

try:
    import bson
    import pymongo
except ImportError:  # the MongoDB half then fails its tests with this name
    pymongo = None

DATABASE = "jarvis"


class RawSqlite:
    """The embedded store's file."""

    engine = "sqlite"

    def __init__(self, jarvis_env):
        self.path = os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")
        self.args = []

    def _run(self, sql, args=()):
        con = sqlite3.connect(self.path, timeout=5)
        try:
            rows = con.execute(sql, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def user_id(self, email):
        return str(self._run("SELECT id FROM users WHERE email = ?", (email,))[0][0])

    def messages(self, conv_id):
        """The conversation's messages, oldest first, as dicts of their stored fields."""
        rows = self._run("SELECT id, user_id, conversation_id, seq, role, text FROM messages"
                         " WHERE conversation_id = ? ORDER BY seq", (int(conv_id),))
        return [dict(id=str(i), user=str(u), conv=str(c), seq=s, role=r, text=t)
                for i, u, c, s, r, t in rows]

    def set_message(self, msg_id, **fields):
        for name, value in fields.items():
            assert name in ("text", "seq", "role")
            self._run("UPDATE messages SET %s = ? WHERE id = ?" % name, (value, int(msg_id)))

    def copy_message(self, msg, conv_id, user_id, seq):
        """A copy of msg's stored row (its sealed text as it is) in another place."""
        self._run("INSERT INTO messages (conversation_id, user_id, seq, role, text, status,"
                  " created_at) SELECT ?, ?, ?, role, text, status, created_at FROM messages"
                  " WHERE id = ?", (int(conv_id), int(user_id), seq, int(msg["id"])))

    def dump(self):
        """Every byte the store holds: the file, its journal and WAL, and every value."""
        con = sqlite3.connect(self.path, timeout=5)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            out = []
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                for row in con.execute("SELECT * FROM %s" % table):
                    out.append(repr(row).encode())
        finally:
            con.close()
        for suffix in ("", "-wal", "-journal"):
            if os.path.exists(self.path + suffix):
                with open(self.path + suffix, "rb") as f:
                    out.append(f.read())
        return b"\n".join(out)


class RawMongo:
    """A MongoDB (FerretDB) database, through pymongo."""

    engine = "mongodb"

    def __init__(self, uri):
        assert pymongo is not None, "pymongo is needed (make deps installs python3-pymongo)"
        self.uri = uri
        self.args = ["--store", uri]

    def _db(self):
        client = pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=5000)
        return client, client[DATABASE]

    def user_id(self, email):
        client, db = self._db()
        try:
            return str(db.users.find_one({"email": email})["_id"])
        finally:
            client.close()

    def messages(self, conv_id):
        client, db = self._db()
        try:
            docs = db.messages.find({"conversation_id": bson.ObjectId(conv_id)}).sort("seq", 1)
            return [dict(id=str(d["_id"]), user=str(d["user_id"]), conv=str(d["conversation_id"]),
                         seq=d["seq"], role=d["role"], text=d.get("text")) for d in docs]
        finally:
            client.close()

    def set_message(self, msg_id, **fields):
        assert set(fields) <= {"text", "seq", "role"}
        client, db = self._db()
        try:
            r = db.messages.update_one({"_id": bson.ObjectId(msg_id)}, {"$set": fields})
            assert r.matched_count == 1
        finally:
            client.close()

    def copy_message(self, msg, conv_id, user_id, seq):
        client, db = self._db()
        try:
            doc = db.messages.find_one({"_id": bson.ObjectId(msg["id"])})
            doc.update(_id=bson.ObjectId(), conversation_id=bson.ObjectId(conv_id),
                       user_id=bson.ObjectId(user_id), seq=seq)
            db.messages.insert_one(doc)
        finally:
            client.close()

    def dump(self):
        """Every document of every collection of the database, as BSON bytes."""
        client, db = self._db()
        try:
            out = []
            for name in db.list_collection_names():
                for doc in db[name].find():
                    out.append(bson.BSON.encode(doc))
            return b"\n".join(out)
        finally:
            client.close()


def for_engine(engine, jarvis_env, request):
    """The raw store of a test parametrised over "sqlite" and "mongodb"."""
    if engine == "sqlite":
        return RawSqlite(jarvis_env)
    return RawMongo(request.getfixturevalue("ferretdb"))
