"""Wait until a URL answers (any HTTP status), for scripts/run.sh to print the address only then.

    python scripts/wait_for.py http://127.0.0.1:8000/ --timeout 120 --process <pid of the server>

Exits 0 once the URL answers; 1 when the timeout passes or the process named by ``--process`` has
ended (the server failed to start), without waiting further.
"""

import argparse
import os
import sys
import time
import urllib.error
import urllib.request


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # an answer, even a 4xx or 5xx
    except (OSError, ValueError):
        return False


def alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an ended child the shell has not waited for yet is a zombie, still signalable
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def main() -> int:
    parser = argparse.ArgumentParser(description="Wait until a URL answers.")
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--process", type=int, help="give up as soon as this process has ended")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if answers(args.url):
            return 0
        if not alive(args.process):
            return 1
        time.sleep(0.25)
    return 1


if __name__ == "__main__":
    sys.exit(main())
