"""Shell completions: the scripts jarvis --completions writes, loaded into
the real bash (through bash-completion's loader), zsh (compinit, driven in a
zpty) and fish (complete -C), complete `jarvis --li` and `jarvis -m `."""

import os
import shutil
import subprocess

import pytest


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """make install into a DESTDIR with PREFIX=/usr, as a package would."""
    root = tmp_path_factory.mktemp("destdir")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    subprocess.run(["make", "-s", "install", "DESTDIR=" + str(root), "PREFIX=/usr"],
                   cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)
    return root / "usr" / "share"


def need(shell):
    if shutil.which(shell) is None:
        pytest.fail(shell + " is not installed (make deps installs it)")


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=30, **kw).stdout


BASH = r'''
source /usr/share/bash-completion/bash_completion
_completion_loader jarvis
fn=$(complete -p jarvis | sed -n 's/.*-F \([^ ]*\).*/\1/p')
COMP_WORDS=(jarvis --li); COMP_CWORD=1; $fn jarvis --li jarvis; echo "A:${COMPREPLY[*]}"
COMP_WORDS=(jarvis -m ''); COMP_CWORD=2; $fn jarvis '' -m; echo "B:${COMPREPLY[*]}"
'''


def test_bash_completes_options_and_models(installed):
    need("bash")
    out = run(["bash", "--norc", "-c", BASH],
              env=dict(os.environ, XDG_DATA_DIRS=str(installed)))
    assert "A:--list-models\n" in out, out
    assert "gemini-3.5-flash" in out.split("B:")[1], out


def test_fish_completes_options_and_models(installed):
    need("fish")
    env = dict(os.environ, XDG_DATA_DIRS=str(installed), HOME=str(installed))
    out = run(["fish", "--no-config", "-c",
               "source %s/fish/vendor_completions.d/jarvis.fish;"
               "complete -C 'jarvis --li'; echo ---; complete -C 'jarvis -m '" % installed],
              env=env)
    opts, models = out.split("---")
    assert opts.split("\t")[0].strip() == "--list-models", out
    assert "gemini-3.5-flash\t" in models or "gemini-3.5-flash\n" in models, out


ZSH = r'''
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=(%s \$fpath); autoload -Uz compinit; compinit -u -D; PS1='> '; zstyle ':completion:*' list-rows-first true"
zpty -w z "print READY"
zpty -r -m z line '*READY*'
zpty -w -n z $'jarvis --li\t'
zpty -r -m z out1 '*list-models*'
zpty -w -n z $'\C-u'
zpty -w -n z $'jarvis -m gemini-3.5\t\t'
zpty -r -m z out2 '*flash-lite*'
print -r -- "A:$out1"
print -r -- "B:$out2"
zpty -d z
'''


def test_zsh_completes_options_and_models(installed):
    need("zsh")
    out = run(["zsh", "-f", "-c", ZSH % (installed / "zsh" / "vendor-completions")],
              env=dict(os.environ, HOME=str(installed), TERM="dumb"))
    a, b = out.split("B:")
    assert "jarvis --list-models" in a, out
    assert "gemini-3.5-flash-lite" in b, out
