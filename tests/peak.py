"""The peak resident memory of a process of its own, for tests that bound memory.

``ru_maxrss`` cannot serve: Linux carries a process's high-water mark across fork and exec,
so a child of the test session starts at the session's own peak (hundreds of megabytes by
the end of the suite) whatever the child does. ``VmHWM`` belongs to the memory map, which
exec makes new, so it counts only what the child itself touched.
"""

from __future__ import annotations

import atexit


def own_peak() -> int:
    """This process's peak resident memory since it was started, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def report_at_exit(path: str) -> None:
    """Write this process's peak to PATH when it exits normally (signals end it unwritten)."""
    def write() -> None:
        with open(path, "w", encoding="ascii") as out:
            out.write(str(own_peak()))
    atexit.register(write)


# Run ``python -c RUN_COPROD ARGS`` from the repository root: the real command, its peak
# written to the file named in COPROD_TEST_PEAK at exit.
RUN_COPROD = ("import os, runpy, sys\n"
              "from tests.peak import report_at_exit\n"
              "report_at_exit(os.environ['COPROD_TEST_PEAK'])\n"
              "sys.argv[0] = 'coprod'\n"
              "runpy.run_module('coprod_standard', run_name='__main__', alter_sys=True)\n")
