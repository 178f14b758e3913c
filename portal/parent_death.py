"""Child processes that do not outlive their parent: the book's typesetting processes and
gunicorn's workers.

A process whose parent is killed (SIGKILL, out of memory) is re-parented and runs on, holding its
memory and, for a gunicorn worker, its socket, until it notices, if ever. Linux sends such a
process a signal of our choice when its parent ends (prctl PR_SET_PDEATHSIG).
"""

import ctypes
import os

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent, signum):
    """In a freshly forked process of `parent` (a pid): get `signum` when the parent ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signum)) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(1)
