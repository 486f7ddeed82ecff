"""End-to-end tests of the request size budget (issue 11).

What it is for: a conversation whose images add up to more than the API's
20 MB request limit still gets answers: the images that would take a request
over go through the Files API once and are named by fileData from then on;
when the Files API cannot be reached, earlier images give way to a text note
that says so (the question's own images never do), the user is told why, and
no body over 20,000,000 bytes ever leaves (the fake server refuses anything
over 20 MiB with the API's own 400, so a body that slipped through would fail).
What it must not do: reach the network (the fake server only).
"""

import os
import re

from test_accounts_cli import signup
from test_oneshot import png_bytes, write_config
from test_oneshot_store import conv_rows
from test_tui import send, start

MiB = 1024 * 1024
BUDGET = 20000000


def big_png(path, size=5 * MiB):
    """A file of exactly size bytes that starts as a valid PNG (random tail)."""
    head = png_bytes()
    with open(path, "wb") as f:
        f.write(head + os.urandom(size - len(head)))
    return path


def inline_parts(body):
    return [p for c in body["contents"] for p in c["parts"] if "inlineData" in p]


def file_parts(body):
    return [p["fileData"] for c in body["contents"] for p in c["parts"] if "fileData" in p]


def note_parts(body):
    return [p["text"] for c in body["contents"] for p in c["parts"]
            if "text" in p and p["text"].startswith("[image ")]


def three_pictures_and_a_question(run_jarvis, jarvis_env, prefix="p"):
    """Three 5 MiB images in three -p questions, then a fourth question; the runs."""
    assert signup(run_jarvis).returncode == 0
    imgs = [big_png(os.path.join(jarvis_env["HOME"], "%s%d.png" % (prefix, i)))
            for i in range(3)]
    runs = [run_jarvis(["-p", "first picture?", "-a", imgs[0]], timeout=60)]
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    for i, q in ((1, "second picture?"), (2, "third picture?")):
        runs.append(run_jarvis(["-p", q, "-a", imgs[i], "-C", conv], timeout=60))
    runs.append(run_jarvis(["-p", "which was the brightest?", "-C", conv], timeout=60))
    return runs


def test_three_5_mib_images_and_a_fourth_question(run_jarvis, fake_gemini, jarvis_env):
    runs = three_pictures_and_a_question(run_jarvis, jarvis_env)
    for r in runs:
        assert r.returncode == 0, r.stderr
    assert "Cheyenne" in runs[-1].stdout
    # the third request would be ~21 MiB inline: the oldest image went to the Files API
    assert "uploading p0.png (5.0 MiB) to the Files API" in runs[2].stderr, runs[2].stderr
    assert re.search(r"uploaded p0.png; it is sent by reference until \d{4}-\d\d-\d\d", runs[2].stderr)
    assert "uploading" not in runs[3].stderr, runs[3].stderr  # uploaded once

    reqs = fake_gemini.api_requests("stream")
    assert [q["status"] for q in reqs] == [200] * 4
    sizes = [q["size"] for q in reqs]
    assert max(sizes) <= BUDGET, sizes
    assert sizes[1] > 13 * MiB  # without the budget the later ones would be ~21 MiB
    assert len(fake_gemini.api_requests("upload_start")) == 1
    uploads = fake_gemini.api_requests("upload")
    assert len(uploads) == 1 and uploads[0]["size"] == 5 * MiB
    for body in (reqs[2]["json"], reqs[3]["json"]):
        files = file_parts(body)
        assert len(files) == 1 and files[0]["mimeType"] == "image/png"
        assert len(inline_parts(body)) == 2 and note_parts(body) == []
    # the URI is the one the upload made, and the stored message keeps it
    made = fake_gemini.files.listing(fake_gemini.url)
    assert [f["uri"] for f in made] == [file_parts(reqs[3]["json"])[0]["fileUri"]]
    print("largest request body sent: %d bytes" % max(sizes))


def test_without_the_files_api_earlier_images_give_way_to_a_note(run_jarvis, fake_gemini,
                                                                 jarvis_env):
    fake_gemini.files.configure(enabled=False)
    runs = three_pictures_and_a_question(run_jarvis, jarvis_env, prefix="n")
    for r in runs:
        assert r.returncode == 0, r.stderr
    assert "the Files API failed (n0.png could not be uploaded: Files API:" in runs[2].stderr
    assert re.search(r"1 earlier image is left out of this request .* 20 MB limit, and the "
                     r"Files API failed", runs[3].stderr), runs[3].stderr
    reqs = fake_gemini.api_requests("stream")
    assert [q["status"] for q in reqs] == [200] * 4
    assert max(q["size"] for q in reqs) <= BUDGET
    notes = note_parts(reqs[-1]["json"])
    assert len(notes) == 1 and notes[0].startswith("[image n0.png (image/png, 5120 KiB) left out")
    assert "and the Files API, which would have taken it, failed: n0.png could not be " \
           "uploaded" in notes[0], notes[0]
    assert file_parts(reqs[-1]["json"]) == []


def test_question_images_alone_over_the_budget_go_by_file(run_jarvis, fake_gemini, jarvis_env):
    """The question's own images are never dropped: by file, or refused before sending."""
    d = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.ini"), "w") as f:
        f.write("[limits]\nmax_image_bytes = 9MiB\nmax_message_bytes = 64MiB\n")
    imgs = [big_png(os.path.join(jarvis_env["HOME"], "q%d.png" % i), (9 - i) * MiB)
            for i in range(2)]
    r = run_jarvis(["-p", "both?", "--no-save", "-a", imgs[0], "-a", imgs[1]], timeout=60)
    assert r.returncode == 0, r.stderr
    assert "uploaded q0.png" in r.stderr
    body = fake_gemini.api_requests("stream")[-1]["json"]
    assert len(file_parts(body)) == 1 and len(inline_parts(body)) == 1
    # 9 MiB is an 8 MiB chunk, then the last 1 MiB with "upload, finalize"
    ups = fake_gemini.api_requests("upload")
    assert [u["size"] for u in ups] == [8 * MiB, 1 * MiB]
    assert [u["headers"]["x-goog-upload-command"] for u in ups] == ["upload", "upload, finalize"]
    assert [u["headers"]["x-goog-upload-offset"] for u in ups] == ["0", str(8 * MiB)]

    # without the Files API the question cannot be sent, and says why
    fake_gemini.files.configure(enabled=False)
    n = len(fake_gemini.api_requests("stream"))
    r = run_jarvis(["-p", "both?", "--no-save", "-a", imgs[0], "-a", imgs[1]], timeout=60)
    assert r.returncode == 2
    assert "over the 20000000 the API takes" in r.stderr, r.stderr
    assert "and the Files API failed" in r.stderr
    assert len(fake_gemini.api_requests("stream")) == n


def test_tui_uploads_and_says_so(jarvis_tui, fake_gemini, jarvis_env):
    imgs = [big_png(os.path.join(jarvis_env["HOME"], "t%d.png" % i)) for i in range(3)]
    # Three 8-row previews would push the notices and answers off the screen.
    write_config(jarvis_env, "[ui]\nimages = off\n")
    t = start(jarvis_tui, width=120, height=40)
    for i, path in enumerate(imgs):
        send(t, "/attach " + path)
        t.wait_for("t%d.png" % i)
        send(t, "picture %d?" % i)
        fake_gemini.wait_requests(i + 1, "stream", timeout=30)
    t.wait_for("uploaded t0.png (5.0 MiB) to the Files API", timeout=20)
    send(t, "and now?")
    fake_gemini.wait_requests(4, "stream", timeout=30)
    t.wait_for(re.compile(r"(Cheyenne[\s\S]*){4}"), timeout=20)  # every answer is in
    reqs = fake_gemini.api_requests("stream")
    sizes = [q["size"] for q in reqs]
    assert max(sizes) <= BUDGET, sizes
    assert [q["status"] for q in reqs] == [200] * 4
    assert len(fake_gemini.api_requests("upload_start")) == 1
    assert len(file_parts(reqs[3]["json"])) == 1
