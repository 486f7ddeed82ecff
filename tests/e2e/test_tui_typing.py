"""End-to-end tests of typing in the TUI (issue 13, "Typing"): the keys that
terminals send as escape sequences, slash lines that are messages,
readline-grade editing, the external editor, suspend and SIGTERM.

What it is for: what a user types reaches the request exactly as meant, at
80x24 and 120x40. Raw sequences are sent as bytes (send-keys -H), as a
terminal would send them.
What it must not do: sleep for long fixed times or reach the network.
"""

import glob
import os
import re
import signal
import time

import pytest

from test_tui import escape, last_user_text, start, wait_until

SIZES = [(80, 24), (120, 40)]
LONG = "googleai/streaming-success-basic-reply-long.txt"


def send_bytes(t, data):
    """Bytes to the program as the terminal would send them."""
    t.cmd("send-keys", "-t", t.target, "-H", *["%02x" % b for b in data])


def sent_text(t, fake_gemini, n=1):
    """Press Enter and return the text of the n-th request's last user turn."""
    t.send_keys("Enter")
    reqs = fake_gemini.wait_requests(n, "stream")
    return last_user_text(reqs[n - 1]["json"])


def typed(t, text):
    t.send_text(text)
    t.wait_for(text.split("\n")[-1][-8:])


@pytest.mark.parametrize("width,height", SIZES)
def test_shift_and_ctrl_enter_insert_a_newline(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "one")
    send_bytes(t, b"\x1b[13;2u")  # Shift-Enter, CSI-u
    typed(t, "two")
    send_bytes(t, b"\x1b[13;5u")  # Ctrl-Enter, CSI-u
    typed(t, "three")
    send_bytes(t, b"\x1b[27;2;13~")  # Shift-Enter, xterm modifyOtherKeys
    typed(t, "four")
    send_bytes(t, b"\x1b[27;5;13~")  # Ctrl-Enter, modifyOtherKeys
    typed(t, "five")
    screen = t.screen()
    assert "13;" not in screen and "[27" not in screen, t.show()
    assert fake_gemini.api_requests("stream") == []  # none of them sent
    assert sent_text(t, fake_gemini) == "one\ntwo\nthree\nfour\nfive"


@pytest.mark.parametrize("width,height", SIZES)
def test_unknown_sequences_are_swallowed(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "a")
    for seq in (b"\x1b[I", b"\x1b[O",            # focus in, focus out
                b"\x1b[?1;2c",                   # a late device-attributes answer
                b"\x1b[12;40R",                  # a late cursor position report
                b"\x1b[?2027;0$y",               # a late DECRQM answer
                b"\x1b[57;3~", b"\x1b[57376u",   # keys nobody knows (kitty's F13)
                b"\x1b]11;rgb:0000/0000/0000\x07"):  # an OSC reply
        send_bytes(t, seq)
    typed(t, "b")
    t.send_keys("Left", "Left")
    send_bytes(t, b"\x1b[4~")  # End as some TERMs send it
    typed(t, "c")
    screen = t.screen()
    for junk in ("[I", "[O", "1;2c", "40R", "2027", "57;3", "57376", "rgb:"):
        assert junk not in screen, (junk, t.show())
    assert sent_text(t, fake_gemini) == "abc"


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_left_and_right_move_by_word(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "alpha beta gamma")
    t.send_keys("C-Left")
    t.send_keys("C-Left")
    typed(t, "X")
    t.send_keys("C-Right")
    typed(t, "Y")
    send_bytes(t, b"\x1b[1;5D")  # Ctrl-Left as the sequence itself
    typed(t, "Z")
    assert sent_text(t, fake_gemini) == "alpha ZXbetaY gamma"


@pytest.mark.parametrize("width,height", SIZES)
def test_double_slash_sends_one_slash(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "//help is not what I want")
    assert sent_text(t, fake_gemini) == "/help is not what I want"


@pytest.mark.parametrize("width,height", SIZES)
def test_a_path_is_offered_as_a_message(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "/etc/hosts explain")
    t.send_keys("Enter")
    t.wait_for("/etc/hosts is no command: Enter again sends")
    assert "unknown command" not in t.screen()
    assert fake_gemini.api_requests("stream") == []
    assert sent_text(t, fake_gemini) == "/etc/hosts explain"  # the second Enter


@pytest.mark.parametrize("width,height", SIZES)
def test_a_mistyped_command_is_still_refused(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "/lo")  # login or logout: ambiguous, never a message
    t.send_keys("Enter")
    t.wait_for("/lo is ambiguous")
    t.send_keys("Enter")
    time.sleep(0.3)
    assert fake_gemini.api_requests("stream") == []


@pytest.mark.parametrize("width,height", SIZES)
def test_rename_and_model_say_what_they_did(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    t.send_text("/rename Trip notes")
    t.send_keys("Enter")
    t.wait_for('renamed this conversation to "Trip notes"')
    t.send_text("/model gemini-2.5-pro")
    t.send_keys("Enter")
    t.wait_for("model: gemini-2.5-pro from the next question on")
    t.send_text("/model not a model")
    t.send_keys("Enter")
    t.wait_for("usage: /model")
    assert t.screen().count("model: ") == 1, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_c_hint_goes_when_its_window_closes(jarvis_tui, width, height):
    t = start(jarvis_tui, width, height)
    t.send_keys("C-c")
    t.wait_for("press Ctrl-C again to quit")
    shown = time.time()
    t.wait_gone("press Ctrl-C again to quit", timeout=4)
    assert time.time() - shown > 1.5
    t.send_keys("C-c")  # a new first press, not a second one
    t.wait_for("press Ctrl-C again to quit")
    assert t.is_alive()


def seed_history(jarvis_env, lines):
    """The input history file as earlier runs leave it."""
    d = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "history"), "w") as f:
        f.write("".join(line + "\n" for line in lines))


def wait_input(t, text):
    """Wait until the input line holds text (the screen drops trailing blanks)."""
    shown = text.rstrip()
    t.wait_for(re.compile("^›" + (" " + re.escape(shown) if shown else "") + "$", re.M))


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_r_searches_the_input_history(jarvis_tui, jarvis_env, fake_gemini, width,
                                           height):
    seed_history(jarvis_env, ["explain the Makefile", "what is a monad",
                              "fix the makefile rule"])
    t = start(jarvis_tui, width, height)
    typed(t, "draft")
    t.send_keys("C-r")
    t.wait_for('search "":')
    t.send_text("make")
    t.wait_for(re.compile(r'search "make": fix the makefile rule$', re.M))
    t.send_keys("C-r")
    t.wait_for(re.compile(r'search "make": explain the Makefile$', re.M))
    t.send_keys("C-r")  # nothing older holds it
    t.wait_for(re.compile(r'no match "make": explain the Makefile$', re.M))
    t.send_keys("Enter")  # keeps the line, does not send it
    t.wait_for(re.compile(r"^› explain the Makefile$", re.M))
    time.sleep(0.2)
    assert fake_gemini.api_requests("stream") == []
    assert t.cursor()[0] == len("› explain the "), t.show()  # on the match
    t.send_keys("C-e", "C-u")
    typed(t, "mine")
    t.send_keys("C-r")
    t.send_text("MONAD")
    t.wait_for(re.compile(r'search "MONAD": what is a monad$', re.M))
    escape(t)  # the search is cancelled: what was typed comes back
    t.wait_for(re.compile(r"^› mine$", re.M))
    t.send_keys("C-r")
    t.send_text("rule")
    t.wait_for("fix the makefile rule")
    t.send_keys("C-e")  # any other key keeps the line and acts
    t.send_text("s")
    t.wait_for(re.compile(r"^› fix the makefile rules$", re.M))
    assert sent_text(t, fake_gemini) == "fix the makefile rules"


@pytest.mark.parametrize("width,height", SIZES)
def test_undo_and_word_deletion(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    typed(t, "hello big world")
    send_bytes(t, b"\x1f")  # Ctrl-_: the last word typed goes
    wait_input(t, "hello big ")
    assert t.cursor()[0] == len("› hello big "), t.show()
    typed(t, "/usr/local/bin")
    t.send_keys("M-BSpace")  # Alt-Backspace: back to the last /
    wait_input(t, "hello big /usr/local/")
    send_bytes(t, b"\x1b\x7f")  # as the bytes most terminals send
    wait_input(t, "hello big /usr/")
    send_bytes(t, b"\x1f")
    wait_input(t, "hello big /usr/local/")
    t.send_keys("C-c")  # empties the line...
    t.wait_for(re.compile(r"^›$", re.M))
    send_bytes(t, b"\x1f")  # ...and Ctrl-_ brings it back
    wait_input(t, "hello big /usr/local/")
    t.paste("pasted words here")
    t.wait_for("here")
    send_bytes(t, b"\x1f")  # a paste goes back whole
    wait_input(t, "hello big /usr/local/")
    t.send_keys("Home", "M-d")  # Alt-D: the word after
    wait_input(t, " big /usr/local/")
    assert sent_text(t, fake_gemini) == " big /usr/local/"


def editor_script(tmp_path, body):
    """An executable "editor": a shell script run with the file to edit as $1."""
    path = tmp_path / "fake-editor"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


# The editor notes what it was given, shows itself, and edits the file.
EDITS = r'''
log="$(dirname "$0")/editor.log"
printf '%s\n' "$1" >> "$log"
ls -l "$1" | cut -c1-10 >> "$log"
test -t 0 && test -t 1 && echo tty >> "$log"
printf 'EDITOR IS RUNNING\n'
sleep 0.3
sed -i 's/draft/composed/' "$1"
printf 'second line\n' >> "$1"
'''


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_x_ctrl_e_composes_in_visual(jarvis_tui, fake_gemini, tmp_path, width, height):
    script = editor_script(tmp_path, EDITS)
    t = start(jarvis_tui, width, height, env={"VISUAL": script, "EDITOR": "false"})
    typed(t, "my draft")
    t.send_keys("C-x", "C-e")
    t.wait_for("EDITOR IS RUNNING")  # the editor has the terminal
    t.wait_for(re.compile(r"^› my composed\n  second line$", re.M))
    assert "EDITOR IS RUNNING" not in t.screen()  # the chat drew itself again
    assert re.search(r"^ guest │ ", t.screen(), re.M), t.show()
    time.sleep(0.2)
    assert fake_gemini.api_requests("stream") == []  # back in the input, unsent
    log = (tmp_path / "editor.log").read_text().split("\n")
    assert log[1] == "-rw-------" and log[2] == "tty", log
    assert not os.path.exists(log[0])  # the file is gone
    send_bytes(t, b"\x1f")  # Ctrl-_ gives the old input back
    wait_input(t, "my draft")
    t.send_keys("C-x", "C-e")
    t.wait_for(re.compile(r"^› my composed$", re.M))
    assert sent_text(t, fake_gemini) == "my composed\nsecond line"


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_g_composes_in_editor_and_a_failure_changes_nothing(jarvis_tui, fake_gemini,
                                                                 tmp_path, width, height):
    script = editor_script(tmp_path, EDITS)
    t = start(jarvis_tui, width, height, env={"EDITOR": script, "VISUAL": None})
    typed(t, "a draft")
    t.send_keys("C-g")
    t.wait_for(re.compile(r"^› a composed\n  second line$", re.M))
    failing = editor_script(tmp_path, 'echo "nothing" > "$1"; exit 3\n')
    t2 = start(jarvis_tui, width, height, env={"EDITOR": failing, "VISUAL": None})
    typed(t2, "kept as it is")
    t2.send_keys("C-g")
    t2.wait_for("failed (status 3)")
    wait_input(t2, "kept as it is")
    # what the editor left is not deleted: the notice says where it is
    assert "kept in" in t2.screen(), t2.show()
    tmp = os.environ.get("TMPDIR") or "/tmp"
    kept = [p for p in glob.glob(os.path.join(tmp, "jarvis-message-*.md"))
            if open(p).read() == "nothing\n"]
    assert len(kept) == 1, kept
    os.unlink(kept[0])
    assert sent_text(t2, fake_gemini) == "kept as it is"


@pytest.mark.parametrize("width,height", SIZES)
def test_composing_waits_for_a_streaming_answer(jarvis_tui, fake_gemini, tmp_path, width,
                                                height):
    slow_answer(fake_gemini)
    script = editor_script(tmp_path, EDITS)
    t = start(jarvis_tui, width, height, env={"EDITOR": script, "VISUAL": None})
    t.send_text("cats")
    t.send_keys("Enter")
    t.wait_for("streaming")
    typed(t, "a draft")
    t.send_keys("C-g")
    t.wait_for("wait for the answer to end")
    assert "EDITOR IS RUNNING" not in t.screen()
    assert not (tmp_path / "editor.log").exists()  # the editor never ran


def slow_answer(fake_gemini):
    """The first answer streams for a few seconds; the next ones are the default."""
    fake_gemini.script([{"kind": "fixture", "path": LONG, "chunk": 200, "delay": 0.05}])


@pytest.mark.parametrize("width,height", SIZES)
def test_enter_while_streaming_queues_the_message(jarvis_tui, fake_gemini, width, height):
    slow_answer(fake_gemini)
    t = start(jarvis_tui, width, height)
    t.send_text("cats")
    t.send_keys("Enter")
    t.wait_for("streaming")
    t.send_text("and birds?")
    t.send_keys("Enter")
    t.wait_for(re.compile(r"^ queued: and birds\?", re.M))
    wait_input(t, "")  # the input is free for the next one
    assert len(fake_gemini.api_requests("stream")) == 1
    assert "streaming" in t.screen()  # it was queued, not sent, and nothing stopped
    (first, second) = fake_gemini.wait_requests(2, "stream", timeout=30)
    assert last_user_text(second["json"]) == "and birds?"
    t.wait_gone("queued:")
    # the first answer was whole when the second question left
    contents = second["json"]["contents"]
    assert [c["role"] for c in contents] == ["user", "model", "user"], contents
    assert "conditions." in "".join(p.get("text", "") for p in contents[1]["parts"])


@pytest.mark.parametrize("width,height", SIZES)
def test_esc_takes_a_queued_message_back(jarvis_tui, fake_gemini, width, height):
    slow_answer(fake_gemini)
    t = start(jarvis_tui, width, height)
    t.send_text("cats")
    t.send_keys("Enter")
    t.wait_for("streaming")
    t.send_text("later")
    t.send_keys("Enter")
    t.wait_for("queued: later")
    escape(t)  # the queued message comes back; the answer goes on
    t.wait_gone("queued:")
    wait_input(t, "later")
    assert "streaming" in t.screen(), t.show()
    t.wait_gone("streaming", timeout=30)
    time.sleep(0.3)
    assert len(fake_gemini.api_requests("stream")) == 1
    assert "interrupted" not in t.screen()


@pytest.mark.parametrize("width,height", SIZES)
def test_quitting_keeps_the_queued_message_and_the_unsent_input(jarvis_tui, fake_gemini,
                                                                 tmp_path, width, height):
    slow_answer(fake_gemini)
    err = tmp_path / "stderr"
    t = start(jarvis_tui, width, height, stderr=err)
    t.send_text("cats")
    t.send_keys("Enter")
    t.wait_for("streaming")
    t.send_text("the queued question")
    t.send_keys("Enter")
    t.wait_for("queued: the queued question")
    t.send_text("/quit")
    t.send_keys("Enter")
    assert t.wait_exit() == 0
    assert err.read_text() == "jarvis: the queued message was not sent; Up brings it back\n"
    assert len(fake_gemini.api_requests("stream")) == 1
    # a draft in the input when the session is ended by a signal is kept too
    t2 = start(jarvis_tui, width, height, stderr=err)
    t2.send_keys("Up")
    wait_input(t2, "/quit")
    t2.send_keys("Up")
    wait_input(t2, "the queued question")
    t2.send_keys("C-u")
    wait_input(t2, "")
    t2.send_text("a draft I never sent")
    wait_input(t2, "a draft I never sent")
    t2.signal(signal.SIGTERM)
    assert t2.wait_exit() == 143
    assert err.read_text() == "jarvis: the unsent input is kept; Up brings it back\n"
    t3 = start(jarvis_tui, width, height)
    t3.send_keys("Up")
    wait_input(t3, "a draft I never sent")


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_z_suspends_and_fg_restores_the_screen(tmux, jarvis_bin, jarvis_env, fake_gemini,
                                                    width, height):
    env = dict(jarvis_env, GEMINI_BASE_URL=fake_gemini.url, PS1="$ ")
    t = tmux.start(["bash", "--norc", "--noprofile", "-i"], env=env, width=width,
                   height=height, cwd=env["HOME"])
    t.wait_for("$")
    t.send_text(jarvis_bin)
    t.send_keys("Enter")
    t.wait_for(re.compile(r"^ guest │ ", re.M))
    t.send_text("hello")
    t.send_keys("Enter")
    t.wait_for("Cheyenne")
    typed(t, "a draft")
    t.send_keys("C-z")
    t.wait_for("Stopped")  # the shell has the terminal
    assert t._display("#{alternate_on}") == "0"
    assert "F1 help" not in t.screen()
    t.send_text("fg")
    t.send_keys("Enter")
    t.wait_for(re.compile(r"^ guest │ ", re.M))
    t.wait_for("Cheyenne")
    wait_input(t, "a draft")
    assert t._display("#{alternate_on}") == "1"
    typed(t, " and more")  # the chat is the chat again
    assert sent_text(t, fake_gemini, 2) == "a draft and more"


@pytest.mark.parametrize("width,height", SIZES)
def test_sigterm_exits_143_and_stores_the_answer_as_interrupted(jarvis_tui, fake_gemini,
                                                                jarvis_env, run_jarvis,
                                                                width, height):
    from sealer import opened_messages
    from test_tui_accounts import cli_signup
    cli_signup(run_jarvis)
    slow_answer(fake_gemini)
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    t.send_text("cats")
    t.send_keys("Enter")
    t.wait_for("Domestication")
    t.signal(signal.SIGTERM)
    assert t.wait_exit(timeout=15) == 143
    rows = opened_messages(jarvis_env)
    assert rows[0] == ("user", "cats", "complete"), rows
    role, text, status = rows[1]
    assert (role, status) == ("model", "interrupted"), rows
    assert "Domestication" in text and "conditions." not in text


def stored_conv(run_jarvis, question):
    """A conversation stored by -p; its id as --convs shows it."""
    r = run_jarvis(["-p", question])
    assert r.returncode == 0, r.stderr
    out = run_jarvis(["--convs"]).stdout
    line = next(ln for ln in out.splitlines() if question[:10] in ln)
    return line.split()[0]


@pytest.mark.parametrize("width,height", SIZES)
def test_dash_c_opens_the_chat_on_that_conversation(jarvis_tui, fake_gemini, run_jarvis,
                                                    width, height):
    from test_tui_accounts import cli_signup
    cli_signup(run_jarvis)
    first = stored_conv(run_jarvis, "the first stored question")
    stored_conv(run_jarvis, "another conversation")
    t = start(jarvis_tui, width, height, args=["-C", first])
    t.wait_for("the first stored question")
    t.wait_for("Cheyenne")
    assert "another conversation" not in t.screen()
    t.send_text("and a follow-up")
    body = None
    t.send_keys("Enter")
    body = fake_gemini.wait_requests(3, "stream")[2]["json"]
    texts = [last_user_text({"contents": [c]}) for c in body["contents"]]
    assert texts[0] == "the first stored question" and texts[-1] == "and a follow-up", texts
    assert len(texts) == 3
    # the answer went on in that conversation
    wait_until(lambda: re.search(r"^%s\s.*\b4\b" % re.escape(first),
                                 run_jarvis(["--convs"]).stdout, re.M),
               what="four messages in conversation " + first)


@pytest.mark.parametrize("width,height", SIZES)
def test_dash_c_without_a_login_or_with_a_wrong_id_says_so(jarvis_tui, fake_gemini,
                                                           run_jarvis, tmp_path, width,
                                                           height):
    from test_tui_accounts import cli_signup
    cli_signup(run_jarvis)
    t = start(jarvis_tui, width, height, args=["-C", "999999"])
    t.wait_for(re.compile(r"no conversation 999999 among yours"))
    assert t.is_alive()
    assert run_jarvis(["--logout"]).returncode == 0
    # the contract: -C needs a login, exit 4, said before the screen is taken
    err = tmp_path / "stderr"
    t2 = jarvis_tui(args=["-C", "1"], width=width, height=height, stderr=err)
    assert t2.wait_exit() == 4
    assert err.read_text() == "jarvis: not logged in; run jarvis --login EMAIL\n"


def click(t, x, y):
    """A left click at column x, row y (0-based), as an X10 mouse report."""
    send_bytes(t, b"\x1b[M" + bytes([32 + 0, 33 + x, 33 + y]))  # press
    send_bytes(t, b"\x1b[M" + bytes([32 + 3, 33 + x, 33 + y]))  # release


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("mode", ["wheel", "full", "off"])
def test_the_mouse_takes_the_wheel_by_default_and_clicks_when_full(jarvis_tui, fake_gemini,
                                                                   tmp_path, mode, width,
                                                                   height):
    env = {}
    if mode != "wheel":  # the default
        conf = tmp_path / "jarvis.ini"
        conf.write_text("[ui]\nmouse = %s\n" % mode)
        env["JARVIS_CONFIG"] = str(conf)
    t = start(jarvis_tui, width, height, env=env)
    flags = {f: t._display("#{%s}" % f) for f in
             ("mouse_any_flag", "mouse_standard_flag", "mouse_button_flag", "mouse_all_flag")}
    if mode == "off":
        assert flags["mouse_any_flag"] == "0", flags
    else:
        # presses only: no motion tracking, so Shift-drag selects in the terminal
        assert flags["mouse_standard_flag"] == "1", flags
        assert flags["mouse_button_flag"] == "0" and flags["mouse_all_flag"] == "0", flags
    typed(t, "abcdef")
    if mode != "off":  # with reporting off the terminal sends no clicks
        click(t, len("› ab"), height - 1)  # on the "c"
        time.sleep(0.2)
    t.send_text("X")
    want = "abXcdef" if mode == "full" else "abcdefX"
    wait_input(t, want)
    assert sent_text(t, fake_gemini) == want


@pytest.mark.parametrize("width,height", SIZES)
def test_tab_completes_home_paths_with_blanks_models_convs_and_help(
        jarvis_tui, fake_gemini, jarvis_env, run_jarvis, width, height):
    from test_oneshot import png_bytes
    from test_tui_accounts import cli_signup
    pics = os.path.join(jarvis_env["HOME"], "holiday pics")
    os.makedirs(pics)
    with open(os.path.join(pics, "beach day.png"), "wb") as f:
        f.write(png_bytes())
    cli_signup(run_jarvis)
    stored_conv(run_jarvis, "Trip planning for Lisbon")
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    t.send_text("/attach ~/hol")
    t.send_keys("Tab")
    wait_input(t, r"/attach ~/holiday\ pics/")
    t.send_keys("Tab")
    wait_input(t, r"/attach ~/holiday\ pics/beach\ day.png ")
    t.send_keys("Enter")  # ~ is the home directory, the blanks are the file's
    t.wait_for("attached ~/holiday pics/beach day.png")
    assert "cannot" not in t.screen(), t.show()
    t.send_text("/help mo")
    t.send_keys("Tab")
    wait_input(t, "/help model ")
    t.send_keys("C-u")
    t.send_text("/model gemini-3.1-p")
    t.send_keys("Tab")
    wait_input(t, "/model gemini-3.1-pro-preview ")
    t.send_keys("C-u")
    t.send_text("/convs")
    t.send_keys("Enter")
    t.wait_for("Trip planning")
    t.send_text("/select lisb")  # by title: its number
    t.send_keys("Tab")
    wait_input(t, "/select 1 ")
    t.send_keys("Enter")
    t.wait_for('opened "')


@pytest.mark.parametrize("width,height", SIZES)
def test_ctrl_c_hint_is_never_left_in_the_history(jarvis_tui, run_jarvis, width, height):
    # A long name and the quota leave the hint no room of its own at 80 columns.
    from test_tui import status_row
    from test_tui_accounts import cli_signup
    cli_signup(run_jarvis, name="Grace Brewster Murray Hopper", email="grace@example.org")
    t = jarvis_tui(width=width, height=height)
    t.wait_for(re.compile(r"^ Grace Brewster Murray Hopper │ .*RPD", re.M))
    row = status_row(t)
    before = t.capture()
    for _ in range(2):
        t.send_keys("C-c")
        t.wait_for("press Ctrl-C again to quit")
        # on the status line, in the place of what matters less for its moment
        assert "press Ctrl-C again to quit" in t.capture()[row], t.show()
        assert t.screen().count("Ctrl-C again") == 1, t.show()
        t.wait_gone("press Ctrl-C again to quit", timeout=4)
    assert t.is_alive()
    # gone from the screen, history included: the status line is as it was
    assert t.capture() == before, t.show()
