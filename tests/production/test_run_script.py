"""``make run`` on a fresh machine: scripts/ensure-system.sh names the Debian packages that are missing
(and installs them when root), scripts/wait_for.py lets run.sh print the address only once the
server answers. The system is faked with stub commands on PATH; nothing is installed."""

import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def stub(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def ensure_system(folder: Path) -> subprocess.CompletedProcess:
    env = {"PATH": f"{folder}:/usr/bin:/bin", "PYTHON": str(folder / "python3.11"), "VENV": str(folder / "no-venv")}
    return subprocess.run(
        ["bash", str(BASE_DIR / "scripts" / "ensure-system.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bare_debian_gets_the_one_command_that_installs_what_is_missing(tmp_path):
    stub(tmp_path, "id", "echo 1000")  # not root: nothing is installed, the command is printed
    stub(tmp_path, "ldconfig", "exit 0")  # no Pango
    stub(tmp_path, "fc-list", "echo 'DejaVu Sans:style=Book'")  # no CJK font
    stub(tmp_path, "python3.11", "exit 1")  # Debian's Python without python3.11-venv: no ensurepip
    result = ensure_system(tmp_path)
    assert result.returncode == 1
    assert (
        "sudo apt-get install python3.11-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"
        in result.stderr
    )


def test_a_ready_machine_passes_in_silence(tmp_path):
    stub(tmp_path, "id", "echo 1000")
    libs = " ".join(f"{name} => /lib/{name}" for name in ("libpango-1.0.so.0", "libpangoft2-1.0.so.0"))
    # A long list, as on a real machine: grep must read it all (with pipefail an early exit fails the pipe).
    stub(tmp_path, "ldconfig", f"seq 1 20000; echo '{libs} libharfbuzz-subset.so.0'")
    stub(tmp_path, "fc-list", "echo 'Noto Sans CJK SC:style=Regular'; seq 1 20000")
    stub(tmp_path, "python3.11", "exit 0")
    stub(tmp_path, "make", "exit 0")
    result = ensure_system(tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def wait_for(*args: str) -> tuple[int, float]:
    started = time.monotonic()
    code = subprocess.run(
        [sys.executable, str(BASE_DIR / "scripts" / "wait_for.py"), *args], timeout=60, check=False
    ).returncode
    return code, time.monotonic() - started


def test_the_address_is_printed_once_the_server_answers():
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert wait_for(f"http://127.0.0.1:{server.server_port}/", "--timeout", "10")[0] == 0
    finally:
        server.shutdown()
        server.server_close()
    # Nobody listens now; a server process that has ended is not waited for until the timeout.
    ended = subprocess.Popen(["true"])
    time.sleep(0.2)  # ended, not yet reaped: a zombie still answers to signal 0
    code, took = wait_for(f"http://127.0.0.1:{server.server_port}/", "--timeout", "30", "--process", str(ended.pid))
    ended.wait()
    assert code == 1 and took < 10
