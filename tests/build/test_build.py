"""The build itself: what a second make does, what a unit test depends on,
and that the core (src/core) links without the terminal, network or store
libraries.

Each test builds into a directory of its own (BUILD=...), so it neither uses
nor disturbs ./build. Run with `make check-build`.
"""

import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT_TESTS = sorted(f[:-2] for f in os.listdir(os.path.join(REPO, "tests", "unit"))
                    if f.startswith("test_") and f.endswith(".c"))


def make(build, *args, cwd=REPO, check=True):
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES"):
        env.pop(var, None)
    res = subprocess.run(["make", "-j2", "BUILD=" + str(build), *args], cwd=cwd, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and res.returncode != 0:
        pytest.fail("make %s failed:\n%s" % (" ".join(args), res.stdout[-4000:]))
    return res


def unit_targets(build):
    return ["%s/tests/%s" % (build, t) for t in UNIT_TESTS]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    make(build, "all", *unit_targets(build))
    return build


def test_second_make_does_nothing(built):
    for targets in ((), unit_targets(built)):
        res = make(built, *targets)
        rebuilt = [line for line in res.stdout.splitlines()
                   if not line.startswith("make: Nothing to be done for")
                   and not line.endswith("is up to date.")]
        assert rebuilt == [], "a second make rebuilt something:\n" + res.stdout
    # and make -q agrees that nothing is out of date
    assert make(built, "-q", "all", *unit_targets(built), check=False).returncode == 0


def test_unit_test_is_rebuilt_when_a_header_it_includes_changes(built):
    # unit.h is included by every unit test and by nothing in src, so only
    # a test binary's own dependency list can make it rebuild.
    res = make(built, "-n", "-W", "tests/unit/unit.h", "%s/tests/test_buf" % built)
    assert "-o %s/tests/test_buf " % built in res.stdout, res.stdout


def test_core_unit_test_fails_to_link_when_the_core_calls_curses_curl_or_mongoc(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(os.path.join(REPO, "Makefile"), tree)
    for d in ("src", "include", os.path.join("tests", "unit")):
        shutil.copytree(os.path.join(REPO, d), tree / d)
    probe = ("\nvoid buf_probe_reaches_out(void);\n"
             "int initscr(void);\nvoid *curl_easy_init(void);\n"
             "void *mongoc_client_new(const char *);\n"
             "void buf_probe_reaches_out(void)\n{\n\tinitscr();\n\tcurl_easy_init();\n"
             "\tmongoc_client_new(0);\n}\n")
    with open(tree / "src" / "core" / "buf.c", "a") as f:
        f.write(probe)
    build = tmp_path / "build"
    # test_utf8 does not use buf.c: the whole core archive is linked anyway
    for test in ("test_buf", "test_utf8"):
        res = make(build, "%s/tests/%s" % (build, test), cwd=tree, check=False)
        assert res.returncode != 0, res.stdout
        for sym in ("initscr", "curl_easy_init", "mongoc_client_new"):
            assert "undefined reference to `%s'" % sym in res.stdout, res.stdout
    # a test of the rest of the tree links the same probe (its libraries are
    # all there): the failure above is the core's rule, not a broken probe
    make(build, "%s/tests/test_loop" % build, cwd=tree)
