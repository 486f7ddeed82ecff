"""The tests' own sealer: what Jarvis stores sealed, opened and made here.

What it is for: a test that reads the raw database checks the stored
values are sealed and opens them to the exact text the user saw, and a
test that plants rows seals them as Jarvis does, so they read back. It
is written from the scheme documented in include/jarvis/vault.h and
src/auth/vault.c (libsodium through ctypes, no Jarvis code): the data key
from the session file's "key" line; a value is "jv1:" + base64(nonce +
XChaCha20-Poly1305 ciphertext) whose associated data is its place,
NUL-terminated parts "jarvis/1", kind, user, conversation, seq, role,
field, image index.
What it must not do: share code with the binary (a bug in one must not
hide in the other), or accept a value that does not open.
"""

import base64
import ctypes
import ctypes.util
import os
import sqlite3

_sodium = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
if _sodium.sodium_init() < 0:
    raise RuntimeError("libsodium could not be initialised")

NONCE = 24
TAG = 16
PREFIX = "jv1:"


class NotOpened(Exception):
    """The value is not sealed for that place with that key."""


def session_key(jarvis_env):
    """The data key the last login left in the session file (bytes)."""
    path = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "session")
    with open(path) as f:
        for line in f:
            if line.startswith("key "):
                return base64.b64decode(line[4:].strip())
    raise AssertionError("the session file holds no data key")


def place(kind, user, conv, seq=0, role=None, field=None, index=0):
    """The associated data of a place, as vault.c's place_ad spells it."""
    parts = ["jarvis/1", kind, str(user), "" if conv is None else str(conv), str(seq),
             role or "", field or "", str(index)]
    return b"".join(p.encode() + b"\0" for p in parts)


def msg_place(user, conv, seq, role, field, index=0):
    return place("msg", user, conv, seq, role, field, index)


def conv_place(user, conv, field):
    return place("conv", user, conv, 0, None, field, 0)


def seal(key, ad, text):
    """text (str or bytes) sealed for ad with key: the stored form."""
    data = text.encode() if isinstance(text, str) else text
    if not data:
        return ""
    nonce = os.urandom(NONCE)
    out = ctypes.create_string_buffer(len(data) + TAG)
    outlen = ctypes.c_ulonglong(0)
    rc = _sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        out, ctypes.byref(outlen), data, ctypes.c_ulonglong(len(data)), ad,
        ctypes.c_ulonglong(len(ad)), None, nonce, key)
    assert rc == 0
    return PREFIX + base64.b64encode(nonce + out.raw[:outlen.value]).decode()


def open_value(key, ad, stored):
    """The plain text (str) of a stored value; NotOpened when it does not open."""
    if stored is None or stored == "":
        return stored
    if not stored.startswith(PREFIX):
        raise NotOpened("not sealed: %r" % stored[:40])
    raw = base64.b64decode(stored[len(PREFIX):])
    if len(raw) < NONCE + TAG:
        raise NotOpened("too short")
    nonce, c = raw[:NONCE], raw[NONCE:]
    out = ctypes.create_string_buffer(len(c))
    outlen = ctypes.c_ulonglong(0)
    rc = _sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        out, ctypes.byref(outlen), None, c, ctypes.c_ulonglong(len(c)), ad,
        ctypes.c_ulonglong(len(ad)), nonce, key)
    if rc != 0:
        raise NotOpened("does not open for that place")
    return out.raw[:outlen.value].decode()


def db_path(jarvis_env):
    return os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")


def opened_column(jarvis_env, field, key=None):
    """One sealed column of every stored message as (role, opened value), oldest first."""
    assert field in ("text", "thoughts", "parts", "grounding")
    key = key or session_key(jarvis_env)
    con = sqlite3.connect(db_path(jarvis_env), timeout=5)
    try:
        rows = con.execute("SELECT user_id, conversation_id, seq, role, %s FROM messages"
                           " ORDER BY conversation_id, seq" % field).fetchall()
    finally:
        con.close()
    return [(role, open_value(key, msg_place(u, c, seq, role, field), v))
            for u, c, seq, role, v in rows]


def opened_messages(jarvis_env, key=None):
    """Every stored message of the SQLite file as (role, text, status), oldest first,
    its text opened with the session's key (each must be sealed, or empty)."""
    key = key or session_key(jarvis_env)
    con = sqlite3.connect(db_path(jarvis_env), timeout=5)
    try:
        rows = con.execute("SELECT user_id, conversation_id, seq, role, text, status"
                           " FROM messages ORDER BY conversation_id, seq").fetchall()
    finally:
        con.close()
    return [(role, open_value(key, msg_place(u, c, seq, role, "text"), text), status)
            for u, c, seq, role, text, status in rows]


def opened_convs(jarvis_env, key=None):
    """Every stored conversation of the SQLite file as (title, system_prompt), opened."""
    key = key or session_key(jarvis_env)
    con = sqlite3.connect(db_path(jarvis_env), timeout=5)
    try:
        rows = con.execute("SELECT id, user_id, title, system_prompt FROM conversations"
                           " ORDER BY id").fetchall()
    finally:
        con.close()
    return [(open_value(key, conv_place(u, c, "title"), t),
             open_value(key, conv_place(u, c, "system_prompt"), s)) for c, u, t, s in rows]
