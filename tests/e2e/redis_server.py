"""A real `redis-server` (the Debian package; `.ci/run` installs it when absent) for the tests:
on a free loopback port, its files in a temporary folder, killed and restarted at will."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis
from e2e_server import LOOPBACK, closed_port


class RedisServer:
    def __init__(self, directory: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError(
                "redis-server is not installed: apt-get install -y redis-server (.ci/run does)"
            )
        self.executable = executable
        self.directory = directory
        self.port = closed_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=5)

    def start(self) -> None:
        """Start (or start again, on the same port); a dump.rdb in the folder is loaded."""
        options = {
            "port": str(self.port),
            "bind": LOOPBACK,
            "dir": str(self.directory),
            "save": "",  # no snapshots but those a test asks for (SAVE)
            "appendonly": "no",
            "logfile": str(self.directory / "redis.log"),
        }
        arguments = [self.executable]
        for name, value in options.items():
            arguments += [f"--{name}", value]
        self.process = subprocess.Popen(
            arguments,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with self.client() as client:
                    if client.ping():
                        return
            except redis.exceptions.RedisError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.directory / "redis.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server did not start:\n{log}")
            time.sleep(0.02)

    def run_id(self) -> str:
        with self.client() as client:
            info = client.info("server")
        return str(info["run_id"])

    def kill(self) -> None:
        """SIGKILL: no snapshot written, connections dropped."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        self.kill()
