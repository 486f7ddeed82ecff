"""End-to-end tests of the request size budget (issue 11).

What it is for: a conversation whose earlier images add up to more than the
API's 20 MB request limit still gets answers: earlier images give way to a
text note (the question's own images never do), the user is told why, and no
body over 20,000,000 bytes ever leaves (the fake server refuses anything over
20 MiB with the API's own 400, so a body that slipped through would fail).
What it must not do: reach the network (the fake server only).
"""

import os
import re

from test_accounts_cli import signup
from test_oneshot import png_bytes
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


def note_parts(body):
    return [p["text"] for c in body["contents"] for p in c["parts"]
            if "text" in p and p["text"].startswith("[image ")]


def test_three_5_mib_images_and_a_fourth_question(run_jarvis, fake_gemini, jarvis_env):
    assert signup(run_jarvis).returncode == 0
    imgs = [big_png(os.path.join(jarvis_env["HOME"], "p%d.png" % i)) for i in range(3)]
    r = run_jarvis(["-p", "first picture?", "-a", imgs[0]], timeout=60)
    assert r.returncode == 0, r.stderr
    conv = conv_rows(run_jarvis(["--convs"]).stdout)[0][0]
    for i, q in ((1, "second picture?"), (2, "third picture?")):
        r = run_jarvis(["-p", q, "-a", imgs[i], "-C", conv], timeout=60)
        assert r.returncode == 0, r.stderr
    r = run_jarvis(["-p", "which was the brightest?", "-C", conv], timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Cheyenne" in r.stdout
    assert re.search(r"1 earlier image is left out of this request .* 20 MB limit", r.stderr), \
        r.stderr

    reqs = fake_gemini.api_requests("stream")
    assert [q["status"] for q in reqs] == [200] * 4
    sizes = [q["size"] for q in reqs]
    assert max(sizes) <= BUDGET, sizes
    # without the budget the third and fourth requests would be ~21 MiB: refused
    assert sizes[1] > 13 * MiB
    last = reqs[-1]["json"]
    assert len(inline_parts(last)) == 2
    notes = note_parts(last)
    assert len(notes) == 1 and notes[0].startswith("[image p0.png (image/png, 5120 KiB) left out")
    print("largest request body sent: %d bytes" % max(sizes))


def test_question_images_alone_over_the_budget_are_refused(run_jarvis, fake_gemini, jarvis_env):
    """The question's own images are never dropped: too big is said before sending."""
    d = os.path.join(jarvis_env["XDG_CONFIG_HOME"], "jarvis")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.ini"), "w") as f:
        f.write("[limits]\nmax_image_bytes = 8MiB\nmax_message_bytes = 64MiB\n")
    imgs = [big_png(os.path.join(jarvis_env["HOME"], "q%d.png" % i), 8 * MiB) for i in range(2)]
    r = run_jarvis(["-p", "both?", "--no-save", "-a", imgs[0], "-a", imgs[1]], timeout=60)
    assert r.returncode == 2
    assert "over the 20000000 the API takes" in r.stderr, r.stderr
    assert fake_gemini.api_requests("stream") == []


def test_tui_says_why_an_image_was_left_out(jarvis_tui, fake_gemini, jarvis_env):
    imgs = [big_png(os.path.join(jarvis_env["HOME"], "t%d.png" % i)) for i in range(3)]
    t = start(jarvis_tui, width=120, height=40)
    for i, path in enumerate(imgs):
        send(t, "/attach " + path)
        t.wait_for("t%d.png" % i)
        send(t, "picture %d?" % i)
        fake_gemini.wait_requests(i + 1, "stream", timeout=30)
    send(t, "and now?")
    fake_gemini.wait_requests(4, "stream", timeout=30)
    t.wait_for("left out of this request", timeout=20)
    sizes = [q["size"] for q in fake_gemini.api_requests("stream")]
    assert max(sizes) <= BUDGET, sizes
    assert [q["status"] for q in fake_gemini.api_requests("stream")] == [200] * 4
