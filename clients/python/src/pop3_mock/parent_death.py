"""The CLI must not outlive the test run, even a SIGKILLed one: on Linux the
kernel sends it SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG)."""
import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Callable, Optional

PR_SET_PDEATHSIG = 1


def child_setup() -> Optional[Callable[[], None]]:
    """The preexec_fn for subprocess.Popen (None on Windows, which has none)."""
    if os.name != 'posix':
        return None
    parent = os.getpid()
    libc = _libc() if sys.platform.startswith('linux') else None

    def setup() -> None:
        # Its own process group: close() signals the group, so a CLI behind npx stops too.
        os.setpgid(0, 0)
        if libc is not None:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            # The parent may have died between fork and prctl: then nobody would send the signal.
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)

    return setup


def _libc() -> Optional[ctypes.CDLL]:
    # Loaded before the fork: the child must not load libraries between fork and exec.
    try:
        return ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True)
    except OSError:
        return None
