"""The Files API of the fake Gemini server (fake_gemini.py imports it).

What it is for: answering the resumable upload protocol, file lookups and the
fileData references of generateContent the way generativelanguage.googleapis.com
does (shared/research/peers-ecosystem.md section 2, gemini-api.md section 4):

    POST /upload/v1beta/files
        X-Goog-Upload-Protocol: resumable, X-Goog-Upload-Command: start,
        X-Goog-Upload-Header-Content-Length: N, X-Goog-Upload-Header-Content-Type: T,
        body {"file": {"display_name": ...}}
        -> 200, X-Goog-Upload-URL: <session URL>, X-Goog-Upload-Status: active,
           X-Goog-Upload-Chunk-Granularity: 8388608
    POST <session URL>   X-Goog-Upload-Command: upload | "upload, finalize",
                         X-Goog-Upload-Offset: bytes received so far
        -> a chunk that is not the last must be a multiple of the granularity;
           the last one ("upload, finalize") must bring the total to N;
           the finalize answer is {"file": {...}} with X-Goog-Upload-Status: final
    GET  /v1beta/files/NAME   {"name", "uri", "mimeType", "sizeBytes", "state",
                               "expirationTime", "sha256Hash", ...}
    DELETE /v1beta/files/NAME
    GET  /v1beta/files        {"files": [...]}

A file is PROCESSING for `processing_polls` GETs (default 1) and ACTIVE after;
it expires `ttl` seconds after its upload (the live API: 48 h). An unknown or
expired file is the API's 403 PERMISSION_DENIED "You do not have permission to
access the File NAME or it may not exist.", on GET and in a generateContent
fileData reference alike; a PROCESSING one there is 400 FAILED_PRECONDITION.
`vanish` N: the next N generation requests that name a file find every file
gone, dropped as the request arrives (as when a file expires or is deleted
between the client's look-up and its call): each gets that 403.

Slow mode (`slow`, seconds): upload bodies are read one byte at a time with
that pause after each byte, and the JSON answers of the Files API are written
one byte at a time with the same pause.
What it must not do: keep the bytes of more than the test uploads, or answer
anything but the routes above.
"""

import base64
import hashlib
import re
import threading
import time
import uuid

GRANULARITY = 8 * 1024 * 1024
DEFAULT_TTL = 48 * 3600.0

UPLOAD_START = re.compile(r"^/upload/(v1beta|v1|v1alpha)/files$")
FILE_ROUTE = re.compile(r"^/(v1beta|v1|v1alpha)/(files(?:/[a-z0-9-]+)?)$")


def rfc3339(t):
    """A time as the API writes it: 2026-12-04T20:25:00.123456Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


def classify(method, route, query):
    """The Files API endpoint of a request, or None."""
    if UPLOAD_START.match(route) and method == "POST":
        return "upload" if "upload_id" in query else "upload_start"
    m = FILE_ROUTE.match(route)
    if not m:
        return None
    if m.group(2) == "files":
        return "files" if method == "GET" else None
    return {"GET": "file_get", "DELETE": "file_delete"}.get(method)


class FileStore:
    """Upload sessions and the files they made (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ttl = DEFAULT_TTL
        self.processing_polls = 1
        self.slow = 0.0
        self.enabled = True
        self.vanish = 0
        self.sessions = {}
        self.files = {}

    def configure(self, ttl=None, processing_polls=None, slow=None, enabled=None, vanish=None):
        with self.lock:
            if ttl is not None:
                self.ttl = float(ttl)
            if processing_polls is not None:
                self.processing_polls = int(processing_polls)
            if slow is not None:
                self.slow = float(slow)
            if enabled is not None:
                self.enabled = bool(enabled)
            if vanish is not None:
                self.vanish = int(vanish)

    def reset(self):
        with self.lock:
            self.ttl = DEFAULT_TTL
            self.processing_polls = 1
            self.slow = 0.0
            self.enabled = True
            self.vanish = 0
            self.sessions = {}
            self.files = {}

    def forget(self):
        """Drops every file (the API lost them: each is "missing" from now on)."""
        with self.lock:
            self.files = {}

    def expire(self):
        """Makes every file expired now."""
        with self.lock:
            for f in self.files.values():
                f["expires"] = time.time() - 1

    def listing(self, base):
        with self.lock:
            return [self._public(f, base) for f in self.files.values()]

    # --- the protocol -----------------------------------------------------

    def start(self, headers, body_json, base):
        """(status, extra headers, JSON or None) for an upload start."""
        if headers.get("x-goog-upload-protocol", "").lower() != "resumable" or \
                headers.get("x-goog-upload-command", "").lower() != "start":
            return 400, {}, invalid("Upload protocol must be resumable with command start.")
        try:
            size = int(headers.get("x-goog-upload-header-content-length", ""))
        except ValueError:
            return 400, {}, invalid("Missing X-Goog-Upload-Header-Content-Length.")
        mime = headers.get("x-goog-upload-header-content-type", "")
        if not mime:
            return 400, {}, invalid("Missing X-Goog-Upload-Header-Content-Type.")
        meta = (body_json or {}).get("file") or {}
        display = meta.get("display_name") or meta.get("displayName") or ""
        sid = uuid.uuid4().hex
        with self.lock:
            self.sessions[sid] = {"size": size, "mime": mime, "display": display,
                                  "data": bytearray(), "done": False}
        url = "%s/upload/v1beta/files?upload_id=%s&upload_protocol=resumable" % (base, sid)
        return 200, {"X-Goog-Upload-URL": url, "X-Goog-Upload-Status": "active",
                     "X-Goog-Upload-Chunk-Granularity": str(GRANULARITY)}, None

    def session(self, query):
        with self.lock:
            return self.sessions.get(query.get("upload_id", ""))

    def chunk(self, sess, headers, data, base):
        """(status, extra headers, JSON or None) for an upload command with its bytes."""
        command = [c.strip() for c in headers.get("x-goog-upload-command", "").lower().split(",")]
        try:
            offset = int(headers.get("x-goog-upload-offset", ""))
        except ValueError:
            return 400, {}, invalid("Missing X-Goog-Upload-Offset.")
        if sess["done"]:
            return 400, {}, invalid("The upload session is already finalized.")
        if "upload" not in command:
            return 400, {}, invalid("Unknown upload command %r." % headers.get(
                "x-goog-upload-command"))
        if offset != len(sess["data"]):
            return 400, {"X-Goog-Upload-Status": "active"}, invalid(
                "Invalid offset %d; %d bytes were received." % (offset, len(sess["data"])))
        final = "finalize" in command
        if not final and len(data) % GRANULARITY != 0:
            return 400, {}, invalid("A chunk that is not the last must be a multiple of "
                                    "%d bytes; got %d." % (GRANULARITY, len(data)))
        sess["data"] += data
        if len(sess["data"]) > sess["size"]:
            return 400, {}, invalid("More bytes than X-Goog-Upload-Header-Content-Length.")
        if not final:
            return 200, {"X-Goog-Upload-Status": "active"}, None
        if len(sess["data"]) != sess["size"]:
            return 400, {}, invalid("Finalized at %d of %d bytes." % (len(sess["data"]),
                                                                   sess["size"]))
        sess["done"] = True
        now = time.time()
        name = "files/" + uuid.uuid4().hex[:12]
        f = {"name": name, "display": sess["display"], "mime": sess["mime"],
             "data": bytes(sess["data"]), "created": now, "expires": now + self.ttl,
             "polls": 0}
        with self.lock:
            self.files[name] = f
        return 200, {"X-Goog-Upload-Status": "final"}, {"file": self._public(f, base)}

    def get(self, name, base):
        """(status, JSON) for GET files/NAME."""
        with self.lock:
            f = self._live(name)
            if f is None:
                return 403, missing(name)
            out = self._public(f, base)
            f["polls"] += 1
            return 200, out

    def delete(self, name):
        with self.lock:
            if self._live(name) is None:
                return 403, missing(name)
            del self.files[name]
            return 200, {}

    def check_refs(self, parsed):
        """None when every fileData of a generation request is usable, else (status, JSON)."""
        vanished = False
        for part in parts_of(parsed):
            ref = part.get("fileData") or part.get("file_data")
            if not isinstance(ref, dict):
                continue
            with self.lock:
                if self.vanish > 0 and not vanished:
                    self.vanish -= 1
                    self.files = {}
                vanished = True
            uri = ref.get("fileUri") or ref.get("file_uri") or ""
            m = re.search(r"(files/[a-z0-9-]+)$", uri)
            name = m.group(1) if m else uri
            with self.lock:
                f = self._live(name)
                if f is None:
                    return 403, missing(name)
                if self._state(f) != "ACTIVE":
                    return 400, {"error": {"code": 400, "status": "FAILED_PRECONDITION",
                        "message": "The File %s is not in an ACTIVE state and usage is not "
                                   "allowed." % name.split("/")[-1]}}
            if not (ref.get("mimeType") or ref.get("mime_type")):
                return 400, invalid("fileData.mimeType is required.")
        return None

    # --- inside the lock --------------------------------------------------

    def _live(self, name):
        f = self.files.get(name)
        if f is None or f["expires"] <= time.time():
            return None
        return f

    def _state(self, f):
        return "ACTIVE" if f["polls"] >= self.processing_polls else "PROCESSING"

    def _public(self, f, base):
        return {
            "name": f["name"], "displayName": f["display"], "mimeType": f["mime"],
            "sizeBytes": str(len(f["data"])), "createTime": rfc3339(f["created"]),
            "updateTime": rfc3339(f["created"]), "expirationTime": rfc3339(f["expires"]),
            "sha256Hash": base64.b64encode(hashlib.sha256(f["data"]).hexdigest().encode())
            .decode(),
            "uri": "%s/v1beta/%s" % (base, f["name"]), "state": self._state(f),
            "source": "UPLOADED",
        }


def invalid(message):
    return {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}


def missing(name):
    """The live API's answer for a file that is unknown, deleted or expired."""
    return {"error": {"code": 403, "status": "PERMISSION_DENIED",
        "message": "You do not have permission to access the File %s or it may not exist."
                   % name.split("/")[-1]}}


def parts_of(parsed):
    if not isinstance(parsed, dict):
        return
    for content in parsed.get("contents") or []:
        if isinstance(content, dict):
            for part in content.get("parts") or []:
                if isinstance(part, dict):
                    yield part
