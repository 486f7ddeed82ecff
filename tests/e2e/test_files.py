"""End-to-end tests of attachments through the Files API (issue 11).

What it is for: with [limits] max_request_bytes set low, small images take the
path a 5 MiB one takes under the real 20 MB limit: the resumable upload (also
against a server that reads and answers one byte at a time, while the chat
stays usable and shows the progress), the file URI stored with the message and
named by fileData from then on, a file looked up before each use, one that
expired or went missing uploaded again from the stored bytes, and in the chat
one that went between its look-up and the request (a 403 or 404) uploaded again
and the question asked once more.
What it must not do: reach the network (the fake server only).
"""

import os
import re
import time

from test_accounts_cli import signup
from test_budget import big_png, file_parts, inline_parts
from test_oneshot_store import conv_rows
from test_tui import escape, send, start, wait_until

KiB = 1024


def small_budget(jarvis_env, limit=30000):
    d = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.ini"), "w") as f:
        f.write("[limits]\nmax_request_bytes = %d\n" % limit)


def picture(jarvis_env, name="f.png", size=32 * KiB):
    return big_png(os.path.join(jarvis_env["HOME"], name), size)


def ask_twice(run_jarvis, img):
    """A question with img (over the budget inline), then one more in its conversation."""
    r1 = run_jarvis(["-p", "what is it?", "-a", img], timeout=60)
    assert r1.returncode == 0, r1.stderr
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    r2 = run_jarvis(["-p", "and its colour?", "-C", conv], timeout=60)
    assert r2.returncode == 0, r2.stderr
    return conv, r1, r2


def test_upload_once_then_looked_up_and_named(run_jarvis, fake_gemini, jarvis_env):
    small_budget(jarvis_env)
    fake_gemini.files.configure(processing_polls=2)
    assert signup(run_jarvis).returncode == 0
    img = picture(jarvis_env)
    conv, r1, r2 = ask_twice(run_jarvis, img)
    assert "uploading f.png" in r1.stderr and "uploaded f.png" in r1.stderr
    assert "upload" not in r2.stderr, r2.stderr
    ends = [q["endpoint"] for q in fake_gemini.requests]
    # start, one chunk, PROCESSING twice then ACTIVE, the answer; then a look-up, the answer
    assert ends == ["upload_start", "upload", "file_get", "file_get", "file_get", "stream",
                    "file_get", "stream"], ends
    start_req = fake_gemini.api_requests("upload_start")[0]
    assert start_req["headers"]["x-goog-upload-protocol"] == "resumable"
    assert start_req["headers"]["x-goog-upload-header-content-length"] == str(32 * KiB)
    assert start_req["headers"]["x-goog-upload-header-content-type"] == "image/png"
    assert start_req["json"] == {"file": {"display_name": "f.png"}}
    with open(img, "rb") as f:
        assert fake_gemini.files.files[next(iter(fake_gemini.files.files))]["data"] == f.read()
    uri = fake_gemini.files.listing(fake_gemini.url)[0]["uri"]
    for q in fake_gemini.api_requests("stream"):
        assert file_parts(q["json"]) == [{"mimeType": "image/png", "fileUri": uri}]
        assert inline_parts(q["json"]) == []
        assert q["size"] <= 30000
    # the export and a reopen still have the picture: the bytes stay stored
    r = run_jarvis(["--export", conv])
    assert "f.png" in r.stdout


def test_slow_one_byte_upload_keeps_the_chat_usable(jarvis_tui, fake_gemini, jarvis_env):
    small_budget(jarvis_env, 20000)
    img = picture(jarvis_env, "slow.png", 16 * KiB)
    # every byte read and written with a 0.4 ms pause: the upload takes seconds
    fake_gemini.files.configure(slow=0.0004, processing_polls=0)
    t = start(jarvis_tui, width=120, height=30)
    send(t, "/attach " + img)
    t.wait_for("slow.png")
    send(t, "what is it?")
    t.wait_for("uploading 1 attachment to the Files API", timeout=10)
    t.wait_for(re.compile(r"uploading slow\.png \d+/16 KiB \(\d+%\) │"), timeout=10)
    # the loop is not blocked: typing shows while the bytes trickle out
    t.send_text("still typing")
    t.wait_for("still typing", timeout=5)
    assert fake_gemini.api_requests("stream") == []
    t.wait_for("uploaded slow.png", timeout=60)
    fake_gemini.wait_requests(1, "stream", timeout=30)
    t.wait_for("Cheyenne", timeout=20)
    up = fake_gemini.api_requests("upload")[0]
    assert up["size"] == 16 * KiB
    assert up["finished"] - up["time"] > 16 * KiB * 0.0004
    body = fake_gemini.api_requests("stream")[0]["json"]
    assert len(file_parts(body)) == 1 and inline_parts(body) == []


def test_slow_one_byte_upload_in_oneshot(run_jarvis, fake_gemini, jarvis_env):
    small_budget(jarvis_env, 20000)
    fake_gemini.files.configure(slow=0.0002, processing_polls=1)
    img = picture(jarvis_env, "drip.png", 16 * KiB)
    r = run_jarvis(["-p", "what is it?", "-a", img, "--no-save"], timeout=90)
    assert r.returncode == 0, r.stderr
    assert "Cheyenne" in r.stdout
    assert "uploaded drip.png" in r.stderr
    body = fake_gemini.api_requests("stream")[0]["json"]
    assert len(file_parts(body)) == 1


def test_stopping_an_upload_sends_nothing(jarvis_tui, fake_gemini, jarvis_env):
    small_budget(jarvis_env, 20000)
    fake_gemini.files.configure(slow=0.002)
    img = picture(jarvis_env, "stop.png", 16 * KiB)
    t = start(jarvis_tui, width=120, height=30)
    send(t, "/attach " + img)
    t.wait_for("stop.png")
    send(t, "what is it?")
    t.wait_for("uploading stop.png", timeout=10)
    escape(t)
    t.wait_for("upload stopped; the question was not sent", timeout=5)
    time.sleep(0.5)
    assert fake_gemini.api_requests("stream") == []


def test_expired_file_is_uploaded_again_from_the_stored_copy(run_jarvis, fake_gemini, jarvis_env):
    small_budget(jarvis_env)
    fake_gemini.files.configure(ttl=2, processing_polls=0)
    assert signup(run_jarvis).returncode == 0
    img = picture(jarvis_env, "old.png")
    r1 = run_jarvis(["-p", "what is it?", "-a", img], timeout=60)
    assert r1.returncode == 0, r1.stderr
    first = fake_gemini.api_requests("stream")[0]["json"]
    time.sleep(2.5)  # the API dropped it, and the stored expiry says so
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    r2 = run_jarvis(["-p", "and its colour?", "-C", conv], timeout=60)
    assert r2.returncode == 0, r2.stderr
    assert "uploaded old.png" in r2.stderr
    second = fake_gemini.api_requests("stream")[1]["json"]
    assert len(fake_gemini.api_requests("upload_start")) == 2
    old_uri, new_uri = file_parts(first)[0]["fileUri"], file_parts(second)[0]["fileUri"]
    assert old_uri != new_uri
    assert [q["status"] for q in fake_gemini.api_requests("stream")] == [200, 200]
    # the new URI was stored: a third question within its life names it without uploading
    fake_gemini.files.configure(ttl=48 * 3600)
    fake_gemini.files.expire()
    r3 = run_jarvis(["-p", "and its size?", "-C", conv], timeout=60)
    assert r3.returncode == 0 and "uploaded old.png" in r3.stderr  # expired early: again


def test_missing_file_is_uploaded_again(run_jarvis, fake_gemini, jarvis_env):
    small_budget(jarvis_env)
    fake_gemini.files.configure(processing_polls=0)
    assert signup(run_jarvis).returncode == 0
    img = picture(jarvis_env, "gone.png")
    r1 = run_jarvis(["-p", "what is it?", "-a", img], timeout=60)
    assert r1.returncode == 0, r1.stderr
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    fake_gemini.files.forget()  # the API lost it although it should still be there
    r2 = run_jarvis(["-p", "still there?", "-C", conv], timeout=60)
    assert r2.returncode == 0, r2.stderr
    gets = fake_gemini.api_requests("file_get")
    assert gets and gets[-1]["status"] == 403
    assert len(fake_gemini.api_requests("upload_start")) == 2
    assert [q["status"] for q in fake_gemini.api_requests("stream")] == [200, 200]
    # a fourth run names the re-uploaded file: it was stored
    r3 = run_jarvis(["-p", "and now?", "-C", conv], timeout=60)
    assert r3.returncode == 0 and "upload" not in r3.stderr, r3.stderr
    uris = [file_parts(q["json"])[0]["fileUri"] for q in fake_gemini.api_requests("stream")]
    assert uris[1] == uris[2] != uris[0]


def test_tui_reupload_after_expiry_and_reopen(jarvis_tui, run_jarvis, fake_gemini, jarvis_env):
    small_budget(jarvis_env)
    fake_gemini.files.configure(ttl=3, processing_polls=0)
    assert signup(run_jarvis).returncode == 0
    img = picture(jarvis_env, "tui.png")
    t = start(jarvis_tui, width=120, height=30)
    send(t, "/attach " + img)
    t.wait_for("tui.png")
    send(t, "what is it?")
    t.wait_for("uploaded tui.png", timeout=20)
    fake_gemini.wait_requests(1, "stream", timeout=20)
    t.wait_for("Cheyenne", timeout=20)
    time.sleep(3.5)
    send(t, "and now?")
    fake_gemini.wait_requests(2, "stream", timeout=30)
    t.wait_for(re.compile(r"(Cheyenne[\s\S]*){2}"), timeout=20)  # both answers are in
    assert len(fake_gemini.api_requests("upload_start")) == 2
    reqs = fake_gemini.api_requests("stream")
    assert [q["status"] for q in reqs] == [200, 200]
    assert file_parts(reqs[0]["json"])[0]["fileUri"] != file_parts(reqs[1]["json"])[0]["fileUri"]


GONE_AGAIN = "one may be gone (expired or deleted): uploading it again and asking once more"


def words(t):
    return " ".join(t.screen().split())


def wait_notice(t):
    wait_until(lambda: GONE_AGAIN in words(t), timeout=20, what="the notice of the retry")


def ask_with_picture(jarvis_tui, jarvis_env, width, height, name):
    img = picture(jarvis_env, name, 16 * KiB)
    t = start(jarvis_tui, width=width, height=height)
    send(t, "/attach " + img)
    t.wait_for(name)
    send(t, "what is it?")
    return t


def test_a_file_gone_before_the_call_is_uploaded_again_once(jarvis_tui, run_jarvis, fake_gemini,
                                                            jarvis_env):
    small_budget(jarvis_env, 20000)
    # looked up (here: just uploaded) fine, then gone when generateContent names it: a 403
    fake_gemini.files.configure(processing_polls=0, vanish=1)
    assert signup(run_jarvis).returncode == 0
    t = ask_with_picture(jarvis_tui, jarvis_env, 80, 24, "gone.png")
    wait_notice(t)
    t.wait_for("Cheyenne", timeout=30)
    screen = words(t)
    assert "PERMISSION_DENIED" in screen  # the notice says why
    assert "left out of what the next question sends" not in screen, t.show()
    reqs = fake_gemini.api_requests("stream")
    assert [q["status"] for q in reqs] == [403, 200]
    assert len(fake_gemini.api_requests("upload_start")) == 2
    first, second = (file_parts(q["json"])[0]["fileUri"] for q in reqs)
    assert first != second
    assert [f["uri"] for f in fake_gemini.files.listing(fake_gemini.url)] == [second]
    # the failed answer is dropped as /retry drops one: the store has the answer alone
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    for _ in range(100):
        out = run_jarvis(["--export", conv]).stdout
        if "Cheyenne" in out:
            break
        time.sleep(0.1)
    assert "Cheyenne" in out and "PERMISSION_DENIED" not in out, out


def test_an_unknown_model_is_not_taken_for_a_gone_file(jarvis_tui, fake_gemini, jarvis_env):
    small_budget(jarvis_env, 20000)
    fake_gemini.files.configure(processing_polls=0)
    # the API's 404 for a model id it does not know, to a request naming a file
    fake_gemini.push({"kind": "404", "endpoint": "stream"})
    t = ask_with_picture(jarvis_tui, jarvis_env, 120, 40, "lost.png")
    t.wait_for("was not found", timeout=30)
    time.sleep(1.0)
    screen = words(t)
    assert GONE_AGAIN not in screen, t.show()
    assert "jarvis --list-models" in screen, t.show()
    assert [q["status"] for q in fake_gemini.api_requests("stream")] == [404]
    assert len(fake_gemini.api_requests("upload_start")) == 1


def test_a_second_failure_is_reported(jarvis_tui, fake_gemini, jarvis_env):
    small_budget(jarvis_env, 20000)
    fake_gemini.files.configure(processing_polls=0, vanish=2)
    t = ask_with_picture(jarvis_tui, jarvis_env, 120, 40, "twice.png")
    wait_notice(t)
    t.wait_for("left out of what the next question sends", timeout=30)
    time.sleep(0.5)
    # asked once more, not a third time; the failure shows as any other
    assert [q["status"] for q in fake_gemini.api_requests("stream")] == [403, 403]
    assert len(fake_gemini.api_requests("upload_start")) == 2
    screen = words(t)
    assert screen.count(GONE_AGAIN) == 1, t.show()
    assert "Cheyenne" not in screen
    # a new question may be asked again once more if its files go
    fake_gemini.files.configure(vanish=1)
    send(t, "/retry")
    t.wait_for("Cheyenne", timeout=30)
    assert [q["status"] for q in fake_gemini.api_requests("stream")] == [403, 403, 403, 200]
