"""Run one command; write its wall time, peak memory and exit code to a report file.

Why a separate small process: a child's peak memory (`ru_maxrss`) starts at the memory of the
process that forked it, so forking from the benchmark runner (which holds a whole corpus) would
report the runner's size. Run as `python -S -I launch.py REPORT COMMAND...`, this stays ~10 MiB,
measures from fork to exit, and uses the standard library only.
"""

import os
import sys
import time


def main() -> int:
    report, *command = sys.argv[1:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        except OSError as exc:
            os.write(2, f"cannot run {command[0]}: {exc}\n".encode())
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    with open(report, "w") as out:
        out.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
