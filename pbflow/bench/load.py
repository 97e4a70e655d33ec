"""Gunicorn on a free local port, and many keep-alive connections against it: for scripts/bench's
throughput line and scripts/marathon_load. Not used by the application itself."""

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
WORKERS = 2
THREADS = 8
PBFLOW_TARGET = "pbflow:create_app()"  # as scripts/run serves it (app.py), configured from the environment
BASELINE_TARGET = "pbflow.bench.baseline:create_app()"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(target, env, folder) as server:` gunicorn (gthread workers, keep-alive) on server.port."""

    def __init__(self, target, env, folder, workers=WORKERS, threads=THREADS):
        self.target, self.folder = target, Path(folder)
        self.env = {**os.environ, **env, "PYTHONPATH": os.pathsep.join([str(self.folder), *sys.path])}
        self.env.pop("PBFLOW_MAIL_SERVER", None)
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.process = self.log = None

    def __enter__(self):
        self.log = open(self.folder / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(self.workers),
             "--worker-class", "gthread", "--threads", str(self.threads), "--keep-alive", "30",
             "--timeout", "120", "--bind", f"{HOST}:{self.port}", self.target],
            cwd=self.folder, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log.name}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer within 60 s: see {self.log.name}")

    def worker_memory_mb(self):
        """(RSS, PSS) of each worker (the master's children) in MB, from /proc: PSS charges pages shared with the other processes (libraries, the
        interpreter) in shares, so it is what one more worker costs the machine."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
                rollup = (entry / "smaps_rollup").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                memory = dict(line.split(":", 1) for line in rollup.splitlines()[1:] if ":" in line)
                sizes.append((int(fields["VmRSS"].split()[0]) / 1024, int(memory["Pss"].split()[0]) / 1024))
        return sorted(sizes)

    def __exit__(self, *_exc):
        os.killpg(self.process.pid, signal.SIGTERM)  # the group we started: the master and its workers
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self.log.close()


class Browser:
    """One person's browser against a local server: a kept-alive connection, cookies and the CSRF token."""

    def __init__(self, port, language="pl"):
        self.port, self.language = port, language
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies = SimpleCookie()
        self.csrf = None

    def request(self, method, path, form=None):
        """(status, body text, seconds from sending to the last byte)."""
        headers = {"Host": HOST, "Accept-Language": self.language}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.csrf or ""}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a connection left idle past its keep-alive; a browser opens a new one
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            began = time.perf_counter()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - began
        for header in response.msg.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        if found := CSRF.search(text):
            self.csrf = found.group(1)
        return response.status, text, elapsed

    def log_in(self, email, password):
        self.request("GET", "/login")
        status, _text, _seconds = self.request("POST", "/login", {"email": email, "password": password})
        if status != 303:
            raise SystemExit(f"could not sign in as {email} (status {status})")
        return self

    def close(self):
        self.connection.close()


@dataclass
class Throughput:
    requests: int
    errors: int
    seconds: float
    latencies: list

    @property
    def per_second(self):
        return self.requests / self.seconds

    @property
    def median_ms(self):
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


def throughput(port, path, connections=16, seconds=10.0, warm_up=2.0):
    """GET `path` over `connections` keep-alive connections at once for `seconds` (after `warm_up`):
    answers per second, errors (a status other than 200, or no answer) and each answer's latency."""
    lock = threading.Lock()
    counted = {"requests": 0, "errors": 0}
    latencies = []
    start = time.monotonic() + warm_up
    stop = start + seconds

    def client():
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        mine, errors, times = 0, 0, []
        while (now := time.monotonic()) < stop:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                ok = False
            if now >= start:
                times.append(time.monotonic() - now)
                mine += ok
                errors += not ok
        connection.close()
        with lock:
            counted["requests"] += mine
            counted["errors"] += errors
            latencies.extend(times)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(counted["requests"], counted["errors"], seconds, latencies)
