"""Raw access to Jarvis's database, as an operator with full access has it.

What it is for: the tamper and at-rest tests read and change the stored
rows straight in the SQLite file (sqlite3) or in MongoDB (pymongo against
FerretDB), never through Jarvis: the same few operations on both engines,
so each test runs on both.
What it must not do: know anything of how Jarvis seals (sealer.py does
that), or leave a connection open (every call opens and closes its own).
"""

import datetime
import os
import sqlite3
import time

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

    def plant_legacy(self, email, old_hash, title, system, texts, image):
        """The account as Jarvis 0.1 left it (no envelope, a bcrypt hash of the password),
        with one conversation of texts in clear, the first with image (name, mime, size,
        data_uri); the conversation's id."""
        uid = int(self.user_id(email))
        now = int(time.time() * 1000)
        con = sqlite3.connect(self.path, timeout=5)
        try:
            con.execute("UPDATE users SET vault = NULL, password_hash = ? WHERE id = ?",
                        (old_hash, uid))
            cid = con.execute("INSERT INTO conversations (user_id, title, model, system_prompt,"
                              " created_at, updated_at) VALUES (?, ?, 'gemini-3.5-flash', ?, ?,"
                              " ?)", (uid, title, system, now, now)).lastrowid
            for i, text in enumerate(texts):
                mid = con.execute("INSERT INTO messages (conversation_id, user_id, seq, role,"
                                  " text, status, created_at) VALUES (?, ?, ?, ?, ?,"
                                  " 'complete', ?)", (cid, uid, i + 1,
                                                      "model" if i % 2 else "user", text,
                                                      now + i)).lastrowid
                if i == 0:
                    con.execute("INSERT INTO images (message_id, idx, name, mime, size, data_uri)"
                                " VALUES (?, 0, ?, ?, ?, ?)", (mid,) + tuple(image))
            con.commit()
        finally:
            con.close()
        return str(cid)


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

    def plant_legacy(self, email, old_hash, title, system, texts, image):
        """As RawSqlite.plant_legacy, in MongoDB's documents."""
        client, db = self._db()
        try:
            uid = db.users.find_one({"email": email})["_id"]
            db.users.update_one({"_id": uid}, {"$set": {"password_hash": old_hash},
                                               "$unset": {"vault": ""}})
            now = datetime.datetime.now(datetime.timezone.utc)
            cid = bson.ObjectId()
            db.conversations.insert_one({"_id": cid, "user_id": uid, "title": title,
                                         "model": "gemini-3.5-flash", "system_prompt": system,
                                         "created_at": now, "updated_at": now,
                                         "last_seq": len(texts)})
            for i, text in enumerate(texts):
                name, mime, size, uri = image
                imgs = [{"name": name, "mime": mime, "size": size, "data_uri": uri}] if i == 0 \
                    else []
                db.messages.insert_one({"_id": bson.ObjectId(), "conversation_id": cid,
                                        "user_id": uid, "seq": i + 1,
                                        "role": "model" if i % 2 else "user", "text": text,
                                        "status": "complete", "created_at": now,
                                        "images": imgs})
            return str(cid)
        finally:
            client.close()


def for_engine(engine, jarvis_env, request):
    """The raw store of a test parametrised over "sqlite" and "mongodb"."""
    if engine == "sqlite":
        return RawSqlite(jarvis_env)
    return RawMongo(request.getfixturevalue("ferretdb"))
