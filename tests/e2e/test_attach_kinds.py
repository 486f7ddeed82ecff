"""End-to-end tests of attachments other than images (issue 11).

What it is for: -a and /attach take PDF, audio (WAV, MP3, AIFF, AAC, OGG,
FLAC) and text files, each told from its bytes (a misleading file name
changes nothing); on the wire PDF and audio go as inlineData with the type
Gemini documents, a text file as a text part under its name; each kind has
its own [limits] size limit.
What it must not do: reach the network (the fake server only).
"""

import base64
import struct

from test_oneshot import write_config
from test_tui import send, start


def samples(d):
    """One small file of each kind, named so the name says nothing true."""
    data = b"\x00\x00" * 800
    wav = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
           struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data" +
           struct.pack("<I", len(data)) + data)
    comm = struct.pack(">hIh", 1, 100, 16) + b"\x40\x0b\xfa\x00\x00\x00\x00\x00\x00\x00"
    ssnd = b"SSND" + struct.pack(">III", 8 + 200, 0, 0) + b"\x00" * 200
    aiff_body = b"COMM" + struct.pack(">I", len(comm)) + comm + ssnd
    files = {
        "doc.bin": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
        "a.txt": (wav, "audio/wav"),
        "b.dat": (b"ID3\x03\x00\x00\x00\x00\x00\x00" + (b"\xff\xfb\x90\x64" + b"\x00" * 413) * 4,
                  "audio/mp3"),
        "c.dat": (b"FORM" + struct.pack(">I", 4 + len(aiff_body)) + b"AIFF" + aiff_body,
                  "audio/aiff"),
        "d.dat": ((b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 9) * 8, "audio/aac"),
        "e.dat": (b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis" + b"\x00" * 40,
                  "audio/ogg"),
        "f.png": (b"fLaC\x80\x00\x00\x22" + b"\x10\x00\x10\x00" + b"\x00" * 30, "audio/flac"),
    }
    paths = {}
    for name, (raw, mime) in files.items():
        p = d / name
        p.write_bytes(raw)
        paths[str(p)] = (raw, mime)
    return paths


def test_each_kind_on_the_wire(run_jarvis, fake_gemini, tmp_path):
    paths = samples(tmp_path)
    notes = tmp_path / "notes.md"
    notes.write_text("# Shopping\n- milk\n- eggs\n")
    args = ["-p", "what are these?", "--no-save"]
    for p in list(paths) + [str(notes)]:
        args += ["-a", p]
    r = run_jarvis(args)
    assert r.returncode == 0, r.stderr
    parts = fake_gemini.bodies()[-1]["contents"][-1]["parts"]
    assert parts[0] == {"text": "what are these?"}
    sent = [(p["inlineData"]["mimeType"], base64.b64decode(p["inlineData"]["data"]))
            for p in parts[1:-1]]
    assert sent == [(mime, raw) for raw, mime in paths.values()]
    assert parts[-1] == {"text": "File notes.md:\n# Shopping\n- milk\n- eggs\n"}


def test_each_kind_has_its_own_limit(run_jarvis, fake_gemini, jarvis_env, tmp_path):
    paths = samples(tmp_path)
    pdf = next(p for p, (_, m) in paths.items() if m == "application/pdf")
    wav = next(p for p, (_, m) in paths.items() if m == "audio/wav")
    write_config(jarvis_env, "[limits]\nmax_pdf_bytes = 10\nmax_text_file_bytes = 5\n")
    r = run_jarvis(["-p", "x", "--no-save", "-a", pdf])
    assert r.returncode == 2
    assert "for a PDF ([limits] max_pdf_bytes)" in r.stderr
    # the audio limit is its own: the WAV still goes
    assert run_jarvis(["-p", "x", "--no-save", "-a", wav]).returncode == 0
    big = tmp_path / "big.txt"
    big.write_text("more than five bytes\n")
    r = run_jarvis(["-p", "x", "--no-save", "-a", str(big)])
    assert r.returncode == 2 and "([limits] max_text_file_bytes)" in r.stderr
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01\x02\x03\xff\xfe garbage")
    r = run_jarvis(["-p", "x", "--no-save", "-a", str(junk)])
    assert r.returncode == 2 and "PDF, audio (WAV, MP3, AIFF, AAC, OGG, FLAC)" in r.stderr


def test_tui_attach_sends_a_pdf_and_a_text_file(jarvis_tui, fake_gemini, tmp_path):
    paths = samples(tmp_path)
    pdf = next(p for p, (_, m) in paths.items() if m == "application/pdf")
    notes = tmp_path / "todo.txt"
    notes.write_text("call Bob\n")
    t = start(jarvis_tui, width=120, height=30)
    send(t, "/attach %s %s" % (pdf, notes))
    t.wait_for("+2")
    send(t, "summarise")
    fake_gemini.wait_requests(1, "stream")
    parts = fake_gemini.bodies()[-1]["contents"][-1]["parts"]
    assert parts[1]["inlineData"]["mimeType"] == "application/pdf"
    assert parts[2] == {"text": "File todo.txt:\ncall Bob\n"}
    # the question's header names each file that is not an image, its size in KiB
    t.wait_for("[doc.bin, application/pdf, 1 KiB]")
    t.wait_for("[todo.txt, text/plain, 1 KiB]")
