#!/usr/bin/env python3
"""Start and stop a real FerretDB v1 (SQLite backend) for Jarvis's MongoDB tests.

What it is for: giving tests a throw-away MongoDB-compatible server on a free
loopback port, with its data in a temporary directory, that can be killed and
restarted on the same port and data (storage fault tests), and a CLI that
wraps a command with one (`run -- CMD ...`, exporting JARVIS_TEST_MONGO_URI).
What it must not do: touch any data outside its temporary directory, listen on
anything but 127.0.0.1, use a fixed debug port (several instances run at
once), or leave a process behind.

Python API:
    db = FerretDB().start()       # raises FerretDBNotFound / FerretDBError
    db.uri                        # "mongodb://127.0.0.1:PORT/"
    db.command("admin", {"hello": 1})   # one OP_MSG command, reply as a dict
    db.kill(); db.restart()       # SIGKILL, then start again (same port, same data)
    db.stop()                     # SIGTERM, SIGKILL after a timeout, temp dir removed
CLI:
    python3 tests/ferretdb.py run -- CMD ARGS...
    python3 tests/ferretdb.py serve      # print the URI, run until Ctrl-C
    python3 tests/ferretdb.py find       # print the binary found (exit 1 if none)
    python3 tests/ferretdb.py build [DIR]  # build a working v1 binary from the Go module cache
The binary: $FERRETDB, else ferretdb on PATH, $(go env GOPATH)/bin, /root/go/bin;
each is checked with --version. FERRETDB=none acts as if none were installed.
Without one, `run` prints NOT_FOUND_LINE and runs CMD without the variable,
except when CI=true, where it exits 1.
"""

import atexit
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ENV_URI = "JARVIS_TEST_MONGO_URI"
NOT_FOUND_LINE = "FERRETDB NOT FOUND: MongoDB tests skipped"
FERRETDB_VERSION = "v1.24.2"


class FerretDBError(Exception):
    """FerretDB could not be started or did not answer."""


class FerretDBNotFound(FerretDBError):
    """No working ferretdb binary was found."""


def in_ci():
    """Whether the environment says this is CI (CI=true), where skipping is failing."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def _candidates():
    seen = []
    env = os.environ.get("FERRETDB")
    if env:
        seen.append(env)
    which = shutil.which("ferretdb")
    if which:
        seen.append(which)
    try:
        gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True,
                                timeout=20).stdout.strip()
        for part in gopath.split(os.pathsep):
            if part:
                seen.append(os.path.join(part, "bin", "ferretdb"))
    except (OSError, subprocess.SubprocessError):
        pass
    seen.append("/root/go/bin/ferretdb")
    out = []
    for p in seen:
        p = os.path.abspath(p)
        if p not in out:
            out.append(p)
    return out


_found = None


def find_binary():
    """The path of a working ferretdb binary; raises FerretDBNotFound saying what was tried."""
    global _found
    if _found:
        return _found
    tried = []
    if os.environ.get("FERRETDB") == "none":
        raise FerretDBNotFound("FERRETDB=none: searching for ferretdb was switched off")
    for path in _candidates():
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            tried.append("%s: missing" % path)
            continue
        try:
            r = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError) as e:
            tried.append("%s: %s" % (path, e))
            continue
        if r.returncode != 0 or "version" not in r.stdout.lower():
            first = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[0]
            tried.append("%s: broken (%s; rebuild it with `python3 tests/ferretdb.py build`)"
                         % (path, first[:120]))
            continue
        _found = path
        return path
    raise FerretDBNotFound("no working ferretdb binary (set $FERRETDB, or install FerretDB "
                           "%s: `python3 tests/ferretdb.py build`); tried: %s"
                           % (FERRETDB_VERSION, "; ".join(tried)))


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    """Whether nothing listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0


# ------------------------------------------------------------ tiny BSON / OP_MSG

def bson_encode(doc):
    """BSON bytes of a dict (str, int, float, bool, None, dict, list, bytes)."""
    out = b""
    for key, val in doc.items():
        name = key.encode("utf-8") + b"\x00"
        if isinstance(val, bool):
            out += b"\x08" + name + (b"\x01" if val else b"\x00")
        elif isinstance(val, int):
            if -2**31 <= val < 2**31:
                out += b"\x10" + name + struct.pack("<i", val)
            else:
                out += b"\x12" + name + struct.pack("<q", val)
        elif isinstance(val, float):
            out += b"\x01" + name + struct.pack("<d", val)
        elif isinstance(val, str):
            s = val.encode("utf-8") + b"\x00"
            out += b"\x02" + name + struct.pack("<i", len(s)) + s
        elif val is None:
            out += b"\x0a" + name
        elif isinstance(val, dict):
            out += b"\x03" + name + bson_encode(val)
        elif isinstance(val, (list, tuple)):
            out += b"\x04" + name + bson_encode({str(i): v for i, v in enumerate(val)})
        elif isinstance(val, bytes):
            out += b"\x05" + name + struct.pack("<i", len(val)) + b"\x00" + val
        else:
            raise TypeError("cannot encode %r as BSON" % (val,))
    return struct.pack("<i", len(out) + 5) + out + b"\x00"


def bson_decode(data, pos=0):
    """(dict, end) of the BSON document at data[pos:] (ObjectId as hex, dates as ms ints)."""
    (length,) = struct.unpack_from("<i", data, pos)
    end = pos + length - 1
    pos += 4
    doc = {}
    while pos < end:
        t = data[pos]
        pos += 1
        nul = data.index(b"\x00", pos)
        key = data[pos:nul].decode("utf-8")
        pos = nul + 1
        if t == 0x01:
            (v,) = struct.unpack_from("<d", data, pos); pos += 8
        elif t in (0x02, 0x0D, 0x0E):
            (n,) = struct.unpack_from("<i", data, pos)
            v = data[pos + 4:pos + 4 + n - 1].decode("utf-8"); pos += 4 + n
        elif t in (0x03, 0x04):
            v, pos = bson_decode(data, pos)
            if t == 0x04:
                v = [v[k] for k in sorted(v, key=int)]
        elif t == 0x05:
            (n,) = struct.unpack_from("<i", data, pos)
            v = data[pos + 5:pos + 5 + n]; pos += 5 + n
        elif t == 0x07:
            v = data[pos:pos + 12].hex(); pos += 12
        elif t == 0x08:
            v = data[pos] != 0; pos += 1
        elif t in (0x09, 0x11, 0x12):
            (v,) = struct.unpack_from("<q", data, pos); pos += 8
        elif t in (0x0A, 0x06, 0xFF, 0x7F):
            v = None
        elif t == 0x10:
            (v,) = struct.unpack_from("<i", data, pos); pos += 4
        elif t == 0x0B:
            a = data.index(b"\x00", pos); b = data.index(b"\x00", a + 1)
            v = (data[pos:a].decode(), data[a + 1:b].decode()); pos = b + 1
        elif t == 0x13:
            v = data[pos:pos + 16]; pos += 16
        else:
            raise ValueError("unsupported BSON type 0x%02x" % t)
        doc[key] = v
    return doc, end + 1


def mongo_command(port, db, cmd, timeout=5.0, host="127.0.0.1"):
    """Send one command as OP_MSG to host:port and return the reply document."""
    body = dict(cmd)
    body["$db"] = db
    payload = struct.pack("<I", 0) + b"\x00" + bson_encode(body)
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013)
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(header + payload)
        data = b""
        while len(data) < 4 or len(data) < struct.unpack_from("<i", data)[0]:
            more = s.recv(65536)
            if not more:
                raise FerretDBError("connection closed before a full reply")
            data += more
    length, _, _, opcode = struct.unpack_from("<iiii", data)
    if opcode != 2013:
        raise FerretDBError("unexpected reply opcode %d" % opcode)
    if data[20] != 0:
        raise FerretDBError("unexpected OP_MSG section kind %d" % data[20])
    return bson_decode(data, 21)[0]


# ------------------------------------------------------------ the server

_live = []


def _cleanup_all():
    for db in list(_live):
        db.stop()


atexit.register(_cleanup_all)


class FerretDB:
    """One FerretDB v1 process with SQLite data in its own temporary directory."""

    def __init__(self, binary=None, port=None, log_level="error"):
        self.binary = binary
        self.port = port
        self.log_level = log_level
        self.tmpdir = None
        self.proc = None
        self._log = None

    @property
    def uri(self):
        """mongodb://127.0.0.1:PORT/ of the running server."""
        return "mongodb://127.0.0.1:%d/" % self.port

    @property
    def data_dir(self):
        """The directory holding the SQLite files."""
        return os.path.join(self.tmpdir, "data")

    @property
    def pid(self):
        """The process id, or None when not running."""
        return self.proc.pid if self.proc else None

    def start(self, timeout=30.0):
        """Start (first time: pick a port and a temp dir); wait until it answers hello."""
        if self.binary is None:
            self.binary = find_binary()
        if self.tmpdir is None:
            self.tmpdir = tempfile.mkdtemp(prefix="jarvis-ferretdb-")
            os.makedirs(self.data_dir)
            os.makedirs(os.path.join(self.tmpdir, "state"))
        fixed = self.port is not None
        for attempt in range(5):
            if not fixed:
                self.port = free_port()
            self._spawn()
            try:
                self._wait_ready(timeout)
                break
            except FerretDBError:
                self._terminate(kill=True)
                if fixed or attempt == 4 or port_is_free(self.port):
                    # not a port race: say why
                    raise FerretDBError("ferretdb did not start on port %d: %s"
                                        % (self.port, self.log_tail()))
        if self not in _live:
            _live.append(self)
        return self

    def _spawn(self):
        args = [self.binary,
                "--handler=sqlite",
                "--sqlite-url=file:%s/" % self.data_dir,
                "--state-dir=%s" % os.path.join(self.tmpdir, "state"),
                "--listen-addr=127.0.0.1:%d" % self.port,
                "--debug-addr=-",
                "--telemetry=disable",
                "--log-level=%s" % self.log_level]
        self._log = open(os.path.join(self.tmpdir, "ferretdb.log"), "ab")
        env = dict(os.environ)
        env["DO_NOT_TRACK"] = "1"
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)

    def _wait_ready(self, timeout):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise FerretDBError("exited with status %d" % self.proc.returncode)
            try:
                reply = mongo_command(self.port, "admin", {"hello": 1}, timeout=2.0)
                if reply.get("ok") == 1:
                    return
                last = "hello answered %r" % (reply,)
            except (OSError, FerretDBError, ValueError, struct.error) as e:
                last = str(e)
            time.sleep(0.05)
        raise FerretDBError("no answer to hello within %.0fs (%s)" % (timeout, last))

    def log_tail(self, n=2000):
        """The last bytes of FerretDB's own log."""
        try:
            with open(os.path.join(self.tmpdir, "ferretdb.log"), "rb") as f:
                data = f.read()
            return data[-n:].decode("utf-8", errors="replace").strip() or "(empty log)"
        except OSError:
            return "(no log)"

    def command(self, db, cmd, timeout=5.0):
        """Run one database command (a dict) and return the reply as a dict."""
        return mongo_command(self.port, db, cmd, timeout)

    def is_running(self):
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def _terminate(self, kill=False, timeout=10.0):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(10)
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def kill(self):
        """SIGKILL the server (a crash); port and data are kept for restart()."""
        self._terminate(kill=True)

    def pause(self):
        """SIGSTOP the server (a hung database); resume() undoes it."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        """SIGCONT a paused server."""
        os.kill(self.proc.pid, signal.SIGCONT)

    def restart(self, timeout=30.0):
        """Stop if running, then start again on the same port with the same data."""
        if self.is_running():
            self._terminate()
        deadline = time.time() + 10
        while not port_is_free(self.port) and time.time() < deadline:
            time.sleep(0.05)
        return self.start(timeout)

    def stop(self):
        """SIGTERM (SIGKILL after 10 s), then remove the temporary directory."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self._terminate()
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        if self in _live:
            _live.remove(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------ CLI

def build_binary(dest_dir=None):
    """Build FerretDB v1 from the Go module cache (no network); returns the binary path."""
    gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True,
                            check=True).stdout.strip().split(os.pathsep)[0]
    modcache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True,
                              check=True).stdout.strip()
    src = os.path.join(modcache, "github.com", "!ferret!d!b",
                       "!ferret!d!b@" + FERRETDB_VERSION)
    if not os.path.isdir(src):
        raise FerretDBError("%s is not in the Go module cache; run `go install "
                            "github.com/FerretDB/FerretDB/cmd/ferretdb@%s` first"
                            % (src, FERRETDB_VERSION))
    dest_dir = dest_dir or os.path.join(gopath, "bin")
    work = tempfile.mkdtemp(prefix="ferretdb-src-")
    try:
        tree = os.path.join(work, "src")
        shutil.copytree(src, tree)
        for root, dirs, files in os.walk(tree):
            for n in dirs + files:
                os.chmod(os.path.join(root, n), 0o755 if n in dirs else 0o644)
        # `go install` leaves version.txt out and the binary panics at start
        with open(os.path.join(tree, "build", "version", "version.txt"), "w") as f:
            f.write(FERRETDB_VERSION + "\n")
        os.makedirs(dest_dir, exist_ok=True)
        out = os.path.join(dest_dir, "ferretdb")
        env = dict(os.environ, GOFLAGS="-mod=mod -buildvcs=false",
                   GOPROXY=os.environ.get("GOPROXY", "off"))
        subprocess.run(["go", "build", "-o", out + ".new", "./cmd/ferretdb"], cwd=tree,
                       env=env, check=True)
        os.replace(out + ".new", out)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _usage():
    sys.stderr.write(__doc__.split("CLI:")[1])
    return 2


def main(argv):
    if not argv:
        return _usage()
    cmd = argv[0]
    if cmd == "find":
        try:
            print(find_binary())
            return 0
        except FerretDBNotFound as e:
            sys.stderr.write("%s\n" % e)
            return 1
    if cmd == "build":
        try:
            print(build_binary(argv[1] if len(argv) > 1 else None))
            return 0
        except (FerretDBError, subprocess.CalledProcessError, OSError) as e:
            sys.stderr.write("ferretdb build failed: %s\n" % e)
            return 1
    if cmd == "serve":
        with FerretDB() as db:
            print(db.uri, flush=True)
            try:
                signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
                while db.is_running():
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
        return 0
    if cmd == "run":
        rest = argv[1:]
        if rest and rest[0] == "--":
            rest = rest[1:]
        if not rest:
            return _usage()
        try:
            db = FerretDB().start()
        except FerretDBNotFound as e:
            sys.stderr.write("%s\n%s\n" % (NOT_FOUND_LINE, e))
            if in_ci():
                sys.stderr.write("CI=true: a missing FerretDB is an error here\n")
                return 1
            env = dict(os.environ)
            env.pop(ENV_URI, None)
            return subprocess.call(rest, env=env)
        except FerretDBError as e:
            sys.stderr.write("ferretdb: %s\n" % e)
            return 1
        try:
            env = dict(os.environ)
            env[ENV_URI] = db.uri
            sys.stderr.write("ferretdb: %s at %s\n" % (db.binary, db.uri))
            try:
                rc = subprocess.call(rest, env=env)
            except KeyboardInterrupt:
                rc = 130
            except OSError as e:
                sys.stderr.write("ferretdb run: cannot run %s: %s\n" % (rest[0], e))
                rc = 127
        finally:
            db.stop()
        return rc if rc >= 0 else 128 - rc
    return _usage()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
