"""Tests of the fake server's Files API (fake_files.py).

What it is for: proving the fake is as strict as the live Files API: the
resumable start / upload / finalize protocol with 8 MiB chunks and offsets,
PROCESSING then ACTIVE, expiry, the 403 for a missing or expired file in a
lookup and in a generateContent fileData reference, and the slow 1-byte mode.
What it must not do: test the jarvis binary (test_files.py does).
"""

import json
import time
import urllib.error
import urllib.request

import fake_files as ff
from test_fake_gemini import STREAM, post

KEY = {"x-goog-api-key": "test-key-123"}


def request(url, method="POST", data=b"", headers=None, timeout=30):
    """(status, headers, body bytes); HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=data if method != "GET" else None,
                                 headers=dict(KEY, **(headers or {})), method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def start(fake, size, mime="image/png", name="a.png"):
    return request(fake.url + "/upload/v1beta/files", data=json.dumps(
        {"file": {"display_name": name}}).encode(), headers={
        "X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
        "X-Goog-Upload-Header-Content-Length": str(size),
        "X-Goog-Upload-Header-Content-Type": mime, "Content-Type": "application/json"})


def send_chunk(url, data, offset, command="upload, finalize"):
    return request(url, data=data, headers={"X-Goog-Upload-Command": command,
                                            "X-Goog-Upload-Offset": str(offset)})


def upload(fake, data, mime="image/png"):
    status, headers, _ = start(fake, len(data), mime)
    assert status == 200
    status, _, body = send_chunk(headers["X-Goog-Upload-URL"], data, 0)
    assert status == 200, body
    return json.loads(body)["file"]


def with_file(uri, mime="image/png"):
    return {"contents": [{"role": "user", "parts": [
        {"fileData": {"mimeType": mime, "fileUri": uri}}, {"text": "what is it?"}]}]}


def test_resumable_upload_in_8_mib_chunks_then_processing_then_active(fake_gemini):
    data = bytes(range(256)) * (9 * 1024 * 1024 // 256)  # 9 MiB: two chunks
    status, headers, body = start(fake_gemini, len(data))
    assert status == 200 and body == b""
    assert headers["X-Goog-Upload-Status"] == "active"
    assert headers["X-Goog-Upload-Chunk-Granularity"] == str(8 * 1024 * 1024)
    url = headers["X-Goog-Upload-URL"]
    assert url.startswith(fake_gemini.url + "/upload/v1beta/files?upload_id=")
    # a chunk that is not the last must be a multiple of 8 MiB
    status, _, body = send_chunk(url, data[:1000], 0, "upload")
    assert status == 400 and b"multiple of 8388608" in body
    first = ff.GRANULARITY
    status, headers, body = send_chunk(url, data[:first], 0, "upload")
    assert status == 200 and headers["X-Goog-Upload-Status"] == "active"
    # a wrong offset is refused
    status, _, body = send_chunk(url, data[first:], 5)
    assert status == 400 and b"Invalid offset 5" in body
    status, headers, body = send_chunk(url, data[first:], first)
    assert status == 200 and headers["X-Goog-Upload-Status"] == "final"
    f = json.loads(body)["file"]
    assert f["state"] == "PROCESSING" and f["sizeBytes"] == str(len(data))
    assert f["mimeType"] == "image/png" and f["displayName"] == "a.png"
    assert f["uri"] == fake_gemini.url + "/v1beta/" + f["name"]
    assert f["expirationTime"].endswith("Z")
    # PROCESSING until looked at once, then ACTIVE; a reference before that is refused
    status, _, body = post(fake_gemini, body=with_file(f["uri"]))
    assert status == 400 and b"FAILED_PRECONDITION" in body
    status, _, body = request(fake_gemini.url + "/v1beta/" + f["name"], "GET")
    assert status == 200 and json.loads(body)["state"] == "PROCESSING"
    status, _, body = request(fake_gemini.url + "/v1beta/" + f["name"], "GET")
    assert json.loads(body)["state"] == "ACTIVE"
    status, _, body = post(fake_gemini, body=with_file(f["uri"]))
    assert status == 200
    ends = [r["endpoint"] for r in fake_gemini.requests]
    assert ends[:2] == ["upload_start", "upload"] and "file_get" in ends


def test_a_finalize_short_of_the_declared_size_is_refused(fake_gemini):
    status, headers, _ = start(fake_gemini, 100)
    status, _, body = send_chunk(headers["X-Goog-Upload-URL"], b"x" * 60, 0)
    assert status == 400 and b"Finalized at 60 of 100 bytes" in body


def test_start_needs_the_resumable_headers(fake_gemini):
    status, _, body = request(fake_gemini.url + "/upload/v1beta/files", data=b"{}")
    assert status == 400 and b"resumable" in body


def test_unknown_and_expired_files_are_the_apis_403(fake_gemini):
    fake_gemini.files.configure(ttl=1, processing_polls=0)
    f = upload(fake_gemini, b"\x89PNG" + b"\0" * 100)
    assert f["state"] == "ACTIVE"
    assert post(fake_gemini, body=with_file(f["uri"]))[0] == 200
    time.sleep(1.2)
    status, _, body = post(fake_gemini, body=with_file(f["uri"]))
    err = json.loads(body)["error"]
    assert status == 403 and err["status"] == "PERMISSION_DENIED"
    assert err["message"] == ("You do not have permission to access the File %s or it may "
                              "not exist." % f["name"].split("/")[1])
    status, _, _ = request(fake_gemini.url + "/v1beta/" + f["name"], "GET")
    assert status == 403
    status, _, _ = post(fake_gemini, body=with_file(fake_gemini.url + "/v1beta/files/nosuch"))
    assert status == 403
    # the refused requests took nothing from the queue and were recorded
    assert fake_gemini.requests[-1]["response"]["kind"] == "bad_file"


def test_forget_and_expire_controls(fake_gemini):
    fake_gemini.files.configure(processing_polls=0)
    f = upload(fake_gemini, b"abc")
    status, _, body = request(fake_gemini.url + "/_fake/files", "GET")
    assert [x["name"] for x in json.loads(body)] == [f["name"]]
    request(fake_gemini.url + "/_fake/files/forget")
    assert post(fake_gemini, body=with_file(f["uri"]))[0] == 403
    g = upload(fake_gemini, b"abc")
    request(fake_gemini.url + "/_fake/files/expire")
    assert post(fake_gemini, body=with_file(g["uri"]))[0] == 403


def test_vanish_drops_the_files_as_generation_requests_arrive(fake_gemini):
    request(fake_gemini.url + "/_fake/files/config", data=json.dumps(
        {"vanish": 1, "processing_polls": 0}).encode())
    # a request that names no file leaves the files and the count alone
    assert post(fake_gemini)[0] == 200
    f = upload(fake_gemini, b"abc")
    # looked up fine, gone by the time the next generation request names it
    assert request(fake_gemini.url + "/v1beta/" + f["name"], "GET")[0] == 200
    status, _, body = post(fake_gemini, body=with_file(f["uri"]))
    assert status == 403 and json.loads(body)["error"]["status"] == "PERMISSION_DENIED"
    assert json.loads(request(fake_gemini.url + "/_fake/files", "GET")[2]) == []
    # once: a file uploaded afterwards stays
    g = upload(fake_gemini, b"abc")
    assert post(fake_gemini, body=with_file(g["uri"]))[0] == 200


def test_slow_mode_reads_and_answers_one_byte_at_a_time(fake_gemini):
    request(fake_gemini.url + "/_fake/files/config", data=json.dumps(
        {"slow": 0.002, "processing_polls": 0}).encode())
    data = b"z" * 500
    t0 = time.time()
    f = upload(fake_gemini, data)
    took = time.time() - t0
    assert f["sizeBytes"] == "500"
    # 500 bytes read and some 600 written, each followed by a 2 ms pause
    assert took > 1.5, took
    rec = [r for r in fake_gemini.requests if r["endpoint"] == "upload"][-1]
    assert rec["size"] == 500


def test_disabled_files_api_is_an_html_404(fake_gemini):
    fake_gemini.files.configure(enabled=False)
    status, headers, body = start(fake_gemini, 10)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
