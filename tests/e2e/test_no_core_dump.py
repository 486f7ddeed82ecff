"""
Issue 12: jarvis holds the API key for its whole run, so it must not be
dumpable (no core file, no ptrace or /proc/PID/mem from the same user).
The kernel shows it: the files in /proc/PID of a non-dumpable process
belong to root.
The run is made as an unprivileged user so that the owner tells.
"""
import os
import shutil
import subprocess
import tempfile
import time

import pytest

NOBODY = 65534


def test_jarvis_is_not_dumpable_while_it_holds_the_key(jarvis_bin, jarvis_env, fake_gemini):
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run jarvis as another user")
    fake_gemini.script([{"kind": "stall", "after_events": 1}])
    top = tempfile.mkdtemp(prefix="jarvis-dump-")
    os.chmod(top, 0o755)
    env = dict(jarvis_env)
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                 "XDG_CACHE_HOME"):
        d = os.path.join(top, name.lower())
        os.mkdir(d, 0o700)
        os.chown(d, NOBODY, NOBODY)
        env[name] = d
    p = subprocess.Popen(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                          "--clear-groups", jarvis_bin, "-p", "hi", "--no-save"],
                         env=env, cwd=top, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while time.time() < deadline and len(fake_gemini.requests) == 0:
            time.sleep(0.05)
        assert p.poll() is None, p.stderr.read()
        st = os.stat("/proc/%d/environ" % p.pid)
        status = open("/proc/%d/status" % p.pid).read()
        assert "Uid:\t%d" % NOBODY in status  # it is running as nobody...
        assert st.st_uid == 0  # ...and its /proc entry is root's: not dumpable
    finally:
        p.kill()
        p.wait()
        shutil.rmtree(top, ignore_errors=True)
