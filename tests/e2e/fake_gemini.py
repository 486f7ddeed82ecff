#!/usr/bin/env python3
"""A fake Gemini API server for end-to-end tests and benchmarks.

What it is for: answering Jarvis (or any Gemini client) on 127.0.0.1 the way
generativelanguage.googleapis.com does (shared/research/gemini-api.md sections
1, 3, 4), with recorded responses (tests/fixtures/gemini/), synthetic streams
of any size, and scripted faults, while recording every request it receives.
What it must not do: reach the network (it only listens on loopback and never
opens an outbound connection), or keep running after stop().

Routes (any model id):
    POST /v1beta/models/{model}:streamGenerateContent?alt=sse   endpoint "stream"
    POST /v1beta/models/{model}:generateContent                 endpoint "generate"
    POST /v1beta/models/{model}:countTokens                     endpoint "count"
    GET  /v1beta/models[?pageSize=N&pageToken=T]                endpoint "models"
    GET  /v1beta/models/{model}                                 endpoint "model"
    (v1 and v1alpha are accepted as well as v1beta.)

Files API (fake_files.py says how strict): POST /upload/v1beta/files (resumable
start, then upload / "upload, finalize" on the returned X-Goog-Upload-URL),
GET and DELETE /v1beta/files/NAME, GET /v1beta/files; endpoints "upload_start",
"upload", "file_get", "file_delete", "files". A generation request whose
fileData names an unknown or expired file gets the API's 403 PERMISSION_DENIED.

Control (same port):
    GET  /_fake/health            {"ok": true}
    GET  /_fake/requests[?since=N] the recorded requests (JSON list)
    POST /_fake/script            body: a list of specs; replaces the queue
    POST /_fake/push              body: a spec or a list; appended to the queue
    POST /_fake/default           body: a spec; the default for "stream"
                                  (or {"endpoint": E, "spec": SPEC})
    POST /_fake/config            body: {"chunk", "delay", "transfer", "require_key",
                                         "max_request_bytes"}
    POST /_fake/reset             empties the queue and the request log, restores defaults
    GET  /_fake/files             the uploaded files, as GET /v1beta/files lists them
    POST /_fake/files/config      body: {"ttl": seconds, "processing_polls": N,
                                         "slow": seconds per byte, "enabled": bool,
                                         "vanish": N generation requests that find
                                         every file gone}
    POST /_fake/files/forget      drops every file (each is then "missing")
    POST /_fake/files/expire      makes every file expired now

A *spec* says what to answer. It is a dict (JSON-friendly) or a string
shorthand. Each API request takes the first queued spec whose "endpoint"
matches it (default "generation" = stream or generate; also "stream",
"generate", "count", "models", "model", "any"); with none queued it gets the
endpoint's default. Kinds:

    {"kind": "fixture", "path": "googleai/streaming-success-basic-reply-short.txt",
     "interaction": 0, "status": 200}
        .txt: raw SSE body; js-genai-recordings/*.json: replay record (its
        status, bodySegments as "data: <compact json>\\r\\n\\r\\n", or a
        pretty-printed body for non-SSE responses); other .json: a unary body
        (application/json); .html: text/html. Paths are relative to
        tests/fixtures/gemini/ unless absolute.
    {"kind": "synthetic", "events": 4000, "bytes": 1048576, "unicode": false,
     "finish": "STOP", "model": "gemini-2.5-flash", "text": null}
        N events whose text parts add up to exactly M bytes of markdown-ish
        text (or the given "text" split in N events). On "generate" it is one
        unary response with the whole text.
        "content": "prose" | "code" | "table" | "longline" | "codeline" picks
        the kind of text (one fenced code block, one table, one line without
        spaces, one fenced code block of one such line);
        "event_bytes": K sends it in events of K bytes of text instead.
    {"kind": "text", "text": "Hello", "events": 1}    same as synthetic with text
    {"kind": "429", "retry_delay": "2s", "quota": "minute"|"day"|null}
    {"kind": "500"}  {"kind": "503"}  {"kind": "404"} (unknown model)
    {"kind": "bad_key"}  (400 API_KEY_INVALID)
    {"kind": "error", "status": 499, "rpc_status": "CANCELLED", "message": "...",
     "details": [...]}
    {"kind": "html404"}   Google's HTML 404 page
    {"kind": "empty"}     200, Content-Length: 0
    {"kind": "midstream_error", "events": 2, "error_code": 503}
        some data: events, then a raw pretty-printed error JSON, then close
    {"kind": "drop", "after_bytes": K | "after_events": K, "source": SPEC}
        the source stream, cut off after K bytes / K events (no chunk terminator)
    {"kind": "drip", "interval": D, "source": SPEC}   one byte every D seconds
    {"kind": "stall", "after_bytes": K, "source": SPEC}
        K bytes, then nothing until the client hangs up or the server stops
    {"kind": "raw", "status": 200, "content_type": "...", "body": "..."}
    {"kind": "models", "models": [...]}   a models list (endpoint "models")
    {"kind": "parts", "events": [[PART, ...], ...], "finish": "STOP"}
        one event per list, each a candidate with exactly these parts (code
        execution, inline images, signatures, thoughts, ...)

Synthetic and text specs may also carry "thoughts" (a thought summary sent
as thought parts before the answer, in "thought_events" events) and
"signature" (a thoughtSignature on the last answer part, as Gemini 3 does).

Strict like the live API (shared/research/gemini-api.md §2):
    - a generation or countTokens request whose body is over 20 MiB
      (max_request_bytes, 20971520) gets the API's 400 INVALID_ARGUMENT
      "Request payload size exceeds the limit: 20971520 bytes." and takes
      nothing from the queue;
    - thought parts ("thought": true) are sent only when the request asks
      for them with generationConfig.thinkingConfig.includeThoughts = true
      (camelCase or snake_case); otherwise they are left out of fixtures
      and synthetic answers alike (events that held only thoughts vanish,
      a signature on a thought part stays on an empty text part).
Every recorded request also has "size" (body bytes) and "include_thoughts";
with FAKE_GEMINI_SIZE_LOG=FILE set, each size is also appended to FILE
(bytes, endpoint, test), so a whole run can say the largest body it sent.

Every spec may also carry: "chunk" (bytes per write, 0 = one SSE event per
write), "delay" (seconds between writes), "transfer" ("chunked" or "close"),
"headers" (extra response headers), "drop_after_bytes", "drop_after_events",
"stall_after_bytes", "endpoint".

String shorthands: "429", "429-day", "500", "503", "404", "bad_key",
"html404", "empty", "drop", "drip", "stall", "midstream_error", and any
fixture path ("googleai/streaming-success-basic-reply-long.txt").

Program use:
    python3 tests/e2e/fake_gemini.py --port 0 --fixture PATH --chunk N --delay S
    python3 tests/e2e/fake_gemini.py --port 0 --content table --synthetic-bytes 65536 \
        --event-bytes 262 --pace-ms 17
prints "listening on http://127.0.0.1:PORT" and serves until SIGINT/SIGTERM.
"""

import argparse
import base64
import copy
import json
import os
import re
import select
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_files  # noqa: E402  (the Files API, beside this file)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_DIR = os.path.normpath(os.path.join(HERE, "..", "fixtures", "gemini"))

DEFAULT_STREAM = "googleai/streaming-success-basic-reply-short.txt"
DEFAULT_GENERATE = "googleai/unary-success-basic-reply-short.json"
# The answer texts of the two defaults (streaming, unary).
DEFAULT_ANSWER = "The capital of Wyoming is **Cheyenne**.\n"
DEFAULT_UNARY_ANSWER = ("Google's headquarters, also known as the Googleplex, is located in "
                        "**Mountain View, California**.\n")

# The live API's request size limit (the message of its 400 names it in bytes).
MAX_REQUEST_BYTES = 20 * 1024 * 1024

SSE_TYPE = "text/event-stream"
JSON_TYPE = "application/json; charset=UTF-8"
HTML_TYPE = "text/html; charset=UTF-8"

DEFAULT_MODELS = [
    {
        "name": "models/gemini-3.5-flash",
        "baseModelId": "gemini-3.5-flash",
        "version": "3.5",
        "displayName": "Gemini 3.5 Flash",
        "description": "Fast multimodal model (fake server).",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
        "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64,
        "thinking": True,
    },
    {
        "name": "models/gemini-2.5-flash",
        "baseModelId": "gemini-2.5-flash",
        "version": "001",
        "displayName": "Gemini 2.5 Flash",
        "description": "Stable version of Gemini 2.5 Flash (fake server).",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": ["generateContent", "countTokens",
            "createCachedContent", "batchGenerateContent"],
        "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64,
        "thinking": True,
    },
    {
        "name": "models/gemini-2.5-pro",
        "baseModelId": "gemini-2.5-pro",
        "version": "2.5",
        "displayName": "Gemini 2.5 Pro",
        "description": "Stable release of Gemini 2.5 Pro (fake server).",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
        "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64,
        "thinking": True,
    },
    {
        "name": "models/gemini-2.5-flash-lite",
        "baseModelId": "gemini-2.5-flash-lite",
        "version": "001",
        "displayName": "Gemini 2.5 Flash-Lite",
        "description": "Smallest and cheapest Gemini 2.5 model (fake server).",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
        "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64,
        "thinking": True,
    },
    {
        "name": "models/fake-only-model",
        "baseModelId": "fake-only-model",
        "version": "001",
        "displayName": "Fake Only Model",
        "description": "A model that exists only on the fake server.",
        "inputTokenLimit": 32768,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
    },
    {
        "name": "models/text-embedding-004",
        "version": "004",
        "displayName": "Text Embedding 004",
        "description": "Obtain a distributed representation of a text. Not a chat model.",
        "inputTokenLimit": 2048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": ["embedContent"],
    },
    {
        "name": "models/gemini-embedding-001",
        "version": "001",
        "displayName": "Gemini Embedding 001",
        "description": "Obtain a distributed representation of a text.",
        "inputTokenLimit": 2048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": ["embedContent", "countTextTokens", "countTokens"],
    },
]

SHORTHANDS = {
    "429": {"kind": "429", "retry_delay": "2s", "quota": "minute"},
    "429-day": {"kind": "429", "retry_delay": "2s", "quota": "day"},
    "500": {"kind": "500"},
    "503": {"kind": "503"},
    "404": {"kind": "404"},
    "bad_key": {"kind": "bad_key"},
    "html404": {"kind": "html404"},
    "empty": {"kind": "empty"},
    "drop": {"kind": "drop", "after_events": 2,
        "source": {"kind": "synthetic", "events": 6, "bytes": 600}},
    "drip": {"kind": "drip", "interval": 0.05},
    "stall": {"kind": "stall", "after_events": 1,
        "source": {"kind": "synthetic", "events": 4, "bytes": 400}},
    "midstream_error": {"kind": "midstream_error", "events": 2, "error_code": 503},
}


# ---------------------------------------------------------------- helpers

def fixture_path(name):
    """The absolute path of a fixture given relative to tests/fixtures/gemini."""
    if os.path.isabs(name):
        return name
    p = os.path.join(FIXTURE_DIR, name)
    if os.path.exists(p):
        return p
    if os.path.exists(name):
        return os.path.abspath(name)
    raise FileNotFoundError("no such fixture: %s (looked in %s)" % (name, FIXTURE_DIR))


def compact_json(obj):
    """JSON on one line, the way the live API prints a data: event."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def pretty_json(obj):
    """JSON the way the API prints error bodies: 2-space indent, final newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def load_record(path, interaction=0):
    """(status, content_type, body bytes) of one js-genai replay record interaction."""
    with open(path, "rb") as f:
        rec = json.load(f)
    inter = rec["interactions"][interaction]["response"]
    status = inter["statusCode"]
    hdrs = {k.lower(): v for k, v in inter.get("headers", {}).items()}
    ctype = hdrs.get("content-type", SSE_TYPE)
    segs = inter.get("bodySegments", [])
    if hdrs.get("content-length") == "0" or not segs:
        return status, ctype, b""
    if status == 200 and ctype.startswith(SSE_TYPE):
        body = "".join("data: " + compact_json(s) + "\r\n\r\n" for s in segs)
    else:
        body = "".join(pretty_json(s) for s in segs)
    return status, ctype, body.encode("utf-8")


def fixture_body(name, interaction=0):
    """The exact bytes the server sends for a fixture (replay records rebuilt)."""
    path = fixture_path(name)
    if "js-genai-recordings" in path and path.endswith(".json"):
        return load_record(path, interaction)[2]
    with open(path, "rb") as f:
        return f.read()


def sse_events(body):
    """The JSON objects of the data: events of an SSE body (bytes or str)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    out = []
    for block in re.split(r"\r\n\r\n|\n\n|\r\r", body):
        for line in re.split(r"\r\n|\n|\r", block):
            if line.startswith("data:"):
                out.append(json.loads(line[5:].strip()))
    return out


def answer_text(body, thoughts=False):
    """The answer text a client should show for an SSE or unary body.

    Concatenates candidates[0].content.parts[*].text of every event, leaving
    out thought parts unless thoughts is true.
    """
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    stripped = body.lstrip()
    if stripped.startswith("{"):
        events = [json.loads(stripped)]
    else:
        events = sse_events(body)
    out = []
    for ev in events:
        cands = ev.get("candidates") or []
        if not cands:
            continue
        for part in (cands[0].get("content") or {}).get("parts") or []:
            if "text" in part and bool(part.get("thought")) == thoughts:
                out.append(part["text"])
    return "".join(out)


def _rendered_part(part, so_far):
    """How Jarvis shows a part that is not text (code, its result, an image)."""
    nl = "\n" if so_far and not so_far.endswith("\n") else ""
    if "executableCode" in part:
        code = part["executableCode"].get("code", "")
        end = "\n" if code and not code.endswith("\n") else ""
        return "%s\n```%s\n%s%s```\n\n" % (nl, part["executableCode"].get("language", "").lower(),
                                         code, end)
    if "codeExecutionResult" in part:
        out = part["codeExecutionResult"].get("output", "")
        end = "\n" if out and not out.endswith("\n") else ""
        return "%sOutput (%s):\n\n```\n%s%s```\n\n" % (
            nl, part["codeExecutionResult"].get("outcome", "no outcome"), out, end)
    if "inlineData" in part:
        size = len(part["inlineData"].get("data", "")) // 4 * 3
        return "%s\n[image from the model: %s, %d KiB]\n\n" % (
            nl, part["inlineData"].get("mimeType", "unknown type"), (size + 1023) // 1024)
    return ""


def shown_text(body):
    """The answer as Jarvis shows it: text parts, code execution and images rendered."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    stripped = body.lstrip()
    events = [json.loads(stripped)] if stripped.startswith("{") else sse_events(body)
    out = ""
    for ev in events:
        for cand in (ev.get("candidates") or [])[:1]:
            for part in (cand.get("content") or {}).get("parts") or []:
                if part.get("thought") is True:
                    continue
                if isinstance(part.get("text"), str):
                    out += part["text"]
                else:
                    out += _rendered_part(part, out)
    return out


def grounding_of(body):
    """(sources [(title, uri)], queries, urls [(url, status)]) of an SSE body, last wins."""
    sources, queries, urls = [], [], []
    for ev in sse_events(body) if body.lstrip()[:1] not in (b"{", "{") else []:
        for cand in (ev.get("candidates") or [])[:1]:
            gm = cand.get("groundingMetadata")
            if isinstance(gm, dict):
                if "groundingChunks" in gm:
                    sources = []
                    for c in gm["groundingChunks"]:
                        w = c.get("web") or c.get("retrievedContext") or {}
                        uri = w.get("uri")
                        sources.append((w.get("title") or uri or "untitled", uri or ""))
                if "webSearchQueries" in gm:
                    queries = [q for q in gm["webSearchQueries"] if isinstance(q, str)]
            ucm = cand.get("urlContextMetadata")
            if isinstance(ucm, dict) and "urlMetadata" in ucm:
                urls = [(u["retrievedUrl"], u.get("urlRetrievalStatus", ""))
                        for u in ucm["urlMetadata"] if "retrievedUrl" in u]
    return sources, queries, urls


def shown_sources(body):
    """The plain lines -p writes after a grounded answer (empty when there are none)."""
    sources, queries, urls = grounding_of(body)
    if not (sources or queries or urls):
        return ""
    out = "\n"
    if sources:
        out += "Sources:\n" + "".join("[%d] %s%s\n" % (i + 1, t, " (%s)" % u if u else "")
                                     for i, (t, u) in enumerate(sources)) + "\n"
    if queries:
        out += "Searched for: " + "; ".join(queries) + "\n\n"
    for url, st in urls:
        ok = st == "URL_RETRIEVAL_STATUS_SUCCESS"
        out += ("Fetched: %s\n" % url) if ok else ("Not fetched: %s (%s)\n" % (url, st or "no status"))
    if urls:
        out += "\n"
    return out.rstrip("\n") + "\n"


def fixture_text(name, interaction=0, thoughts=False):
    """The answer text of a fixture (what Jarvis should print for it)."""
    return answer_text(fixture_body(name, interaction), thoughts)


_WORDS = ("the quick brown fox jumps over lazy dogs while streaming tokens "
    "arrive in small pieces and every terminal client must wrap them "
    "correctly without losing a single byte of the answer").split()
_UNI = ["é", "ß", "日本", "語", "Ω", "→", "—", "😀", "ﬁ", "ç"]


def synthetic_text(total_bytes, unicode=False, seed=0):
    """Deterministic markdown-ish text of exactly total_bytes UTF-8 bytes."""
    parts = []
    size = 0
    i = seed
    line_no = 0

    def add(s):
        nonlocal size
        parts.append(s)
        size += len(s.encode("utf-8"))

    while size < total_bytes:
        kind = line_no % 12
        if kind == 0:
            add("## Section %d\n\n" % (line_no // 12 + 1))
        elif kind in (4, 5, 6):
            add("- item %d: **%s** %s\n" % (line_no, _WORDS[i % len(_WORDS)],
                _WORDS[(i + 3) % len(_WORDS)]))
        elif kind == 7:
            add("\n```c\nint x%d = %d;\n```\n\n" % (line_no, line_no))
        else:
            words = []
            for k in range(14):
                w = _WORDS[(i + k * 7) % len(_WORDS)]
                if unicode and k % 5 == 2:
                    w += _UNI[(i + k) % len(_UNI)]
                if k == 3:
                    w = "`" + w + "`"
                words.append(w)
            add(" ".join(words).capitalize() + ".\n\n" if kind in (3, 11)
                else " ".join(words).capitalize() + ". ")
        i += 1
        line_no += 1
    text = "".join(parts)
    data = text.encode("utf-8")
    if len(data) == total_bytes:
        return text
    # cut at a character boundary, then pad with ASCII to the exact size
    cut = data[:total_bytes].decode("utf-8", errors="ignore")
    return cut + "." * (total_bytes - len(cut.encode("utf-8")))


def content_text(kind, total_bytes, unicode=False, seed=0):
    """Deterministic text of one content kind, exactly total_bytes UTF-8 bytes.

    prose: synthetic_text's markdown; code: one fenced code block;
    table: one markdown table of five columns; longline: one line without
    a space (the worst case for a word wrapper); codeline: that line as the
    only line of a fenced code block (minified code: one row that never
    wraps and keeps growing)."""
    if kind in (None, "prose"):
        return synthetic_text(total_bytes, unicode, seed)
    if kind == "code":
        head, tail = "```c\n", "\n```\n"
        line = lambda n: "    total%d += weight[%d] * sample(%d); /* step %d */\n" % (
            n % 97, n % 13, n, n)
    elif kind == "table":
        head = "| id | name | kind | weight | note |\n|---:|---|---|---:|---|\n"
        tail = "\n"
        line = lambda n: "| %d | %s | %s | %d.%02d | %s %s |\n" % (n,
            _WORDS[n % len(_WORDS)], _WORDS[(n * 7) % len(_WORDS)], n % 1000, n % 100,
            _WORDS[(n * 3) % len(_WORDS)], _WORDS[(n * 5) % len(_WORDS)])
    elif kind in ("longline", "codeline"):
        head, tail = ("", "\n") if kind == "longline" else ("```\n", "\n```\n")
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        line = lambda n: alphabet[n % len(alphabet)]
    else:
        raise ValueError("unknown content kind %r" % kind)
    body, size, n = [], len(head) + len(tail), seed
    while True:
        piece = line(n)
        if size + len(piece) > total_bytes:
            break
        body.append(piece)
        size += len(piece)
        n += 1
    text = "".join(body)
    pad = " " * (total_bytes - size)
    if text.endswith("\n"):
        text = text[:-1] + pad + "\n"
    else:
        text += pad
    return head + text + tail


def split_text(text, n):
    """Split text into n pieces of about equal UTF-8 size at character boundaries."""
    n = max(1, n)
    data = text.encode("utf-8")
    total = len(data)
    pieces = []
    start = 0
    for k in range(1, n + 1):
        end = total * k // n
        while 0 < end < total and (data[end] & 0xC0) == 0x80:
            end += 1
        end = max(end, start)
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    return pieces


def synthetic_events(text, events, model="gemini-2.5-flash", finish="STOP",
        response_id="fakeResponseId0001", prompt_tokens=8, thoughts=None,
        thought_events=2, signature=None):
    """GenerateContentResponse dicts whose text parts add up to text.

    thoughts (a string) comes first as thought parts in thought_events
    events; signature goes on the last answer part as thoughtSignature.
    """
    pieces = split_text(text, events)
    out = []
    if thoughts:
        for piece in split_text(thoughts, thought_events):
            cand = {"content": {"parts": [{"text": piece, "thought": True}],
                "role": "model"}, "index": 0}
            out.append({"candidates": [cand], "usageMetadata": {
                "promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens,
                "thoughtsTokenCount": max(1, len(thoughts) // 4)},
                "modelVersion": model, "responseId": response_id})
    done = 0
    for k, piece in enumerate(pieces):
        done += len(piece.encode("utf-8"))
        cand = {"content": {"parts": [{"text": piece}], "role": "model"}, "index": 0}
        last = k == len(pieces) - 1
        usage = {"promptTokenCount": prompt_tokens,
            "totalTokenCount": prompt_tokens + done // 4}
        if last:
            if finish:
                cand["finishReason"] = finish
            usage = {"promptTokenCount": prompt_tokens,
                "candidatesTokenCount": max(1, done // 4),
                "totalTokenCount": prompt_tokens + max(1, done // 4),
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt_tokens}]}
        if last and signature:
            cand["content"]["parts"][0]["thoughtSignature"] = signature
        out.append({"candidates": [cand], "usageMetadata": usage,
            "modelVersion": model, "responseId": response_id})
    return out


def parts_events(event_parts, model="gemini-2.5-flash", finish="STOP",
        response_id="fakeResponseId0002", prompt_tokens=8):
    """One event per list of parts; the last carries the finish reason."""
    out = []
    for k, parts in enumerate(event_parts):
        cand = {"content": {"parts": copy.deepcopy(parts), "role": "model"}, "index": 0}
        if k == len(event_parts) - 1 and finish:
            cand["finishReason"] = finish
        out.append({"candidates": [cand], "usageMetadata": {
            "promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens + 4 * (k + 1)},
            "modelVersion": model, "responseId": response_id})
    return out


def wants_thoughts(request):
    """Whether a request body (parsed JSON) asks for thought summaries."""
    if not isinstance(request, dict):
        return False
    gc = request.get("generationConfig", request.get("generation_config")) or {}
    tc = gc.get("thinkingConfig", gc.get("thinking_config")) if isinstance(gc, dict) else None
    if not isinstance(tc, dict):
        return False
    return tc.get("includeThoughts", tc.get("include_thoughts")) is True


def _strip_event(ev):
    """ev without thought parts; None when nothing but thoughts was in it."""
    cands = ev.get("candidates")
    if not isinstance(cands, list):
        return ev
    had_thought = False
    keep_event = bool(ev.get("promptFeedback"))
    for cand in cands:
        content = cand.get("content") if isinstance(cand, dict) else None
        parts = content.get("parts") if isinstance(content, dict) else None
        if not isinstance(parts, list):
            keep_event = True
            continue
        kept = []
        for part in parts:
            if isinstance(part, dict) and part.get("thought") is True:
                had_thought = True
                if part.get("thoughtSignature"):
                    kept.append({"text": "", "thoughtSignature": part["thoughtSignature"]})
                continue
            kept.append(part)
        content["parts"] = kept
        if kept or set(cand) - {"content", "index"}:
            keep_event = True
    if had_thought and not keep_event:
        return None
    return ev


def strip_thoughts(body, sse=True):
    """body (bytes) with thought parts left out, other events byte for byte."""
    if b'"thought"' not in body:
        return body
    if not sse:
        try:
            obj = json.loads(body)
        except ValueError:
            return body
        obj = _strip_event(obj) or {"candidates": []}
        return pretty_json(obj).encode("utf-8")
    out = []
    pos = 0
    for m in re.finditer(rb"\r\n\r\n|\n\n|\r\r", body):
        out.append(body[pos:m.end()])
        pos = m.end()
    if pos < len(body):
        out.append(body[pos:])
    kept = []
    for block in out:
        stripped = block.strip()
        if not stripped.startswith(b"data:") or b'"thought"' not in block:
            kept.append(block)
            continue
        sep = block[len(block.rstrip(b"\r\n")):]
        try:
            ev = json.loads(stripped[5:].strip())
        except ValueError:
            kept.append(block)
            continue
        ev = _strip_event(ev)
        if ev is not None:
            kept.append(b"data: " + json.dumps(ev, ensure_ascii=False,
                separators=(",", ": ")).encode("utf-8") + sep)
    return b"".join(kept)


def body_too_large(limit=MAX_REQUEST_BYTES):
    """The live API's 400 for a request body over its size limit."""
    return error_body(400, "INVALID_ARGUMENT",
        "Request payload size exceeds the limit: %d bytes." % limit)


def sse_body(events_list, sep="\r\n\r\n"):
    """An SSE body (bytes) made of data: events in the live API's spacing."""
    return "".join("data: " + json.dumps(e, ensure_ascii=False, separators=(",", ": ")) + sep
        for e in events_list).encode("utf-8")


def synthetic_stream(events=4, total_bytes=400, unicode=False, text=None,
        model="gemini-2.5-flash", finish="STOP"):
    """(SSE body bytes, answer text) of a synthetic stream."""
    if text is None:
        text = synthetic_text(total_bytes, unicode)
    return sse_body(synthetic_events(text, events, model, finish)), text


def error_body(code, status, message, details=None):
    """A Google RPC error body (pretty-printed bytes)."""
    err = {"code": code, "message": message, "status": status}
    if details:
        err["details"] = details
    return pretty_json({"error": err}).encode("utf-8")


def body_429(retry_delay="2s", quota="minute", model="gemini-2.5-flash"):
    """The free-tier 429 body with QuotaFailure, Help and RetryInfo."""
    details = []
    if quota:
        if quota == "day":
            qid = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
        elif quota == "minute":
            qid = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
        else:
            qid = quota
        details.append({
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [{
                "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                "quotaId": qid,
                "quotaDimensions": {"location": "global", "model": model},
                "quotaValue": "10" if quota != "day" else "250",
            }],
        })
    details.append({"@type": "type.googleapis.com/google.rpc.Help",
        "links": [{"description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]})
    if retry_delay:
        details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": retry_delay})
    msg = ("You exceeded your current quota, please check your plan and billing details. "
        "For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.")
    return error_body(429, "RESOURCE_EXHAUSTED", msg, details)


def body_bad_key():
    """The 400 API_KEY_INVALID body."""
    return error_body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"}},
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
            "message": "API key not valid. Please pass a valid API key."},
    ])


def body_404(model):
    """The 404 NOT_FOUND body for an unknown model."""
    msg = ("models/%s is not found for API version v1beta, or is not supported for "
        "generateContent. Call ListModels to see the list of available models and their "
        "supported methods." % model)
    return error_body(404, "NOT_FOUND", msg, [
        {"@type": "type.googleapis.com/google.rpc.DebugInfo",
            "detail": "[ORIGINAL ERROR] generic::not_found: " + msg}])


ERRORS = {
    "500": (500, "INTERNAL", "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting"),
    "503": (503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
}


def normalize(spec):
    """A spec as a dict (string shorthands and fixture paths expanded)."""
    if spec is None:
        return None
    if isinstance(spec, str):
        if spec in SHORTHANDS:
            return copy.deepcopy(SHORTHANDS[spec])
        if "/" in spec or spec.endswith((".txt", ".json", ".html")):
            return {"kind": "fixture", "path": spec}
        raise ValueError("unknown response spec %r" % spec)
    if not isinstance(spec, dict) or "kind" not in spec:
        raise ValueError("a response spec needs a 'kind': %r" % (spec,))
    return dict(spec)


# ---------------------------------------------------------------- responses

class Response:
    """What one request gets: status, headers, body and how to send it."""

    def __init__(self, status, ctype, body, stream=False):
        self.status = status
        self.ctype = ctype
        self.body = body
        self.stream = stream          # no Content-Length, paced writes
        self.headers = {}
        self.chunk = None
        self.delay = None
        self.transfer = None
        self.drop_at = None           # bytes of body after which to cut the connection
        self.stall_at = None          # bytes of body after which to hang
        self.event_ends = None        # byte offsets where SSE events end


def event_ends(body):
    """Byte offsets just after each SSE event separator."""
    ends = []
    for m in re.finditer(rb"\r\n\r\n|\n\n|\r\r", body):
        ends.append(m.end())
    if not ends or ends[-1] != len(body):
        ends.append(len(body))
    return ends


def build(spec, endpoint, model, thoughts=True):
    """The Response for a normalized spec answering endpoint for model.

    thoughts false leaves thought parts out (the request did not ask for them).
    """
    kind = spec["kind"]
    on_stream = endpoint == "stream"
    err_type = SSE_TYPE if on_stream else JSON_TYPE
    if kind == "fixture":
        path = fixture_path(spec["path"])
        if "js-genai-recordings" in path and path.endswith(".json"):
            status, ctype, body = load_record(path, spec.get("interaction", 0))
            sse = status == 200 and bool(body) and ctype.startswith(SSE_TYPE)
            if status == 200 and not thoughts:
                body = strip_thoughts(body, sse)
            r = Response(status, ctype, body, stream=sse)
        else:
            with open(path, "rb") as f:
                body = f.read()
            if path.endswith(".html"):
                r = Response(404, HTML_TYPE, body)
            elif path.endswith(".json"):
                try:
                    code = json.loads(body).get("error", {}).get("code", 200)
                except (ValueError, AttributeError):
                    code = 200
                if code == 200 and not thoughts:
                    body = strip_thoughts(body, sse=False)
                r = Response(code, err_type if code != 200 else JSON_TYPE, body)
            else:
                stripped = body.lstrip()
                if stripped.startswith(b"{"):
                    # an error body recorded from the streaming endpoint
                    code = json.loads(body).get("error", {}).get("code", 400)
                    r = Response(code, SSE_TYPE, body)
                else:
                    if not thoughts:
                        body = strip_thoughts(body)
                    r = Response(200, SSE_TYPE, body, stream=True)
        if "status" in spec:
            r.status = spec["status"]
    elif kind in ("synthetic", "text"):
        text = spec.get("text")
        if text is None:
            text = content_text(spec.get("content"), spec.get("bytes", 400),
                spec.get("unicode", False), spec.get("seed", 0))
        name = spec.get("model", model or "gemini-2.5-flash")
        extra = {"thoughts": spec.get("thoughts") if thoughts else None,
            "thought_events": spec.get("thought_events", 2),
            "signature": spec.get("signature")}
        events = spec.get("events", 4 if kind == "synthetic" else 1)
        if spec.get("event_bytes"):
            size = len(text.encode("utf-8"))
            events = max(1, -(-size // spec["event_bytes"]))
        evs = synthetic_events(text, events, name, spec.get("finish", "STOP"), **extra)
        if endpoint == "generate":
            extra["thought_events"] = 1
            whole = synthetic_events(text, 1, name, spec.get("finish", "STOP"), **extra)
            merged = whole[-1]
            if len(whole) > 1:
                merged["candidates"][0]["content"]["parts"][:0] = \
                    whole[0]["candidates"][0]["content"]["parts"]
            r = Response(200, JSON_TYPE, pretty_json(merged).encode("utf-8"))
        else:
            r = Response(200, SSE_TYPE, sse_body(evs), stream=True)
    elif kind == "parts":
        evs = parts_events(spec.get("events", []), spec.get("model", model or "gemini-2.5-flash"),
            spec.get("finish", "STOP"))
        body = sse_body(evs)
        if not thoughts:
            body = strip_thoughts(body)
        r = Response(200, SSE_TYPE, body, stream=True)
    elif kind == "429":
        r = Response(429, err_type, body_429(spec.get("retry_delay", "2s"),
            spec.get("quota", "minute"), model or "gemini-2.5-flash"))
    elif kind in ERRORS:
        code, status, msg = ERRORS[kind]
        r = Response(code, err_type, error_body(code, status, spec.get("message", msg)))
    elif kind == "404":
        r = Response(404, err_type, body_404(spec.get("model", model or "unknown")))
    elif kind == "bad_key":
        r = Response(400, err_type, body_bad_key())
    elif kind == "error":
        code = spec.get("status", 500)
        r = Response(code, err_type, error_body(code, spec.get("rpc_status", "INTERNAL"),
            spec.get("message", "fake error"), spec.get("details")))
    elif kind == "html404":
        with open(fixture_path("vertexai/unary-failure-invalid-location-url-not-found.html"), "rb") as f:
            r = Response(404, HTML_TYPE, f.read())
    elif kind == "empty":
        r = Response(200, SSE_TYPE if on_stream else JSON_TYPE, b"")
    elif kind == "midstream_error":
        n = spec.get("events", 2)
        code = spec.get("error_code", 503)
        status = spec.get("rpc_status", {499: "CANCELLED", 500: "INTERNAL",
            503: "UNAVAILABLE"}.get(code, "UNAVAILABLE"))
        msg = spec.get("message", "This model is currently experiencing high demand. "
            "Spikes in demand are usually temporary. Please try again later.")
        text = spec.get("text") or synthetic_text(spec.get("bytes", 60 * n))
        evs = synthetic_events(text, n, model or "gemini-2.5-flash", finish=None)
        r = Response(200, SSE_TYPE, sse_body(evs) + error_body(code, status, msg), stream=True)
    elif kind in ("drop", "drip", "stall"):
        src = normalize(spec.get("source")) or {"kind": "fixture", "path": DEFAULT_STREAM}
        r = build(src, endpoint, model, thoughts)
        r.stream = True
        if kind == "drip":
            r.chunk = spec.get("chunk", 1)
            r.delay = spec.get("interval", 0.05)
        at = None
        if "after_bytes" in spec:
            at = spec["after_bytes"]
        elif "after_events" in spec:
            ends = event_ends(r.body)
            k = spec["after_events"]
            at = ends[k - 1] if 0 < k <= len(ends) else 0
        if kind == "drop":
            r.drop_at = at if at is not None else len(r.body) // 2
        elif kind == "stall":
            r.stall_at = at if at is not None else 0
    elif kind == "raw":
        body = spec.get("body", "")
        if spec.get("body_base64") is not None:
            body = base64.b64decode(spec["body_base64"])
        elif isinstance(body, str):
            body = body.encode("utf-8")
        r = Response(spec.get("status", 200), spec.get("content_type", SSE_TYPE), body,
            stream=spec.get("stream", False))
    elif kind == "models":
        r = Response(200, JSON_TYPE, pretty_json({"models": spec.get("models", DEFAULT_MODELS)})
            .encode("utf-8"))
    else:
        raise ValueError("unknown response kind %r" % kind)
    # modifiers any spec may carry
    for key, attr in (("chunk", "chunk"), ("delay", "delay"), ("transfer", "transfer")):
        if key in spec and not (kind == "drip" and key == "chunk"):
            setattr(r, attr, spec[key])
    if "drop_after_bytes" in spec:
        r.drop_at = spec["drop_after_bytes"]
        r.stream = True
    if "drop_after_events" in spec:
        ends = event_ends(r.body)
        k = spec["drop_after_events"]
        r.drop_at = ends[k - 1] if 0 < k <= len(ends) else 0
        r.stream = True
    if "stall_after_bytes" in spec:
        r.stall_at = spec["stall_after_bytes"]
        r.stream = True
    r.headers.update(spec.get("headers", {}))
    return r


# ---------------------------------------------------------------- server

ROUTE = re.compile(r"^/(v1beta|v1|v1alpha)/models(?:/([^/:?]+))?(?::([A-Za-z]+))?$")


def classify(method, route):
    """(endpoint, model) of an API path, or (None, None)."""
    m = ROUTE.match(route)
    if not m:
        return None, None
    model, action = m.group(2), m.group(3)
    if model is None:
        return ("models", None) if method == "GET" else (None, None)
    if action is None:
        return ("model", model) if method == "GET" else (None, model)
    if method != "POST":
        return None, model
    return {"streamGenerateContent": "stream", "generateContent": "generate",
        "countTokens": "count"}.get(action), model


def endpoint_matches(want, endpoint):
    """Whether a spec's "endpoint" field accepts this request's endpoint."""
    want = want or "generation"
    if want == "any":
        return True
    if want == "generation":
        return endpoint in ("stream", "generate")
    return want == endpoint


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scaffolding on HTTPServer2"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.fake.verbose:
            sys.stderr.write("fake_gemini: " + (fmt % args) + "\n")

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")

    def _handle(self, method):
        fake = self.server.fake
        received = time.time()
        url = urllib.parse.urlsplit(self.path)
        route = url.path
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        files_endpoint = fake_files.classify(method, route, query)
        if files_endpoint is not None:
            return self._files(fake, files_endpoint, method, route, query, headers, received)
        body = self._read_body()
        if route.startswith("/_fake/"):
            return self._control(method, route, query, body)
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        endpoint, model = classify(method, route)
        rec = {
            "index": None, "method": method, "path": self.path, "route": route,
            "query": query, "headers": headers,
            "body": body.decode("utf-8", errors="replace"), "json": parsed,
            "time": received, "endpoint": endpoint, "model": model,
            "response": None, "status": None, "bytes_sent": 0,
            "client_closed": False, "finished": None,
            "size": len(body), "include_thoughts": wants_thoughts(parsed),
        }
        fake._record(rec)
        if endpoint in ("stream", "generate", "count") and len(body) > fake.max_request_bytes:
            # refused before any answer is chosen, as the API does
            resp = Response(400, SSE_TYPE if endpoint == "stream" else JSON_TYPE,
                body_too_large(fake.max_request_bytes))
            rec["response"] = {"kind": "too_large"}
            rec["status"] = 400
            self._send(fake, resp, rec)
            rec["finished"] = time.time()
            return
        bad_ref = fake.files.check_refs(parsed) if endpoint in ("stream", "generate") else None
        if bad_ref is not None:
            # a fileData the API cannot use: refused before any answer is chosen
            resp = Response(bad_ref[0], SSE_TYPE if endpoint == "stream" else JSON_TYPE,
                pretty_json(bad_ref[1]).encode("utf-8"))
            rec["response"] = {"kind": "bad_file", "error": bad_ref[1]["error"]}
            rec["status"] = bad_ref[0]
            self._send(fake, resp, rec)
            rec["finished"] = time.time()
            return
        spec = fake._next_spec(endpoint)
        self._used_spec = spec
        try:
            resp = self._respond_for(fake, endpoint, model, spec, headers, query, parsed)
        except Exception as e:  # a broken spec must show up in the test, not hang it
            resp = Response(500, JSON_TYPE, error_body(500, "INTERNAL",
                "fake_gemini: cannot build response: %s" % e))
            self._used_spec = {"kind": "spec-error", "error": str(e)}
        rec["response"] = self._used_spec
        rec["status"] = resp.status
        self._send(fake, resp, rec)
        rec["finished"] = time.time()

    def _respond_for(self, fake, endpoint, model, spec, headers, query, parsed):
        thoughts = wants_thoughts(parsed)
        if endpoint is None:
            return Response(404, HTML_TYPE, fixture_body(
                "vertexai/unary-failure-invalid-location-url-not-found.html"))
        if fake.require_key is not None and headers.get("x-goog-api-key") != fake.require_key \
                and (spec is None or spec.get("kind") != "raw"):
            return build({"kind": "bad_key"}, endpoint, model)
        if spec is not None:
            return build(spec, endpoint, model, thoughts)
        if endpoint in ("stream", "generate"):
            self._used_spec = fake.defaults[endpoint]
            return build(fake.defaults[endpoint], endpoint, model, thoughts)
        if endpoint == "count":
            n = max(1, len(json.dumps(parsed or {}).encode("utf-8")) // 4)
            return Response(200, JSON_TYPE, pretty_json({"totalTokens": n,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": n}]}).encode("utf-8"))
        models = fake.models
        if endpoint == "model":
            for m in models:
                if m["name"] == "models/" + model:
                    return Response(200, JSON_TYPE, pretty_json(m).encode("utf-8"))
            return build({"kind": "404"}, "model", model)
        # models list, with paging
        size = int(query.get("pageSize") or 50)
        start = int(query.get("pageToken") or 0)
        page = {"models": models[start:start + size]}
        if start + size < len(models):
            page["nextPageToken"] = str(start + size)
        return Response(200, JSON_TYPE, pretty_json(page).encode("utf-8"))

    def _send(self, fake, resp, rec):
        chunk = resp.chunk if resp.chunk is not None else fake.chunk
        delay = resp.delay if resp.delay is not None else fake.delay
        transfer = resp.transfer or fake.transfer
        stop = fake._stop_event
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.ctype)
            self.send_header("Vary", "Origin, X-Origin, Referer")
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in resp.headers.items():
                self.send_header(k, v)
            if not resp.stream:
                self.send_header("Content-Length", str(len(resp.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(resp.body)
                self.wfile.flush()
                rec["bytes_sent"] = len(resp.body)
                self.close_connection = True
                return
            chunked = transfer == "chunked"
            self.send_header("Content-Disposition", "attachment")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            self.close_connection = True
            body = resp.body
            limit = len(body)
            if resp.drop_at is not None:
                limit = min(limit, resp.drop_at)
            if resp.stall_at is not None:
                limit = min(limit, resp.stall_at)
            if chunk and chunk > 0:
                cuts = list(range(chunk, limit, chunk)) + [limit]
            else:
                cuts = [e for e in event_ends(body) if e < limit] + [limit]
            pos = 0
            first = True
            due = time.monotonic()
            for end in cuts:
                if end <= pos:
                    continue
                if not first and delay:
                    # paced on a fixed schedule, so the time spent writing
                    # does not add up over thousands of events
                    due += delay
                    if stop.wait(max(0.0, due - time.monotonic())):
                        break
                first = False
                if stop.is_set():
                    break
                piece = body[pos:end]
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                self.wfile.flush()
                pos = end
                rec["bytes_sent"] = pos
            if resp.stall_at is not None and pos >= resp.stall_at and not stop.is_set():
                self._hang(fake, rec)
                return
            if resp.drop_at is not None and pos >= resp.drop_at:
                self._cut()
                return
            if stop.is_set():
                self._cut()
                return
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            rec["client_closed"] = True
            self.close_connection = True

    def _files(self, fake, endpoint, method, route, query, headers, received):
        """The Files API (fake_files.py): upload sessions, lookups, deletes."""
        store = fake.files
        slow = store.slow
        if endpoint == "upload" and slow > 0:
            body = self._read_slowly(slow)
        else:
            body = self._read_body()
        try:
            parsed = json.loads(body) if body and endpoint == "upload_start" else None
        except ValueError:
            parsed = None
        rec = {
            "index": None, "method": method, "path": self.path, "route": route,
            "query": query, "headers": headers,
            "body": "" if endpoint == "upload" else body.decode("utf-8", errors="replace"),
            "json": parsed, "time": received, "endpoint": endpoint, "model": None,
            "response": None, "status": None, "bytes_sent": 0, "client_closed": False,
            "finished": None, "size": len(body), "include_thoughts": False,
        }
        fake._record(rec)
        extra = {}
        if not store.enabled:
            # a gateway without the Files API: Google's HTML 404
            self._send(fake, Response(404, HTML_TYPE, fixture_body(
                "vertexai/unary-failure-invalid-location-url-not-found.html")), rec)
            rec["status"] = 404
            rec["finished"] = time.time()
            return
        if fake.require_key is not None and headers.get("x-goog-api-key") != fake.require_key:
            status, out = 400, json.loads(body_bad_key())
        elif endpoint == "upload_start":
            status, extra, out = store.start(headers, parsed, fake.url)
        elif endpoint == "upload":
            sess = store.session(query)
            if sess is None:
                status, out = 404, {"error": {"code": 404, "status": "NOT_FOUND",
                    "message": "No such upload session."}}
            else:
                status, extra, out = store.chunk(sess, headers, body, fake.url)
        elif endpoint == "file_get":
            status, out = store.get(route.split("/", 2)[2], fake.url)
        elif endpoint == "file_delete":
            status, out = store.delete(route.split("/", 2)[2])
        else:
            status, out = 200, {"files": store.listing(fake.url)}
        data = pretty_json(out).encode("utf-8") if out is not None else b""
        resp = Response(status, JSON_TYPE, data, stream=slow > 0 and bool(data))
        resp.headers.update(extra)
        if slow > 0:
            resp.chunk, resp.delay, resp.transfer = 1, slow, "chunked"
        rec["response"] = {"kind": "files", "endpoint": endpoint}
        rec["status"] = status
        self._send(fake, resp, rec)
        rec["finished"] = time.time()

    def _read_slowly(self, pause):
        """The request body read one byte at a time, pausing after each."""
        n = int(self.headers.get("Content-Length") or 0)
        data = bytearray()
        stop = self.server.fake._stop_event
        while len(data) < n and not stop.is_set():
            b = self.rfile.read(1)
            if not b:
                break
            data += b
            time.sleep(pause)
        return bytes(data)

    def _hang(self, fake, rec):
        """Send nothing more until the client hangs up or the server stops."""
        sock = self.connection
        while not fake._stop_event.is_set():
            r, _, _ = select.select([sock], [], [], 0.05)
            if r:
                try:
                    if not sock.recv(4096):
                        rec["client_closed"] = True
                        break
                except OSError:
                    rec["client_closed"] = True
                    break
        self._cut()

    def _cut(self):
        """Close the connection abruptly (no chunk terminator)."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _control(self, method, route, query, body):
        fake = self.server.fake
        try:
            arg = json.loads(body) if body else None
            out = {"ok": True}
            if route == "/_fake/health":
                out = {"ok": True, "port": fake.port}
            elif route == "/_fake/requests" and method == "GET":
                since = int(query.get("since") or 0)
                out = fake.requests[since:]
            elif route == "/_fake/script" and method == "POST":
                fake.script(arg or [])
            elif route == "/_fake/push" and method == "POST":
                fake.push(*(arg if isinstance(arg, list) else [arg]))
            elif route == "/_fake/default" and method == "POST":
                if isinstance(arg, dict) and "spec" in arg:
                    fake.set_default(arg["spec"], arg.get("endpoint", "stream"))
                else:
                    fake.set_default(arg)
            elif route == "/_fake/config" and method == "POST":
                fake.configure(**(arg or {}))
            elif route == "/_fake/reset" and method == "POST":
                fake.reset()
            elif route == "/_fake/files" and method == "GET":
                out = fake.files.listing(fake.url)
            elif route == "/_fake/files/config" and method == "POST":
                fake.files.configure(**(arg or {}))
            elif route == "/_fake/files/forget" and method == "POST":
                fake.files.forget()
            elif route == "/_fake/files/expire" and method == "POST":
                fake.files.expire()
            elif route == "/_fake/queue" and method == "GET":
                out = fake.pending()
            else:
                data = b'{"ok": false, "error": "unknown control route"}\n'
                return self._plain(404, data)
            return self._plain(200, (json.dumps(out) + "\n").encode("utf-8"))
        except (ValueError, TypeError) as e:
            return self._plain(400, (json.dumps({"ok": False, "error": str(e)}) + "\n")
                .encode("utf-8"))

    def _plain(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return
        if self.fake.verbose or not self.fake._stop_event.is_set():
            super().handle_error(request, client_address)


class FakeGemini:
    """A fake Gemini API server on 127.0.0.1 (see the module docstring).

    fake = FakeGemini(chunk=0, delay=0.0).start(); fake.url; fake.script([...]);
    fake.requests; fake.stop().  Also a context manager.
    """

    def __init__(self, port=0, host="127.0.0.1", chunk=0, delay=0.0, transfer="chunked",
            default=None, require_key=None, models=None, verbose=False,
            max_request_bytes=MAX_REQUEST_BYTES):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fake server listens on loopback only")
        self.host = "127.0.0.1" if host == "localhost" else host
        self._want_port = port
        self.chunk = chunk
        self.delay = delay
        self.transfer = transfer
        self.require_key = require_key
        self.max_request_bytes = max_request_bytes
        self.verbose = verbose
        self.models = list(models or DEFAULT_MODELS)
        self._initial = {"stream": normalize(default or DEFAULT_STREAM),
            "generate": normalize(DEFAULT_GENERATE)}
        self.defaults = dict(self._initial)
        self._lock = threading.Lock()
        self._queue = []
        self._requests = []
        self.files = fake_files.FileStore()
        self._stop_event = threading.Event()
        self._server = None
        self._thread = None

    # lifecycle
    def start(self):
        """Bind a port and serve in a background thread; returns self."""
        self._stop_event.clear()
        self._server = _Server((self.host, self._want_port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05}, name="fake-gemini", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving, cut streams in progress, free the port."""
        if self._server is None:
            return
        self._stop_event.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        """The port the server listens on."""
        return self._server.server_address[1]

    @property
    def url(self):
        """The base URL (http://127.0.0.1:PORT), for GEMINI_BASE_URL."""
        return "http://%s:%d" % (self.host, self.port)

    # scripting
    def script(self, specs):
        """Replace the response queue with specs (consumed one per matching request)."""
        specs = [normalize(s) for s in specs]
        with self._lock:
            self._queue = specs

    def push(self, *specs):
        """Append specs to the response queue."""
        specs = [normalize(s) for s in specs]
        with self._lock:
            self._queue.extend(specs)

    def pending(self):
        """The specs still queued."""
        with self._lock:
            return [dict(s) for s in self._queue]

    def set_default(self, spec, endpoint="stream"):
        """The response when nothing queued matches ("stream" or "generate")."""
        self.defaults[endpoint] = normalize(spec)

    def configure(self, chunk=None, delay=None, transfer=None, require_key=False,
            models=None, max_request_bytes=None):
        """Change pacing, transfer mode, the required API key, the models list or
        the request size limit."""
        if max_request_bytes is not None:
            self.max_request_bytes = max_request_bytes
        if chunk is not None:
            self.chunk = chunk
        if delay is not None:
            self.delay = delay
        if transfer is not None:
            self.transfer = transfer
        if require_key is not False:
            self.require_key = require_key
        if models is not None:
            self.models = list(models)

    def reset(self):
        """Empty the queue and the request log; restore the defaults."""
        with self._lock:
            self._queue = []
            self._requests = []
        self.defaults = dict(self._initial)
        self.files.reset()

    def _next_spec(self, endpoint):
        if endpoint is None:
            return None
        with self._lock:
            for i, spec in enumerate(self._queue):
                if endpoint_matches(spec.get("endpoint"), endpoint):
                    return self._queue.pop(i)
        return None

    # recording
    def _record(self, rec):
        with self._lock:
            rec["index"] = len(self._requests)
            self._requests.append(rec)
            log = os.environ.get("FAKE_GEMINI_SIZE_LOG")
            if log and "size" in rec:
                # one line per request: body bytes, endpoint, test; to find the largest sent
                with open(log, "a") as f:
                    f.write("%d %s %s\n" % (rec["size"], rec.get("endpoint"),
                                             os.environ.get("PYTEST_CURRENT_TEST", "-")))

    @property
    def requests(self):
        """Recorded API requests (dicts; see the module docstring), oldest first."""
        with self._lock:
            return list(self._requests)

    def api_requests(self, endpoint=None):
        """Recorded requests for one endpoint ("stream", "generate", ...), or all."""
        return [r for r in self.requests if endpoint is None or r["endpoint"] == endpoint]

    def bodies(self, endpoint="stream"):
        """The parsed JSON bodies of the recorded requests to endpoint, oldest first."""
        return [r["json"] for r in self.api_requests(endpoint)]

    def wait_requests(self, n, endpoint=None, timeout=10.0):
        """Wait until n requests (of endpoint) were received; returns them."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.api_requests(endpoint)
            if len(got) >= n:
                return got
            time.sleep(0.02)
        raise AssertionError("fake gemini: wanted %d %s requests, got %d: %r" % (
            n, endpoint or "", len(self.api_requests(endpoint)),
            [r["path"] for r in self.requests]))


# ---------------------------------------------------------------- program

def _main(argv=None):
    p = argparse.ArgumentParser(description="fake Gemini API server (loopback only)")
    p.add_argument("--port", type=int, default=0, help="port (0: a free one)")
    p.add_argument("--host", default="127.0.0.1", help="127.0.0.1 or ::1")
    p.add_argument("--fixture", help="default streaming response: fixture path")
    p.add_argument("--synthetic-events", type=int, help="default: synthetic stream of N events")
    p.add_argument("--synthetic-bytes", type=int, default=1024 * 1024,
        help="bytes of text in the synthetic stream (default 1 MiB)")
    p.add_argument("--unicode", action="store_true", help="synthetic text with non-ASCII")
    p.add_argument("--chunk", type=int, default=0,
        help="bytes per write (0: one SSE event per write)")
    p.add_argument("--delay", type=float, default=0.0, help="seconds between writes")
    p.add_argument("--pace-ms", type=float, default=None,
        help="milliseconds between writes, on a fixed schedule (the same as --delay)")
    p.add_argument("--content", choices=("prose", "code", "table", "longline", "codeline"),
        help="what the synthetic text is (default prose)")
    p.add_argument("--event-bytes", type=int, default=0,
        help="synthetic events of this many bytes of text (instead of --synthetic-events)")
    p.add_argument("--transfer", choices=("chunked", "close"), default="chunked")
    p.add_argument("--script", help="JSON list of specs, or @FILE holding one")
    p.add_argument("--default", help="default streaming response as a JSON spec")
    p.add_argument("--require-key", help="answer 400 API_KEY_INVALID unless this key is sent")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    a = p.parse_args(argv)
    default = DEFAULT_STREAM
    if a.fixture:
        default = {"kind": "fixture", "path": a.fixture}
    if a.synthetic_events or a.event_bytes or a.content:
        default = {"kind": "synthetic", "events": a.synthetic_events or 4,
            "bytes": a.synthetic_bytes, "unicode": a.unicode, "content": a.content,
            "event_bytes": a.event_bytes}
    if a.pace_ms is not None:
        a.delay = a.pace_ms / 1000.0
    if a.default:
        default = json.loads(a.default)
    fake = FakeGemini(port=a.port, host=a.host, chunk=a.chunk, delay=a.delay,
        transfer=a.transfer, default=default, require_key=a.require_key, verbose=a.verbose)
    if a.script:
        text = a.script
        if text.startswith("@"):
            with open(text[1:], encoding="utf-8") as f:
                text = f.read()
        fake.script(json.loads(text))
    fake.start()
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    print("listening on %s" % fake.url, flush=True)
    while not done.wait(0.5):
        pass
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
