"""pytest fixtures for Jarvis's end-to-end tests.

What it is for: giving each test the jarvis binary, a hermetic environment (a
fresh HOME and XDG dirs, a test API key, the fake Gemini server's URL), a way
to run jarvis and collect its output, a real FerretDB, and a tmux pane.
What it must not do: let jarvis reach the internet (GEMINI_BASE_URL always
points at 127.0.0.1), read the user's own config, store or session, or leave
a server or process behind after a test.

Fixtures:
    jarvis_bin        absolute path of ./jarvis (or $JARVIS_BIN); fails if missing
    fake_gemini       a started fake_gemini.FakeGemini, stopped after the test
    jarvis_env        dict: HOME, XDG_*_HOME in a fresh tmp dir, GEMINI_API_KEY,
                      GEMINI_BASE_URL (the fake server if the test uses it, else a
                      closed loopback port), LC_ALL=C.UTF-8, TERM, TZ=UTC; no MONGO_URI
    run_jarvis        run_jarvis(args, input=None, env=None, timeout=30, binary=False)
                      -> Result(returncode, stdout, stderr); env entries are merged onto
                      jarvis_env, and a value of None removes a variable
    ferretdb_server   a started tests/ferretdb.FerretDB (fresh data), stopped after
    ferretdb          its URI, mongodb://127.0.0.1:PORT/
    tmux              a tmux_driver.Tmux (not started), closed after the test
    jarvis_tui        jarvis_tui(args=(), env=None, width=80, height=24) -> started Tmux
                      running jarvis in jarvis_env (env merged as for run_jarvis)
    fixture_path      fake_gemini.fixture_path, for the recorded responses
"""

import collections
import os
import subprocess
import sys

import pytest

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(E2E_DIR)
REPO_ROOT = os.path.dirname(TESTS_DIR)
for _p in (E2E_DIR, TESTS_DIR):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import fake_gemini as fake_gemini_mod  # noqa: E402
import ferretdb as ferretdb_mod  # noqa: E402
from tmux_driver import Tmux  # noqa: E402

TEST_API_KEY = "test-key-123"
# nothing listens here: a jarvis that was not pointed at the fake server fails
# fast instead of reaching the internet
DEAD_BASE_URL = "http://127.0.0.1:1"
PASS_THROUGH = ("PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS",
                "LLVM_PROFILE_FILE", "TMPDIR")

Result = collections.namedtuple("Result", "returncode stdout stderr")

_ferretdb_skips = []


def pytest_configure(config):
    config.addinivalue_line("markers", "mongo: needs a real FerretDB/MongoDB server")


def pytest_terminal_summary(terminalreporter):
    if _ferretdb_skips:
        terminalreporter.write_sep("!", "%s (%d tests)" % (ferretdb_mod.NOT_FOUND_LINE,
                                                          len(_ferretdb_skips)),
                                   red=True, bold=True)


@pytest.fixture(scope="session")
def jarvis_bin():
    """Absolute path of the jarvis binary under test."""
    path = os.environ.get("JARVIS_BIN") or os.path.join(REPO_ROOT, "jarvis")
    path = os.path.abspath(path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail("jarvis binary not found at %s: run `make` at the repository root, "
                    "or set JARVIS_BIN" % path, pytrace=False)
    return path


@pytest.fixture
def fake_gemini():
    """A running fake Gemini server (see fake_gemini.py)."""
    server = fake_gemini_mod.FakeGemini().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fixture_path():
    """Path of a recorded response under tests/fixtures/gemini."""
    return fake_gemini_mod.fixture_path


@pytest.fixture
def jarvis_env(tmp_path, request):
    """A hermetic environment for one jarvis run (a fresh dict per test)."""
    home = tmp_path / "home"
    env = {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    dirs = {
        "HOME": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_CACHE_HOME": home / ".cache",
    }
    for name, d in dirs.items():
        d.mkdir(parents=True, exist_ok=True)
        env[name] = str(d)
    env["GEMINI_API_KEY"] = TEST_API_KEY
    if "fake_gemini" in request.fixturenames:
        env["GEMINI_BASE_URL"] = request.getfixturevalue("fake_gemini").url
    else:
        env["GEMINI_BASE_URL"] = DEAD_BASE_URL
    env["LC_ALL"] = "C.UTF-8"
    env["LANG"] = "C.UTF-8"
    env["TERM"] = "xterm-256color"
    env["TZ"] = "UTC"
    return env


def _merge(base, extra):
    env = dict(base)
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


@pytest.fixture
def run_jarvis(jarvis_bin, jarvis_env):
    """run_jarvis(args, input=None, env=None, timeout=30, binary=False) -> Result."""
    def run(args, input=None, env=None, timeout=30, binary=False, cwd=None):
        full_env = _merge(jarvis_env, env)
        if isinstance(input, str):
            input = input.encode("utf-8")
        argv = [jarvis_bin] + [str(a) for a in args]
        try:
            p = subprocess.run(argv, input=input,
                               stdin=subprocess.DEVNULL if input is None else None,
                               capture_output=True, env=full_env, timeout=timeout,
                               cwd=cwd or full_env["HOME"])
        except subprocess.TimeoutExpired as e:
            pytest.fail("jarvis %s did not finish within %ss\nstdout: %r\nstderr: %r"
                        % (" ".join(map(str, args)), timeout, e.stdout, e.stderr),
                        pytrace=False)
        if binary:
            return Result(p.returncode, p.stdout, p.stderr)
        return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"))
    return run


def _ferretdb_missing(reason):
    msg = "%s: %s" % (ferretdb_mod.NOT_FOUND_LINE, reason)
    if ferretdb_mod.in_ci():
        pytest.fail("FERRETDB NOT FOUND, and CI=true makes that a failure: " + reason,
                    pytrace=False)
    _ferretdb_skips.append(reason)
    pytest.skip(msg)


@pytest.fixture
def ferretdb_server():
    """A running FerretDB with fresh data (kill()/restart() keep port and data)."""
    db = ferretdb_mod.FerretDB()
    missing = None
    try:
        db.start()
    except ferretdb_mod.FerretDBNotFound as e:
        missing = str(e)
    if missing is not None:
        db.stop()
        _ferretdb_missing(missing)
    try:
        yield db
    finally:
        db.stop()


@pytest.fixture
def ferretdb(ferretdb_server):
    """mongodb://127.0.0.1:PORT/ of a fresh FerretDB."""
    return ferretdb_server.uri


@pytest.fixture
def tmux():
    """A private tmux server (call .start(argv, env, width, height)); always closed."""
    t = Tmux()
    try:
        yield t
    finally:
        t.close()


@pytest.fixture
def jarvis_tui(jarvis_bin, jarvis_env):
    """jarvis_tui(args=(), env=None, width=80, height=24, stderr=None, term=None) -> a Tmux
    running jarvis (term: the pane's TERM, else the driver's default); with stderr (a
    path) its standard error goes to that file, since a pane
    that closes at once can lose its last output."""
    made = []

    def start(args=(), env=None, width=80, height=24, stderr=None, term=None):
        t = Tmux()
        made.append(t)
        full_env = _merge(jarvis_env, env)
        argv = [jarvis_bin] + [str(a) for a in args]
        if stderr is not None:
            full_env["JARVIS_TEST_STDERR"] = str(stderr)
            argv = ["sh", "-c", 'exec "$0" "$@" 2>"$JARVIS_TEST_STDERR"'] + argv
        t.start(argv, env=full_env, width=width, height=height, cwd=full_env["HOME"],
                term=term)
        return t
    try:
        yield start
    finally:
        for t in made:
            t.close()
