"""End-to-end tests of the interactive TUI: the real ./jarvis in tmux.

What it is for: checking what a user of the terminal interface sees and what
reaches the (fake) Gemini server: the layout at several sizes, streaming,
scrolling while an answer arrives, the F1/F2 panels, resizing, wide and
joining characters, bracketed paste, stopping, signals, exits, input history
and idleness. Accounts and the store are in test_tui_accounts.py.
What it must not do: sleep for fixed long times (it waits for text on the
screen or for requests), or reach the network (the fake server only).

The helpers at the top are shared with test_tui_accounts.py.
"""

import json
import os
import re
import signal
import time

import pytest

import fake_gemini as fg

LONG = "googleai/streaming-success-basic-reply-long.txt"
SHORT_ANSWER = "The capital of Wyoming is Cheyenne."
SIZES = [(80, 24), (120, 40), (40, 12)]
PW = "correct horse battery"


# ---------------------------------------------------------------- helpers

def start(jarvis_tui, width=80, height=24, env=None, args=(), stderr=None):
    """jarvis in a width x height pane, once its status line is drawn."""
    t = jarvis_tui(args=args, env=env, width=width, height=height, stderr=stderr)
    t.wait_for(re.compile(r"^ (guest|\S+) │ ", re.M))
    return t


def status_row(t):
    """The row index of the status line (the reverse-video line above the input)."""
    lines = t.capture()
    for i in range(len(lines) - 1, -1, -1):
        if re.match(r"^ \S+( \S+)* │ ", lines[i]):
            return i
    raise AssertionError("no status line on screen:\n" + t.show())


def send(t, text):
    t.send_text(text)
    t.send_keys("Enter")


def escape(t):
    """Esc alone: a key right after Esc would read as Alt+key."""
    t.send_keys("Escape")
    time.sleep(0.1)


def stream_bodies(fake):
    return [r["json"] for r in fake.api_requests("stream")]


def last_user_text(body):
    return "".join(p.get("text", "") for p in body["contents"][-1]["parts"])


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat(5); fields[0] is field 3
    return int(fields[11]) + int(fields[12])


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until(cond, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.03)


def plain(text):
    """Markdown source reduced to the words a reader sees, one space apart."""
    text = re.sub(r"[*#`_]", "", text)
    return " ".join(text.split())


def shown_words(rows):
    """Rows of an answer on screen as words one space apart (bullets dropped)."""
    return " ".join(" ".join(r.replace("•", " ").split()) for r in rows).strip()


# ---------------------------------------------------------------- layout

@pytest.mark.parametrize("width,height", SIZES)
def test_layout_status_input_and_headers(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    lines = t.capture()
    assert len(lines) == height
    assert status_row(t) == height - 2, t.show()
    # narrow, the model's name is shortened so that the quota stays (issue 13)
    model = "gemini-3.5-flash" if width >= 60 else "gemini-3"
    assert lines[height - 2].startswith(" guest │ " + model), t.show()
    assert "RPM" in lines[height - 2], t.show()
    assert lines[height - 1].startswith("›"), t.show()
    assert t.cursor() == (2, height - 1)

    send(t, "hi")
    t.wait_for(re.compile(r"^ gemini-3\.5-flash · \d\d:\d\d$", re.M))
    t.wait_for("Cheyenne")
    lines = t.capture()
    you = [i for i, ln in enumerate(lines) if re.match(r"^ you · \d\d:\d\d$", ln)]
    model = [i for i, ln in enumerate(lines) if re.match(r"^ gemini-3\.5-flash · \d\d:\d\d$", ln)]
    assert len(you) == 1 and len(model) == 1, t.show()
    assert lines[you[0] + 1] == " hi"
    assert model[0] > you[0]
    assert "Cheyenne" in " ".join(lines[model[0] + 1:model[0] + 3])
    assert lines[height - 1] == "›", t.show()
    assert t.cursor() == (2, height - 1)

    # the input grows with its lines, up to a third of the screen
    for i in range(14):
        t.send_text("line %d" % i)
        t.send_keys("C-j")
    t.send_text("last")
    cap = max(1, height // 3)
    t.wait_for("last")
    wait_until(lambda: status_row(t) == height - 1 - cap, what="the input to grow")
    lines = t.capture()
    assert lines[-1] == "  last", t.show()
    assert t.cursor() == (6, height - 1)


def test_no_color_and_color(jarvis_tui, fake_gemini):
    t = start(jarvis_tui, env={"NO_COLOR": "1"})
    send(t, "hi")
    t.wait_for("Cheyenne")
    esc = "\n".join(t.capture(escapes=True))
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m|\x1b\[38;", esc), esc
    t2 = start(jarvis_tui)
    send(t2, "hi")
    t2.wait_for("Cheyenne")
    esc = "\n".join(t2.capture(escapes=True))
    assert re.search(r"\x1b\[[0-9;]*3[0-7]m", esc), esc


# ---------------------------------------------------------------- streaming

def test_long_answer_streams_in(jarvis_tui, fake_gemini):
    fake_gemini.script([{"kind": "fixture", "path": LONG, "chunk": 400, "delay": 0.03}])
    t = start(jarvis_tui)
    send(t, "tell me about cats and dogs")
    # seen while it arrives, with the spinner and rate on the status line
    t.wait_for(re.compile(r"gemini-3\.5-flash · \d\d:\d\d · streaming"))
    t.wait_for(re.compile(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] streaming \d+ tok/s"))
    t.wait_for("conditions.", timeout=15)
    t.wait_gone("streaming")
    lines = t.capture()
    row = status_row(t)
    body = [ln for ln in lines[:row] if ln.strip()]
    # the last rows of the pane are the end of the answer, wrapped at 80
    want = plain(fg.fixture_text(LONG))
    tail = shown_words(body[-4:])
    assert want.endswith(tail), (tail, t.show())
    assert all(len(ln) <= 80 for ln in lines)
    (req,) = fake_gemini.api_requests("stream")
    assert last_user_text(req["json"]) == "tell me about cats and dogs"


def slow_long(fake, delay=0.08):
    fake.script([{"kind": "fixture", "path": LONG, "chunk": 120, "delay": delay}])


def more_lines(t):
    m = re.search(r"↓ (\d+) more lines? \(End\)", t.screen())
    return int(m.group(1)) if m else None


def test_scroll_up_holds_the_view_while_text_arrives(jarvis_tui, fake_gemini):
    slow_long(fake_gemini)
    t = start(jarvis_tui)
    send(t, "cats and dogs")
    # more than a screen has arrived: there is something to scroll back to
    t.wait_for("II.  Specific Traits")
    t.send_keys("PPage")
    t.wait_for(re.compile(r"↓ \d+ more lines? \(End\)"))
    row = status_row(t)
    first = t.capture()[:row - 1]
    n1 = more_lines(t)
    # text keeps arriving below: the count grows, the view stays
    wait_until(lambda: (more_lines(t) or 0) > n1 + 3, what="more lines below")
    assert t.capture()[:row - 1] == first, t.show()
    # the marker has a row of its own, not drawn over a history row's text
    marker_row = t.capture()[row - 1]
    assert re.fullmatch(r"\s*↓ \d+ more lines? \(End\)\s*", marker_row), marker_row
    # End follows again
    t.send_keys("End")
    t.wait_gone("more line")
    # PgUp, then PgDn back down to the end
    t.send_keys("PPage")
    t.wait_for("more line")
    for _ in range(60):
        t.send_keys("NPage")
        if more_lines(t) is None:
            break
        time.sleep(0.05)
    t.wait_gone("more line")
    t.wait_for("conditions.", timeout=20)
    assert more_lines(t) is None


def test_mouse_wheel_scrolls(jarvis_tui, fake_gemini):
    fake_gemini.script([LONG])
    t = start(jarvis_tui)
    send(t, "cats")
    t.wait_for("conditions.")
    t.wait_gone("streaming")
    assert t._display("#{mouse_any_flag}") == "1" or t._display("#{mouse_button_flag}") == "1"
    # wheel-up reports (X10 encoding, button 64), as the terminal sends them
    for _ in range(4):
        t.send_text("\x1b[M`*%")
        time.sleep(0.05)
    t.wait_for("more line")
    for _ in range(40):
        t.send_text("\x1b[Ma*%")  # wheel down
    t.wait_gone("more line")


# ---------------------------------------------------------------- overlays

COMMANDS_C = os.path.join(os.path.dirname(__file__), "..", "..", "src", "cmd", "commands.c")


def command_table():
    """(name, help) of each row of the command table in src/cmd/commands.c, in order."""
    with open(COMMANDS_C, encoding="utf-8") as f:
        text = f.read()
    table = text.split("static const struct cmd_entry table[] = {", 1)[1].split("\n};", 1)[0]
    rows = re.findall(r'\{"(\w+)",\s*(?:NULL|"\w*"),\s*"[^"]*",\s*((?:"[^"]*"\s*)+),', table)
    return [(name, "".join(re.findall(r'"([^"]*)"', helps))) for name, helps in rows]


PAGE_RANGE = re.compile(r"(\d+)-(\d+) of (\d+)")


def help_pages(t):
    """Opens F1 and pages down to its end; returns the screens seen, in order."""
    t.send_keys("F1")
    t.wait_for("Commands")
    pages = []
    for _ in range(60):
        screen = t.capture()
        pages.append(screen)
        m = PAGE_RANGE.search("\n".join(screen))
        assert m, t.show()
        if m.group(2) == m.group(3):
            return pages
        t.send_keys("NPage")
        wait_until(lambda: PAGE_RANGE.search(t.screen()).group(0) != m.group(0),
                   what="the next page")
    raise AssertionError("F1 never reached its end:\n" + t.show())


def box_rows(screen):
    """The rows inside the panel's box, and the box's top and bottom border rows."""
    top = next(i for i, r in enumerate(screen) if "┌" in r)
    bottom = next(i for i, r in enumerate(screen) if "└" in r)
    return screen[top + 1:bottom], screen[top], screen[bottom]


@pytest.mark.parametrize("width,height", [(80, 24), (120, 40)])
def test_f1_lists_the_commands(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    pages = help_pages(t)
    table = command_table()
    assert len(table) > 20 and table[-1][0] == "quit"
    inside = []
    for n, screen in enumerate(pages):
        rows, top, bottom = box_rows(screen)
        right = top.index("┐")
        # nothing runs over the border: every row ends at the box's right edge
        for r in rows:
            assert r[right] == "│" and r.count("│") == 2, (r, t.show())
        inside += [r[r.index("│") + 1:right] for r in rows[:-1]]  # the last: the hint
        m = PAGE_RANGE.search(rows[-1])
        # a marker on the border says how much is out of view, and which key shows it
        below = int(m.group(3)) - int(m.group(2))
        if below:
            assert "↓ %d more (PgDn)" % below in bottom, t.show()
        else:
            assert "more" not in bottom, t.show()
        if n > 0:
            assert "↑ %d more (PgUp)" % (int(m.group(1)) - 1) in top, t.show()
        else:
            assert "more" not in top, t.show()
    assert len(pages) > 1
    # a help too long for its row goes on in its column, beside the name
    assert any(re.search(r"/signup \[NAME EMAIL\] +create an account", r) for r in inside), inside
    text = " ".join(" ".join(inside).split())
    # every command of the table is listed with its help, whole (wrapped, never cut)
    for name, help in table:
        assert re.search(r"/%s\b" % name, text), (name, text)
        assert " ".join(help.split()) in text, (name, help, text)
    escape(t)
    t.wait_gone("Commands")
    # /help opens the same list
    send(t, "/help")
    t.wait_for("Commands")
    escape(t)
    t.wait_gone("Commands")


def test_model_without_a_name_opens_the_picker(jarvis_tui, fake_gemini):
    t = start(jarvis_tui, 100, 30)
    send(t, "/model")
    t.wait_for("Models")
    escape(t)
    t.wait_gone("Models")


def test_f2_picks_the_model_of_the_next_request(jarvis_tui, fake_gemini):
    t = start(jarvis_tui, 100, 30)
    # the list is asked for when it is first needed, never at start-up
    time.sleep(0.3)
    assert fake_gemini.api_requests("models") == []
    t.send_keys("F2")
    t.wait_for("Models")
    fake_gemini.wait_requests(1, "models")
    # the list merges the built-in table with the server's: each model once
    t.wait_for("fake-only-model")
    screen = t.screen()
    assert len(re.findall(r"\bgemini-2\.5-flash\b(?!-)", screen)) == 1, t.show()
    assert "text-embedding" not in screen
    assert re.search(r"● gemini-3\.5-flash", screen), t.show()
    assert re.search(r"gemini-3\.5-flash\s+5/min\s+20/day", screen), t.show()
    t.send_text("lite")
    t.wait_for("filter: lite")
    t.send_keys("Enter")
    t.wait_gone("Models")
    t.wait_for("│ gemini-2.5-flash-lite")
    send(t, "which model?")
    t.wait_for("Cheyenne")
    (req,) = fake_gemini.api_requests("stream")
    assert req["route"] == "/v1beta/models/gemini-2.5-flash-lite:streamGenerateContent"
    assert re.search(r"^ gemini-2\.5-flash-lite · ", t.screen(), re.M)
    # arrows and Esc: Esc leaves the model alone
    t.send_keys("F2")
    t.wait_for("Models")
    t.send_keys("Down")
    escape(t)
    t.wait_gone("Models")
    assert "│ gemini-2.5-flash-lite" in t.screen()


# ---------------------------------------------------------------- resize

def test_resize_mid_stream_reflows(jarvis_tui, fake_gemini):
    slow_long(fake_gemini, delay=0.04)
    t = start(jarvis_tui, 80, 24)
    send(t, "cats and dogs")
    t.wait_for("Domestication")
    t.resize(50, 20)
    time.sleep(0.2)
    t.resize(100, 30)
    time.sleep(0.2)
    t.resize(60, 18)
    t.wait_for("conditions.", timeout=20)
    t.wait_gone("streaming")
    assert t.size() == (60, 18)
    lines = t.capture()
    assert len(lines) == 18
    assert status_row(t) == 16
    assert all(len(ln) <= 60 for ln in lines)
    body = [ln for ln in lines[:16] if ln.strip()]
    want = plain(fg.fixture_text(LONG))
    tail = shown_words(body[-8:])
    assert want.endswith(tail), (tail, t.show())
    # what is on the terminal is what jarvis means to show: a full redraw agrees
    before = t.capture()
    t.send_keys("C-l")
    time.sleep(0.2)
    assert t.capture() == before


def test_too_small_then_back(jarvis_tui, fake_gemini):
    t = start(jarvis_tui, 80, 24)
    send(t, "hi")
    t.wait_for("Cheyenne")
    t.resize(19, 5)
    t.wait_for("terminal too small")
    t.resize(10, 3)
    t.wait_for("too")
    assert t.capture()[0] == "terminal" and t.capture()[1].startswith("too"), t.show()
    assert t.is_alive()
    t.resize(80, 24)
    t.wait_gone("terminal too small")
    t.wait_for("Cheyenne")
    assert status_row(t) == 22
    t.resize(20, 6)
    t.wait_for(re.compile(r"^ guest", re.M))
    assert "too small" not in t.screen()


# ---------------------------------------------------------------- text

def test_wide_and_joining_characters_move_the_cursor_by_what_is_seen(jarvis_tui, fake_gemini):
    fake_gemini.script([{"kind": "text",
                         "text": "A می‌خواهم B\n\nC 你好世界 D\n\nE 👍🏽 F\n"}])
    t = start(jarvis_tui)
    # tmux 3.3a draws a skin tone as a glyph of its own: 👍🏽 is 4 columns
    for text, width in (("می‌خواهم", 7), ("你好世界", 8), ("👍🏽", 4), ("e\u0301", 1)):
        t.send_text(text)
        wait_until(lambda: t.cursor() == (2 + width, 23), timeout=5,
                   what="cursor after %r (at %r)" % (text, t.cursor()))
        t.send_keys("Left")
        wait_until(lambda: t.cursor()[0] < 2 + width, timeout=5, what="Left")
        t.send_keys("End")
        t.send_keys("C-u")
        wait_until(lambda: t.cursor() == (2, 23), timeout=5, what="C-u")
    # together, then moving back over the whole line one cluster at a time
    t.send_text("می‌خواهم你好世界👍🏽")
    wait_until(lambda: t.cursor() == (2 + 7 + 8 + 4, 23), what="cursor at the end")
    t.send_keys(*(["Left"] * 13))
    wait_until(lambda: t.cursor() == (2, 23), what="cursor at the start (%r)" % (t.cursor(),))
    t.send_keys("C-e", "C-u")
    send(t, "go")
    t.wait_for("E 👍🏽 F")
    lines = t.capture()
    assert " A می‌خواهم B" in lines
    assert " C 你好世界 D" in lines
    assert " E 👍🏽 F" in lines


def test_paste_is_not_sent_until_enter(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    t.paste("first pasted line\nsecond pasted line")
    t.wait_for("second pasted line")
    time.sleep(0.3)
    assert fake_gemini.api_requests("stream") == []
    assert status_row(t) == 21  # the input has two rows
    t.paste("\r")  # a pasted CR is a new line too, never Enter
    time.sleep(0.3)
    assert fake_gemini.api_requests("stream") == []
    t.send_keys("BSpace")
    t.send_keys("Enter")
    (req,) = fake_gemini.wait_requests(1, "stream")
    assert last_user_text(req["json"]) == "first pasted line\nsecond pasted line"
    t.wait_for("Cheyenne")


def test_esc_stops_the_answer_and_keeps_it(jarvis_tui, fake_gemini):
    fake_gemini.script([{"kind": "drip", "interval": 0.01, "chunk": 3,
                         "source": {"kind": "fixture", "path": LONG}}])
    t = start(jarvis_tui)
    send(t, "cats")
    t.wait_for("Okay, let's dive")
    escape(t)
    t.wait_for(re.compile(r"^ gemini-3\.5-flash · \d\d:\d\d · interrupted", re.M))
    t.wait_gone("streaming")
    assert "Okay, let's dive into the world of cats and dogs!" in t.screen()
    (req,) = fake_gemini.api_requests("stream")
    wait_until(lambda: req["finished"] is not None, what="the request to end")
    # the input still works and the next answer goes out normally
    send(t, "again")
    t.wait_for("Cheyenne")
    assert len(fake_gemini.api_requests("stream")) == 2


@pytest.mark.parametrize("spec,mark", [
    ("googleai/streaming-failure-prompt-blocked-safety.txt", "blocked"),
    ({"kind": "bad_key"}, "error"),
    ({"kind": "midstream_error", "events": 2, "text": "half an answer then "}, "error"),
])
def test_blocked_and_failed_answers_are_marked(jarvis_tui, fake_gemini, spec, mark):
    fake_gemini.script([spec])
    t = start(jarvis_tui)
    send(t, "hello")
    t.wait_for(re.compile(r"^ gemini-3\.5-flash · \d\d:\d\d · %s" % mark, re.M))
    t.wait_gone("streaming")
    if isinstance(spec, dict) and spec["kind"] == "midstream_error":
        assert "half an answer then" in t.screen()


def test_ctrl_c_stops_the_answer(jarvis_tui, fake_gemini):
    fake_gemini.script([{"kind": "drip", "interval": 0.01, "chunk": 3,
                         "source": {"kind": "fixture", "path": LONG}}])
    t = start(jarvis_tui)
    send(t, "cats")
    t.wait_for("Okay, let's dive")
    t.send_keys("C-c")
    t.wait_for("· interrupted")
    assert t.is_alive()


def test_typing_scrolling_and_overlays_while_streaming(jarvis_tui, fake_gemini):
    slow_long(fake_gemini, delay=0.04)
    t = start(jarvis_tui)
    send(t, "cats")
    t.wait_for("Domestication")
    t.send_text("next question")
    t.wait_for("› next question")
    t.send_keys("F1")
    t.wait_for("Commands")
    escape(t)
    t.wait_gone("Commands")
    t.wait_for("conditions.", timeout=20)
    assert t.capture()[-1] == "› next question"


# ---------------------------------------------------------------- exits

def test_sighup_leaves_no_process(jarvis_tui, fake_gemini):
    slow_long(fake_gemini)
    t = start(jarvis_tui)
    pid = t.pane_pid()
    send(t, "cats")
    t.wait_for("Domestication")
    t.signal(signal.SIGHUP)
    t.wait_exit()
    wait_until(lambda: not pid_alive(pid), what="jarvis to go")
    threads = "/proc/%d/task" % pid
    assert not os.path.exists(threads) or not pid_alive(pid)


def start_under_shell(tmux, jarvis_bin, jarvis_env, width=80, height=24):
    """jarvis run by a shell that stays after it, so the terminal state can be read."""
    script = '"$0"; echo "jarvis exited $?"; exec sleep 60'
    tmux.start(["sh", "-c", script, jarvis_bin], env=jarvis_env, width=width, height=height,
               cwd=jarvis_env["HOME"])
    tmux.wait_for(re.compile(r"^ guest │ ", re.M))
    return tmux


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "quit"])
def test_every_exit_restores_the_terminal(tmux, jarvis_bin, jarvis_env, fake_gemini, how):
    jarvis_env["GEMINI_BASE_URL"] = fake_gemini.url
    t = start_under_shell(tmux, jarvis_bin, jarvis_env)
    assert t._display("#{alternate_on}") == "1"
    assert t._display("#{mouse_any_flag}") == "1"
    send(t, "hi")
    t.wait_for("Cheyenne")
    pid = int(t._display("#{pane_pid}"))
    while open("/proc/%d/comm" % pid).read().strip() != "jarvis":
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pid = int(f.read().split()[0])
    if how == "quit":
        send(t, "/quit")
    else:
        os.kill(pid, getattr(signal, how))
    t.wait_for("jarvis exited")
    wait_until(lambda: not pid_alive(pid), what="jarvis to go")
    assert t._display("#{alternate_on}") == "0"
    assert t._display("#{keypad_cursor_flag}") == "0"
    assert t._display("#{mouse_any_flag}") == "0"
    assert t._display("#{cursor_flag}") == "1"
    assert "F1 help" not in t.screen()
    # bracketed paste is off again: a paste reaches the shell without the markers
    t.paste("echo pasted")
    time.sleep(0.2)
    assert "200~" not in t.screen()


def test_ctrl_d_on_an_empty_line_exits_0(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    t.send_text("x")
    t.send_keys("C-d")  # not empty: deletes forward (nothing), stays
    time.sleep(0.2)
    assert t.is_alive()
    t.send_keys("C-u")
    t.send_keys("C-d")
    assert t.wait_exit() == 0
    assert t._display("#{alternate_on}") == "0"


def test_ctrl_c_twice_exits(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    t.send_keys("C-c")
    t.wait_for("Ctrl-C again")
    assert t.is_alive()
    t.send_keys("C-c")
    assert t.wait_exit() == 0


def test_quit_command_exits_0(jarvis_tui, fake_gemini):
    t = start(jarvis_tui)
    send(t, "/quit")
    assert t.wait_exit() == 0


# ---------------------------------------------------------------- history

def test_input_history_survives_a_restart_without_logins(jarvis_tui, fake_gemini, jarvis_env):
    t = start(jarvis_tui)
    send(t, "remember this line")
    t.wait_for("Cheyenne")
    send(t, "/login ann@example.org hunter2hunter2")
    t.wait_for(re.compile(r"no account|wrong|password|not"))
    send(t, "/login")
    t.wait_for("e-mail:")
    send(t, "ann@example.org")
    t.wait_for("password:")
    send(t, "sekrit-typed-pw")
    t.wait_for(re.compile(r"no account|wrong|password|not"), timeout=15)
    send(t, "/whoami")
    t.wait_for("guest: nothing is stored")
    send(t, "/quit")
    assert t.wait_exit() == 0
    path = os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "history")
    with open(path, encoding="utf-8") as f:
        hist = f.read()
    assert "remember this line" in hist
    assert "/whoami" in hist
    assert "hunter2" not in hist
    assert "sekrit" not in hist
    assert "ann@example.org" not in hist
    assert "/login" not in hist

    t2 = start(jarvis_tui)
    t2.send_keys("Up")
    t2.wait_for("› /quit")
    t2.send_keys("Up")
    t2.wait_for("› /whoami")
    t2.send_keys("Up")
    t2.wait_for("› remember this line")
    t2.send_keys("Down")
    t2.wait_for("› /whoami")
    # at a password prompt Up recalls nothing
    t2.send_keys("C-u")
    send(t2, "/login")
    t2.wait_for("e-mail:")
    send(t2, "x@example.org")
    t2.wait_for("password:")
    t2.send_keys("Up")
    time.sleep(0.2)
    assert t2.capture()[-1] == "password:", t2.show()


def test_tab_completes_commands_and_attach_paths(jarvis_tui, fake_gemini, jarvis_env):
    os.makedirs(os.path.join(jarvis_env["HOME"], "pics"))
    with open(os.path.join(jarvis_env["HOME"], "pics", "photo-one.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
    t = start(jarvis_tui)
    t.send_text("/who")
    t.send_keys("Tab")
    t.wait_for("› /whoami")
    wait_until(lambda: t.cursor() == (10, 23), what="the cursor after the space")
    t.send_keys("C-u")
    t.send_text("/attach pi")
    t.send_keys("Tab")
    t.wait_for("› /attach pics/")
    t.send_keys("Tab")
    t.wait_for("› /attach pics/photo-one.png")


# ---------------------------------------------------------------- idle

@pytest.mark.parametrize("who", ["guest", "user"])
def test_idle_uses_no_cpu(jarvis_tui, fake_gemini, run_jarvis, who):
    if who == "user":
        r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                       input=PW + "\n")
        assert r.returncode == 0, r.stderr
    t = start(jarvis_tui)
    if who == "user":
        t.wait_for(re.compile(r"^ Ann │ ", re.M))
    send(t, "hi")
    t.wait_for("Cheyenne")
    t.wait_gone("streaming")
    t.wait_gone("pending")
    pid = t.pane_pid()
    time.sleep(0.5)  # let the last repaint and the store settle
    before = cpu_ticks(pid)
    time.sleep(3)
    after = cpu_ticks(pid)
    assert after == before, "jarvis used %d CPU ticks while idle" % (after - before)
