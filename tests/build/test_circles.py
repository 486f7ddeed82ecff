"""No circles between source files (issue 10's "no two source files that
include or call each other in a loop").

Two kinds of arrow, read by tests/build/circles.py --files:
- A -> B when A has #include "B" (any file under src/ or include/);
- a.c -> b.c when a.o uses a global name that only b.o defines (nm).
Every set of files that reach each other along these arrows fails the
test, printed with what ties it. A lower file that must reach a higher one
does it through a function pointer it is given, which is no arrow.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import circles  # noqa: E402
from test_build import REPO, make  # noqa: E402


@pytest.fixture(scope="module")
def objects(tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    make(build, "all")
    return build


def test_no_file_includes_itself_through_others():
    files = circles.sources(REPO)
    edges = {}
    for f in files:
        for g in circles.includes(REPO, f):
            edges.setdefault(f, {}).setdefault(g, []).append("includes " + g)
    found = circles.circles(edges, files)
    assert found == [], circles.report(edges, found)


def test_no_two_source_files_include_or_call_each_other_in_a_loop(objects):
    edges, nodes, nobjs = circles.graph(REPO, str(objects), header_ties=False)
    assert nobjs > 50, "only %d objects under %s" % (nobjs, objects)
    found = circles.circles(edges, nodes)
    assert found == [], circles.report(edges, found)


def test_the_check_sees_a_call_circle(tmp_path):
    """Two objects calling each other are reported (the test can fail)."""
    src = tmp_path / "src" / "x"
    src.mkdir(parents=True)
    (src / "a.c").write_text("void b(void);\nvoid a(void) { b(); }\n")
    (src / "b.c").write_text("void a(void);\nvoid b(void) { a(); }\n")
    (tmp_path / "include").mkdir()
    build = tmp_path / "build"
    (build / "src" / "x").mkdir(parents=True)
    for n in ("a", "b"):
        os.system("cc -c -o %s %s" % (build / "src" / "x" / (n + ".o"), src / (n + ".c")))
    edges, nodes, nobjs = circles.graph(str(tmp_path), str(build), header_ties=False)
    assert nobjs == 2
    assert circles.circles(edges, nodes) == [["src/x/a.c", "src/x/b.c"]]


def test_the_check_sees_an_include_circle(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "include").mkdir()
    (tmp_path / "src" / "p.h").write_text('#include "q.h"\n')
    (tmp_path / "src" / "q.h").write_text('#include "p.h"\n')
    files = circles.sources(str(tmp_path))
    edges = {}
    for f in files:
        for g in circles.includes(str(tmp_path), f):
            edges.setdefault(f, {}).setdefault(g, []).append(g)
    assert circles.circles(edges, files) == [["src/p.h", "src/q.h"]]
