#!/usr/bin/env python3
"""Circles between source files: files that include or call each other in a loop.

    python3 tests/build/circles.py [--files] [BUILD]

reads the sources under src/ and include/ and the objects that `make`
left under BUILD (default: build). A file A points at a file B when A
includes B (#include "..."), or when A's object uses a global name that
B's object alone defines (nm: a call, or a reference to data). A header
is one with the source file of its name that includes it (session.h
with session.c; of two such files, the one that includes it first):
including a file's header ties you to that file. Every set
of files that reach each other along such arrows is a circle; it prints
each one with what ties it and exits 1 when there is any.

A call through a function pointer is no arrow: that is how a lower file
calls back a higher one without knowing it.

With --files a header stands for itself, not for its source file: the
arrows are only the #include lines and the calls between objects. That is
what tests/build/test_circles.py holds the tree to: no file includes
itself through others, and no two .c files call each other in a loop. The
stricter default also counts a file that includes a module's public
header only for its types (config_file.c including config.h) as tied to
that module's main file.
"""

import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def sources(root):
    found = []
    for top in ("src", "include"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    found.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(found)


def includes(root, path):
    """The files of the tree that path includes, in order."""
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        text = f.read()
    out = []
    for name in INCLUDE.findall(text):
        for base in (os.path.dirname(path), "include", "src"):
            cand = os.path.normpath(os.path.join(base, name))
            if os.path.isfile(os.path.join(root, cand)):
                out.append(cand)
                break
    return out


def symbols(obj):
    """(defined, used) global names of one object file."""
    res = subprocess.run(["nm", "-P", "-g", obj], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, check=True)
    defined, used = set(), set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            used.add(name)
        elif kind in ("T", "D", "B", "R", "V", "W", "G", "S", "C", "i", "u"):
            defined.add(name)
    return defined, used


def objects(root, build):
    """{source path: object path} for every object built from src/."""
    out = {}
    for sub in ("", "pic"):
        top = os.path.join(build, sub, "src")
        for d, _, files in os.walk(top):
            for f in files:
                if f.endswith(".o"):
                    obj = os.path.join(d, f)
                    src = os.path.join("src", os.path.relpath(obj, top))[:-2] + ".c"
                    if os.path.isfile(os.path.join(root, src)):
                        out.setdefault(src, obj)
    return out


def graph(root, build, header_ties=True):
    """{node: {node: [why, ...]}} over files, a header merged into its owner
    (unless header_ties is False: then every file is its own node)."""
    files = sources(root)
    inc = {f: includes(root, f) for f in files}
    node = {f: f for f in files}
    stem = lambda p: os.path.splitext(os.path.basename(p))[0]
    for h in files if header_ties else []:
        if not h.endswith(".h"):
            continue
        cs = [c for c in files if c.endswith(".c") and stem(c) == stem(h) and h in inc[c]]
        if len(cs) > 1:
            cs = [c for c in cs if inc[c][0] == h]
        if len(cs) == 1:
            node[h] = cs[0]
    edges = {}

    def tie(a, b, why):
        a, b = node[a], node[b]
        if a != b:
            edges.setdefault(a, {}).setdefault(b, []).append(why)

    for f in files:
        for g in inc[f]:
            tie(f, g, "includes " + g)
    objs = objects(root, build)
    defined, used = {}, {}
    for src, obj in objs.items():
        defined[src], used[src] = symbols(obj)
    where = {}
    for src, names in defined.items():
        for n in names:
            where.setdefault(n, set()).add(src)
    for src, names in used.items():
        for n in sorted(names):
            homes = where.get(n, set()) - {src}
            if len(homes) == 1 and len(where[n]) == 1:
                tie(src, next(iter(homes)), n)
    return edges, sorted(set(node.values())), len(objs)


def circles(edges, nodes):
    """The strongly connected sets of more than one node (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in nodes:
        if v not in index:
            visit(v)
    return sorted(out)


def report(edges, found):
    lines = []
    for i, comp in enumerate(found, 1):
        lines.append("circle %d: %s" % (i, ", ".join(comp)))
        for a in comp:
            for b in comp:
                why = edges.get(a, {}).get(b)
                if why:
                    shown = ", ".join(why[:8]) + (", and %d more" % (len(why) - 8)
                                                  if len(why) > 8 else "")
                    lines.append("  %s -> %s: %s" % (a, b, shown))
    return "\n".join(lines)


def main(argv):
    args = argv[1:]
    header_ties = "--files" not in args
    args = [a for a in args if a != "--files"]
    build = args[0] if args else os.path.join(REPO, "build")
    edges, nodes, nobjs = graph(REPO, build, header_ties)
    if nobjs == 0:
        print("circles: no objects under %s; run make first" % build, file=sys.stderr)
        return 2
    found = circles(edges, nodes)
    if found:
        print(report(edges, found))
        return 1
    print("circles: none among %d files (%d objects read)" % (len(nodes), nobjs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
