"""End-to-end tests of the account modes on the command line.

What it is for: --signup, --login, --logout, --convs and --export as a user
or a script sees them: exit codes, messages, the password prompt on a real
terminal (tmux), what lands on disk and with which permissions, and that one
user cannot reach another's conversations.
What it must not do: reach the network (the fake Gemini server is loopback),
or hash more passwords than it needs (bcrypt cost 12 takes ~0.2 s a hash).
"""

import os
import signal
import sqlite3
import stat
import subprocess
import time

import pytest

PW = "correct horse battery"
NOT_LOGGED_IN = "jarvis: not logged in; run jarvis --login EMAIL"


def signup(run_jarvis, name="Ann", email="ann@example.org", pw=PW, env=None, extra=()):
    return run_jarvis(["--signup", name, email, "--password-stdin"] + list(extra),
                      input=pw + "\n", env=env)


def login(run_jarvis, email="ann@example.org", pw=PW, env=None, extra=()):
    return run_jarvis(["--login", email, "--password-stdin"] + list(extra),
                      input=pw + "\n", env=env)


def db_path(jarvis_env):
    return os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis", "jarvis.db")


def session_path(jarvis_env):
    return os.path.join(jarvis_env["XDG_STATE_HOME"], "jarvis", "session")


def test_signup_login_logout_and_messages(run_jarvis, jarvis_env):
    r = signup(run_jarvis)
    assert r.returncode == 0, r.stderr
    first, code = r.stdout.splitlines()
    assert first == "signed up and logged in as Ann <ann@example.org>"
    # the recovery code, once, with the plain warning that without it or the password the data is gone
    assert code.startswith("recovery code: ") and "gone for good" in code
    r = run_jarvis(["--convs"])
    assert (r.returncode, r.stdout) == (0, "no conversations yet\n"), r.stderr
    r = run_jarvis(["--logout"])
    assert (r.returncode, r.stdout) == (0, "logged out Ann <ann@example.org>\n"), r.stderr
    assert not os.path.exists(session_path(jarvis_env))
    r = run_jarvis(["--convs"])
    assert r.returncode == 4
    assert r.stderr.strip() == NOT_LOGGED_IN
    # e-mail addresses are matched without regard to case or blanks
    r = login(run_jarvis, email="  ANN@Example.ORG ")
    assert (r.returncode, r.stdout) == (0, "logged in as Ann <ann@example.org>\n"), r.stderr
    assert run_jarvis(["--convs"]).returncode == 0
    r = run_jarvis(["--logout"])
    assert r.returncode == 0
    r = run_jarvis(["--logout"])
    assert (r.returncode, r.stdout) == (0, "not logged in\n")


def test_a_logged_out_token_stays_dead(run_jarvis, jarvis_env):
    assert signup(run_jarvis).returncode == 0
    with open(session_path(jarvis_env)) as f:
        token = f.read()
    assert run_jarvis(["--logout"]).returncode == 0
    # putting the old token back does not log anyone in: it was revoked in the store
    with open(session_path(jarvis_env), "w") as f:
        f.write(token)
    os.chmod(session_path(jarvis_env), 0o600)
    r = run_jarvis(["--convs"])
    assert r.returncode == 4
    assert "revoked" in r.stderr
    assert NOT_LOGGED_IN in r.stderr


def test_wrong_password_and_unknown_email_look_alike_then_throttle(run_jarvis):
    assert signup(run_jarvis).returncode == 0
    assert run_jarvis(["--logout"]).returncode == 0
    wrong = login(run_jarvis, pw="not the password")
    unknown = login(run_jarvis, email="nobody@example.org", pw="not the password")
    assert wrong.returncode == 4 and unknown.returncode == 4
    assert wrong.stderr == unknown.stderr == "jarvis: wrong e-mail or password\n"
    assert wrong.stdout == unknown.stdout == ""
    for _ in range(4):
        assert login(run_jarvis, pw="still wrong").returncode == 4
    # five failures: the sixth try is refused, even with the right password
    r = login(run_jarvis)
    assert r.returncode == 4
    assert "too many failed logins" in r.stderr
    assert "try again in 15 minutes" in r.stderr
    assert run_jarvis(["--convs"]).returncode == 4


def _parallel_logins(jarvis_bin, jarvis_env, store, n):
    """n wrong-password --login processes started together: their stderr lines."""
    env = dict(jarvis_env)
    argv = [jarvis_bin, "--login", "ann@example.org", "--password-stdin"] + store
    procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env, cwd=env["HOME"])
             for _ in range(n)]
    # every process is waiting on its password: release them all at once
    for i, p in enumerate(procs):
        p.stdin.write(b"wrong guess %d\n" % i)
        p.stdin.close()
    errs = [p.stderr.read().decode() for p in procs]
    for p in procs:
        assert p.wait(timeout=120) == 4
    return errs


def _throttle_holds_in_parallel(run_jarvis, jarvis_bin, jarvis_env, store):
    assert signup(run_jarvis, extra=store).returncode == 0
    assert run_jarvis(["--logout"] + store).returncode == 0
    errs = _parallel_logins(jarvis_bin, jarvis_env, store, 24)
    wrong = [e for e in errs if e == "jarvis: wrong e-mail or password\n"]
    throttled = [e for e in errs if "too many failed logins" in e]
    # the limit is 5 a quarter-hour: only 5 guesses reached bcrypt
    assert (len(wrong), len(throttled)) == (5, 19), errs
    r = login(run_jarvis, extra=store)
    assert r.returncode == 4 and "too many failed logins" in r.stderr


def test_throttle_holds_for_parallel_guesses(run_jarvis, jarvis_bin, jarvis_env):
    _throttle_holds_in_parallel(run_jarvis, jarvis_bin, jarvis_env, [])


@pytest.mark.mongo
def test_throttle_holds_for_parallel_guesses_mongodb(run_jarvis, jarvis_bin, jarvis_env,
                                                     ferretdb):
    _throttle_holds_in_parallel(run_jarvis, jarvis_bin, jarvis_env, ["--store", ferretdb])


def test_look_alike_emails_are_one_account(run_jarvis):
    r = signup(run_jarvis, name="\u00c9lise", email="\u00c9lise@Example.org")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]  # then the recovery code line (issue 12)
    assert first == "signed up and logged in as \u00c9lise <\u00e9lise@example.org>"
    # lower case, a combining accent, full-width letters: the same account
    for alike in ("\u00e9lise@example.org", "E\u0301LISE@example.org",
                  "\uff25\u0301lise\uff20example.org"):
        r = signup(run_jarvis, name="Mallory", email=alike)
        assert r.returncode == 4 and "already exists" in r.stderr, (alike, r.stderr)
        r = login(run_jarvis, email=alike)
        assert r.returncode == 0, (alike, r.stderr)
    # invisible characters and bidi overrides are refused before any password is asked
    r = signup(run_jarvis, name="Mallory", email="\u00e9li\u200bse@example.org")
    assert r.returncode == 2 and "invisible characters" in r.stderr, r.stderr
    r = signup(run_jarvis, name="Ada \u202eevil", email="ada@example.org")
    assert r.returncode == 2 and "bidi overrides" in r.stderr, r.stderr


def test_signup_checks_its_input(run_jarvis, jarvis_env):
    r = signup(run_jarvis, email="not-an-address")
    assert r.returncode == 2
    assert "e-mail address needs an @" in r.stderr
    r = signup(run_jarvis, pw="short")
    assert r.returncode == 2
    assert "password is too short; use at least 8 characters" in r.stderr
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"], input="\n")
    assert r.returncode == 2
    assert "the password is empty" in r.stderr
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"], input="")
    assert r.returncode == 2
    assert "no password on standard input" in r.stderr
    # nothing was created by the refused tries
    assert not os.path.exists(session_path(jarvis_env))
    assert signup(run_jarvis).returncode == 0
    r = signup(run_jarvis, name="Other", email="ANN@example.org", pw="another password")
    assert r.returncode == 4
    assert r.stderr == ("jarvis: an account with that e-mail already exists; "
                        "run jarvis --login ann@example.org\n")


def test_password_stdin_strips_only_the_line_end(run_jarvis):
    # a CRLF line end is stripped; inner and leading blanks are part of the password
    r = run_jarvis(["--signup", "Ann", "ann@example.org", "--password-stdin"],
                   input=" pass word 1\r\nignored second line\n")
    assert r.returncode == 0, r.stderr
    assert run_jarvis(["--logout"]).returncode == 0
    assert login(run_jarvis, pw="pass word 1").returncode == 4
    assert login(run_jarvis, pw=" pass word 1").returncode == 0


def test_password_never_from_argv_nor_on_disk(run_jarvis, jarvis_env):
    # there is no way to give it on the command line
    r = run_jarvis(["--login", "ann@example.org", PW])
    assert r.returncode == 2
    r = run_jarvis(["--login", "ann@example.org", "--password", PW])
    assert r.returncode == 2
    # without a terminal and without --password-stdin it refuses instead of reading stdin
    r = run_jarvis(["--signup", "Ann", "ann@example.org"], input=PW + "\n")
    assert r.returncode == 2
    assert "--password-stdin" in r.stderr
    assert signup(run_jarvis).returncode == 0
    # only the bcrypt hash is kept
    home = jarvis_env["HOME"]
    for root, _, files in os.walk(home):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                assert PW.encode() not in f.read(), os.path.join(root, name)
    con = sqlite3.connect(db_path(jarvis_env))
    (h,) = con.execute("SELECT password_hash FROM users").fetchone()
    con.close()
    assert h.startswith("$2b$12$")


def test_store_and_session_files_are_private(run_jarvis, jarvis_env):
    assert signup(run_jarvis).returncode == 0
    db = db_path(jarvis_env)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(db)).st_mode) == 0o700
    sess = session_path(jarvis_env)
    assert stat.S_IMODE(os.stat(sess).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(sess)).st_mode) == 0o700
    key = os.path.join(os.path.dirname(db), "jwt_secret")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_store_errors_exit_3_and_say_so(run_jarvis, jarvis_env, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = signup(run_jarvis, extra=["--store", str(blocker / "sub" / "jarvis.db")])
    assert r.returncode == 3
    assert r.stderr.startswith("jarvis: store: ")
    r = signup(run_jarvis, extra=["--store", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"])
    assert r.returncode == 3
    assert "jarvis: store: cannot reach MongoDB" in r.stderr


def test_convs_and_export_need_a_login(run_jarvis, jarvis_env):
    for args in (["--convs"], ["--export", "1"], ["-p", "hi", "-C", "1"]):
        r = run_jarvis(args)
        assert r.returncode == 4, args
        assert r.stderr.strip() == NOT_LOGGED_IN
    # asking touched nothing on disk
    assert not os.path.exists(os.path.join(jarvis_env["XDG_DATA_HOME"], "jarvis"))


def test_users_see_only_their_own_conversations(run_jarvis, jarvis_env, fake_gemini):
    assert signup(run_jarvis).returncode == 0
    r = run_jarvis(["-p", "Ann's secret question"])
    assert r.returncode == 0, r.stderr
    conv_id = run_jarvis(["--convs"]).stdout.splitlines()[1].split()[0]
    assert signup(run_jarvis, name="Bob", email="bob@example.org").returncode == 0
    r = run_jarvis(["--convs"])
    assert (r.returncode, r.stdout) == (0, "no conversations yet\n")
    for args, said in (
            (["--export", conv_id], "there is no conversation %s among yours" % conv_id),
            (["-p", "more", "-C", conv_id], "there is no conversation %s among yours" % conv_id),
            (["--export", "999"], "there is no conversation 999 among yours"),
            (["--export", "abc"], '"abc" is not a conversation id'),
            (["-p", "more", "-C", "abc"], '"abc" is not a conversation id')):
        r = run_jarvis(args)
        assert r.returncode == 2, args
        assert r.stderr == "jarvis: %s; jarvis --convs lists them\n" % said, r.stderr
        assert "secret" not in r.stdout + r.stderr
    # Bob's refused -C sent nothing to the API
    assert len(fake_gemini.api_requests("stream")) == 1


def test_export_to_a_file_never_overwrites(run_jarvis, jarvis_env, fake_gemini, tmp_path):
    assert signup(run_jarvis).returncode == 0
    assert run_jarvis(["-p", "Hello there"]).returncode == 0
    conv_id = run_jarvis(["--convs"]).stdout.splitlines()[1].split()[0]
    out = tmp_path / "chat.md"
    r = run_jarvis(["--export", conv_id, str(out)])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "exported 2 messages to %s\n" % out
    text = out.read_text()
    assert text.startswith("# Hello there\n")
    assert "## You · " in text and "Hello there" in text
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    # issue 12: private even under umask 000 (it was 0666 there)
    old = os.umask(0)
    try:
        r = run_jarvis(["--export", conv_id, str(tmp_path / "open.md")])
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "open.md").st_mode) == 0o600
    # an existing file is left alone
    out.write_text("my notes")
    r = run_jarvis(["--export", conv_id, str(out)])
    assert r.returncode == 2
    assert "already exists" in r.stderr
    assert out.read_text() == "my notes"
    # and so is the target of a symlink, even a dangling one
    target = tmp_path / "elsewhere"
    link = tmp_path / "link.md"
    link.symlink_to(target)
    r = run_jarvis(["--export", conv_id, str(link)])
    assert r.returncode == 2
    assert not target.exists()


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


# ---- the password prompt on a real terminal

def _shell(jarvis_bin, args, after=""):
    """A sh command line running jarvis, printing its status, then `after`."""
    quoted = " ".join("'%s'" % a for a in [jarvis_bin] + list(args))
    # the shell catches SIGINT (a caught signal is reset for jarvis) so that
    # Ctrl-C ends jarvis only, and the shell goes on to report
    return ["sh", "-c", "trap true INT; %s; echo \"status=$?\"; %s sleep 30" % (quoted, after)]


def test_terminal_prompt_is_masked_and_asks_twice(tmux, jarvis_bin, jarvis_env):
    tmux.start(_shell(jarvis_bin, ["--signup", "Ann", "ann@example.org"]), env=jarvis_env)
    tmux.wait_for("New password for ann@example.org (at least 8 characters):")
    tmux.send_text(PW)
    tmux.send_keys("Enter")
    tmux.wait_for("Repeat the password:")
    tmux.send_text(PW)
    tmux.send_keys("Enter")
    tmux.wait_for("status=0")
    screen = tmux.screen()
    assert "signed up and logged in as Ann <ann@example.org>" in screen
    assert "horse" not in screen


def test_terminal_prompt_refuses_a_mismatch(tmux, jarvis_bin, jarvis_env):
    tmux.start(_shell(jarvis_bin, ["--signup", "Ann", "ann@example.org"]), env=jarvis_env)
    tmux.wait_for("(at least 8 characters):")
    tmux.send_text(PW)
    tmux.send_keys("Enter")
    tmux.wait_for("Repeat the password:")
    tmux.send_text("something else")
    tmux.send_keys("Enter")
    tmux.wait_for("status=2")
    assert "the two passwords do not match" in tmux.screen()
    assert not os.path.exists(session_path(jarvis_env))


def test_ctrl_c_at_the_prompt_restores_echo(tmux, jarvis_bin, jarvis_env):
    # after jarvis dies of SIGINT, stty shows whether echo came back
    tmux.start(_shell(jarvis_bin, ["--login", "ann@example.org"],
                      after="stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo';"),
               env=jarvis_env)
    tmux.wait_for("Password for ann@example.org:")
    tmux.send_text("half")
    tmux.send_keys("C-c")
    tmux.wait_for("status=130")
    tmux.wait_for("\necho")
    screen = tmux.screen()
    assert "-echo" not in screen
    assert "half" not in screen
