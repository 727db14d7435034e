"""Run a command; print its wall time in seconds, its peak resident memory in MB and
its CPU time (user + system, every thread) in seconds.
Usage: measure.py CMD [ARGS...]. Exits with the command's status."""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {usage.ru_maxrss / 1024:.0f} {usage.ru_utime + usage.ru_stime:.2f}")
sys.exit(rc)
