#!/usr/bin/env python3
"""timeit.py OUT CMD...: runs CMD under GNU time and writes "wall user sys
maxrss_kb" to OUT.

The wall time is measured here, to the microsecond: GNU time prints
hundredths of a second, and a rebuild of a quarter of a second could then
only be told to 4%. CPU time and peak resident memory are GNU time's (from
the rusage wait4 gives for CMD and what it waited for; a child of Python
would count Python's own memory). The clock starts once Python has.
Exits with GNU time's status, which is CMD's."""
import os
import subprocess
import sys
import time

out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic_ns()
status = subprocess.call(["/usr/bin/time", "-f", "%U %S %M", "-o", out + ".time"] + cmd)
wall = (time.monotonic_ns() - t0) / 1e9
# time writes "Command exited with non-zero status N" first when CMD fails.
lines = open(out + ".time").read().split("\n")
rusage = [l for l in lines if l.strip()][-1]
os.unlink(out + ".time")
with open(out, "w") as f:
    f.write("%.6f %s\n" % (wall, rusage))
sys.exit(status if status >= 0 else 128 - status)
