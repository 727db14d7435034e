"""Run a command; print its wall time in seconds and its peak resident memory in MB.
Usage: measure.py CMD [ARGS...]. Exits with the command's status."""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{wall:.3f} {peak_kb / 1024:.0f}")
sys.exit(rc)
