"""End-to-end tests of the commands' confirmations and errors, at 80x24 and 120x40.

What it is for: a new user's trial of the commands (issue 13: every command
says what it did, bad input gets an error that says what to do, nothing
typed is lost): /delete names an untitled conversation as /convs does and
refuses an id that names nothing before asking; /select and -C say whether
the argument is no number or id at all or names no conversation, and where
the right ones are listed, with the typed line kept.
What it must not do: reach the network (the fake Gemini only).
"""

import os
import re

import pytest

from test_store_faults import answer
from test_tui import send, start, status_row, wait_until
from test_tui_accounts import cli_signup

SIZES = [(80, 24), (120, 40)]


def joined(t):
    """The screen's rows joined by blanks: a notice wrapped over rows reads whole."""
    return " ".join(" ".join(ln.split()) for ln in t.capture())


def wait_joined(t, text, timeout=10):
    wait_until(lambda: text in joined(t), timeout=timeout,
               what="%r on screen:\n%s" % (text, t.show()))


def input_row(t):
    return t.capture()[-1]


def logged_in(jarvis_tui, run_jarvis, width, height, args=()):
    cli_signup(run_jarvis)
    t = start(jarvis_tui, width, height, args=args)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    return t


@pytest.mark.parametrize("width,height", SIZES)
def test_delete_names_an_untitled_conversation_as_convs_does(jarvis_tui, fake_gemini,
                                                             run_jarvis, width, height):
    t = logged_in(jarvis_tui, run_jarvis, width, height)
    answer(fake_gemini, "titles come from the question")
    send(t, "/new")
    send(t, "what about titles")
    t.wait_for("titles come from the question")
    t.wait_gone("streaming")
    wait_until(lambda: "pending" not in t.capture()[-2], what="the writes")
    send(t, "/convs")
    wait_joined(t, "what about titles (2 messages)")
    # the status line names it too
    wait_until(lambda: "what about" in t.capture()[status_row(t)],
               what="the title on the status line:\n" + t.show())
    send(t, "/delete")
    wait_joined(t, 'delete "what about titles" (this one) for good? type yes:')
    assert "untitled" not in joined(t), t.show()
    send(t, "no")
    wait_joined(t, "not deleted")


@pytest.mark.parametrize("width,height", SIZES)
def test_delete_of_nothing_is_refused_before_asking(jarvis_tui, fake_gemini, run_jarvis,
                                                    width, height):
    t = logged_in(jarvis_tui, run_jarvis, width, height)
    answer(fake_gemini, "one stored answer")
    send(t, "a question to store")
    t.wait_for("one stored answer")
    t.wait_gone("streaming")
    wait_until(lambda: "pending" not in t.capture()[-2], what="the writes")
    send(t, "/delete 999")
    wait_joined(t, "there is no conversation 999 (neither a list number nor an id of "
                   "yours); /convs or F3 lists them")
    assert "for good?" not in joined(t), t.show()
    wait_until(lambda: input_row(t).endswith("/delete 999"), what="the line kept:\n" + t.show())
    t.send_keys("C-u")
    # one made elsewhere, on no list this screen loaded: checked, then asked
    r = run_jarvis(["-p", "made in another window"])
    assert r.returncode == 0, r.stderr
    send(t, "/delete 1")  # the newest: /convs would list it first
    wait_joined(t, 'delete "made in another window" for good? type yes:')
    send(t, "yes")
    wait_joined(t, 'deleted "made in another window"')
    assert "made in another window" not in run_jarvis(["--convs"]).stdout
    send(t, "/delete abc")
    wait_joined(t, '"abc" is not a conversation number or id; /convs or F3 lists them')
    assert "for good?" not in joined(t), t.show()
    assert input_row(t).endswith("/delete abc"), t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_select_says_what_was_wrong_and_keeps_the_line(jarvis_tui, fake_gemini, run_jarvis,
                                                       width, height):
    t = logged_in(jarvis_tui, run_jarvis, width, height)
    send(t, "/select abc")
    wait_joined(t, '"abc" is not a conversation number or id; /convs or F3 lists them')
    assert input_row(t).endswith("/select abc"), t.show()
    t.send_keys("C-u")
    send(t, "/select 99")
    wait_joined(t, "there is no conversation 99 (neither a list number nor an id of yours); "
                   "/convs or F3 lists them")
    wait_until(lambda: input_row(t).endswith("/select 99"),
               what="the line kept:\n" + t.show())


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("arg,text", [
    ("abc", '"abc" is not a conversation id; jarvis --convs lists them'),
    ("999", "there is no conversation 999 among yours; jarvis --convs lists them"),
])
def test_dash_c_says_what_was_wrong(jarvis_tui, fake_gemini, run_jarvis, arg, text, width,
                                    height):
    t = logged_in(jarvis_tui, run_jarvis, width, height, args=["-C", arg])
    wait_joined(t, text)
    assert t.is_alive()


def squeezed(t):
    """The screen without any blank: a long path cut over rows reads whole."""
    return re.sub(r"\s+", "", "".join(t.capture()))


def wait_squeezed(t, text, timeout=10):
    want = re.sub(r"\s+", "", text)
    wait_until(lambda: want in squeezed(t), timeout=timeout,
               what="%r on screen:\n%s" % (text, t.show()))


@pytest.mark.parametrize("width,height", SIZES)
def test_export_expands_home_names_the_file_in_full_and_keeps_a_failed_line(
        jarvis_tui, jarvis_env, fake_gemini, width, height):
    home = str(jarvis_env["HOME"])
    t = start(jarvis_tui, width, height)
    answer(fake_gemini, "worth keeping")
    send(t, "a question")
    t.wait_for("worth keeping")
    t.wait_gone("streaming")
    os.makedirs(os.path.join(home, "notes"))
    send(t, "/export ~/notes/out.md")
    wait_squeezed(t, "exported to %s/notes/out.md" % home)
    with open(os.path.join(home, "notes", "out.md")) as f:
        assert "worth keeping" in f.read()
    # without a name: the default one, with its directory
    send(t, "/export")
    pat = re.compile(r"exportedto(%s/jarvis-\d{8}-\d{6}\.md)" % re.escape(re.sub(r"\s+", "", home)))
    wait_until(lambda: pat.search(squeezed(t)), what="the full path:\n" + t.show())
    assert os.path.exists(pat.search(squeezed(t)).group(1))
    # a write that fails gives the line back to be corrected
    send(t, "/export ~/no/such/dir/x.md")
    wait_squeezed(t, "cannot create %s/no/such/dir/x.md" % home)
    wait_until(lambda: input_row(t).endswith("/export ~/no/such/dir/x.md"),
               what="the line kept:\n" + t.show())


@pytest.mark.parametrize("width,height", SIZES)
def test_the_model_picker_confirms_as_model_id_does(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    send(t, "/model gemini-2.5-flash")
    wait_joined(t, "model: gemini-2.5-flash from the next question on")
    t.send_keys("F2")
    t.wait_for("Models")
    t.send_text("lite")
    t.wait_for("filter: lite")
    t.send_keys("Enter")
    t.wait_gone("Models")
    wait_joined(t, "model: gemini-2.5-flash-lite from the next question on")
    # /model alone opens the same picker, which confirms the same way
    send(t, "/model")
    t.wait_for("Models")
    t.send_text("2.5-pro")
    t.wait_for("filter: 2.5-pro")
    t.send_keys("Enter")
    t.wait_gone("Models")
    wait_joined(t, "model: gemini-2.5-pro from the next question on")


@pytest.mark.parametrize("width,height", SIZES)
def test_like_and_dislike_say_which_answer(jarvis_tui, fake_gemini, width, height):
    t = start(jarvis_tui, width, height)
    send(t, "/like")
    wait_joined(t, "there is no answer to rate yet")
    t.send_keys("C-u")
    answer(fake_gemini, "The rated answer, first line")
    send(t, "a question")
    t.wait_for("The rated answer, first line")
    t.wait_gone("streaming")
    send(t, "/like")
    wait_joined(t, 'liked the last answer ("The rated answer, first line")')
    send(t, "/dislike")
    wait_joined(t, 'disliked the last answer ("The rated answer, first line")')


@pytest.mark.parametrize("width,height", SIZES)
def test_convs_columns_line_up_across_today_and_older_days(jarvis_tui, fake_gemini, jarvis_env,
                                                           run_jarvis, width, height):
    from test_tui_dates import THREE_DAYS_MS, age_everything, two_conversations
    two_conversations(jarvis_tui, fake_gemini, run_jarvis, width, height)
    ids = age_everything(jarvis_env, THREE_DAYS_MS)
    t = start(jarvis_tui, width, height)
    t.wait_for(re.compile(r"^ Ann │ ", re.M))
    answer(fake_gemini, "fresh today")
    send(t, "a question today")
    t.wait_for("fresh today")
    t.wait_gone("streaming")
    wait_until(lambda: "pending" not in t.capture()[-2], what="the writes")
    send(t, "/convs")
    t.wait_for(re.compile(r"^\s*3\. .*first question", re.M))
    rows = [ln for ln in t.capture() if re.match(r"^\s*[123]\. ", ln)]
    assert len(rows) == 3, t.show()
    # today's row shows the time alone, under the older rows' times
    assert re.match(r"^\s*1\. {12}\d\d:\d\d  ", rows[0]), t.show()
    times = {re.search(r"\d\d:\d\d", ln).start() for ln in rows}
    assert len(times) == 1, t.show()
    # the ids and the titles start in one column each
    at = {ln.index("  %s  " % i) for ln, i in zip(rows[1:], ids)}
    titles = {ln.index(w) for ln, w in zip(rows, ["a question today", "second question",
                                                  "first question"])}
    assert len(at) == 1 and len(titles) == 1, t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_attach_with_an_unescaped_blank_says_how_to_type_it(jarvis_tui, jarvis_env, fake_gemini,
                                                             width, height):
    home = str(jarvis_env["HOME"])
    os.makedirs(os.path.join(home, "pics dir"))
    with open(os.path.join(home, "pics dir", "my stripes.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
    t = start(jarvis_tui, width, height)
    send(t, "/attach ~/pics dir/my stripes.png")
    wait_squeezed(t, "cannot open %s/pics" % home)
    wait_squeezed(t, '"~/pics dir/my stripes.png" exists: a blank in a path is typed \\ '
                     '(~/pics\\ dir/my\\ stripes.png) or the path quoted')
    assert input_row(t).endswith("/attach ~/pics dir/my stripes.png"), t.show()
    # a path that exists nowhere, joined or not, gets no such hint
    t.send_keys("C-u")
    send(t, "/attach ~/nothing here.png")
    wait_squeezed(t, "cannot open %s/nothing" % home)
    assert "a blank in a path" not in joined(t).split("cannot open %s/nothing" % home)[-1]


@pytest.mark.parametrize("width,height", SIZES)
def test_esc_in_a_retry_wait_says_no_answer_came(jarvis_tui, fake_gemini, width, height):
    from test_tui import escape
    fake_gemini.script([{"kind": "429", "retry_delay": "5s", "quota": "minute"},
                        {"kind": "text", "text": "answer after the retry"}])
    t = start(jarvis_tui, width, height)
    send(t, "hello")
    t.wait_for("rate-limits")
    escape(t)
    wait_joined(t, "stopped before any answer arrived; /retry asks again")
    assert "the answer above is incomplete" not in joined(t), t.show()


@pytest.mark.parametrize("width,height", SIZES)
def test_a_term_without_terminfo_is_named(jarvis_tui, tmp_path, width, height):
    err = tmp_path / "stderr"
    t = jarvis_tui(env={"TERMINFO": str(tmp_path / "none"),
                        "TERMINFO_DIRS": str(tmp_path / "none")},
                   width=width, height=height, stderr=err, term="xterm-kitty")
    assert t.wait_exit() == 2
    text = err.read_text()
    assert "TERM=xterm-kitty has no terminfo entry on this system" in text, text
    assert "TERM=xterm-256color" in text and "is TERM set" not in text, text
