#!/usr/bin/env python3
"""End-to-end figures for BENCHMARKS.md: tokentop's ingest with the screen drawing, the
decode-and-discard limit (agent traces, and Claude Code's log events), memory per stored span, start-up time, arrival-to-screen latency, ingest
with the spend history written and not, and, when bench/.venv has arize-phoenix, Phoenix fed by the
same generator in the same run.

    python3 bench/run.py                 # release build, then every measurement
    python3 bench/run.py --seconds 10 --skip-phoenix --no-build
    python3 bench/run.py --only-history --no-build --seconds 5
    python3 bench/run.py --only-logs --no-build --seconds 8

Only loopback ports are used. Everything it starts it stops.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every tokentop started here keeps its spend history in a folder of its own, never the user's.
STATE = tempfile.mkdtemp(prefix="tokentop-bench-state-")
os.environ["XDG_STATE_HOME"] = STATE
BIN = os.path.join(ROOT, ".build", "release", "tokentop")
TMUX = ["tmux", "-L", "tokentop-bench"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_facts():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "swift": swift[0] if swift else "",
        "load_average_at_start": os.getloadavg(),
    }


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Headless:
    """tokentop serve --headless on free ports; `stop()` returns its summary JSON."""

    def __init__(self, *extra):
        self.grpc, self.http = free_port(), free_port()
        self.started = time.monotonic()
        # The summary goes to a file: with many sessions it is larger than a pipe holds.
        self.summary = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([BIN, "serve", "--headless", "--json", "--grpc-port", str(self.grpc),
                                      "--http-port", str(self.http), *extra],
                                     stdout=self.summary, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        self.listening_after = time.monotonic() - self.started
        if not line.startswith("tokentop listening"):
            raise RuntimeError("tokentop did not start: " + line)
        # The status lines (one a second) are read and dropped so the pipe never fills.
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def port(self, protocol):
        return self.grpc if protocol == "grpc" else self.http

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=120)
        self.summary.seek(0)
        return json.loads(self.summary.read())


class Screen:
    """tokentop with its screen drawing into a 200x60 tmux pane."""

    def __init__(self, *extra):
        self.grpc, self.http = free_port(), free_port()
        subprocess.run(TMUX + ["kill-server"], capture_output=True)
        command = " ".join([BIN, "--grpc-port", str(self.grpc), "--http-port", str(self.http), *extra])
        self.started = time.monotonic()
        subprocess.run(TMUX + ["new-session", "-d", "-s", "bench", "-x", "200", "-y", "60",
                               f"TERM=xterm-256color {command}"], check=True)
        self.first_frame_after = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if " tokentop " in self.capture():
                self.first_frame_after = time.monotonic() - self.started
                break
            time.sleep(0.002)
        self.pid = int(subprocess.run(TMUX + ["display-message", "-p", "-t", "bench", "#{pane_pid}"],
                                      capture_output=True, text=True).stdout.strip())

    def port(self, protocol):
        return self.grpc if protocol == "grpc" else self.http

    def capture(self):
        return subprocess.run(TMUX + ["capture-pane", "-p", "-t", "bench"], capture_output=True, text=True).stdout

    def stop(self):
        subprocess.run(TMUX + ["send-keys", "-t", "bench", "q"], capture_output=True)
        # tokentop writes the calls still queued for the history before it exits: wait for it, so the
        # next run does not find the history file still held.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and os.path.exists(f"/proc/{self.pid}"):
            time.sleep(0.05)
        subprocess.run(TMUX + ["kill-server"], capture_output=True)


def load(protocol, port, seconds, concurrency, *extra):
    out = subprocess.run([BIN, "load", "--json", "--protocol", protocol, "--target", f"127.0.0.1:{port}",
                          "--duration", str(seconds), "--concurrency", str(concurrency), *extra],
                         capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError("load failed: " + out.stderr + out.stdout)
    return json.loads(lines[-1])


def probe_body(name):
    """One OTLP/JSON span with a root name that shows in the trace list."""
    now = time.time_ns()
    trace = os.urandom(16).hex()
    return json.dumps({"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "probe"}}]},
        "scopeSpans": [{"scope": {"name": "bench"}, "spans": [{
            "traceId": trace, "spanId": os.urandom(8).hex(), "name": name, "kind": 1,
            "startTimeUnixNano": str(now), "endTimeUnixNano": str(now + 1000)}]}]}]}).encode()


def arrival_to_screen(screen, samples):
    """Posts a uniquely named span and polls the pane until the name shows: an upper bound that
    includes tmux's own capture time (a few ms)."""
    latencies = []
    for i in range(samples):
        name = f"probe{i:04d}x{os.getpid()}"
        request = urllib.request.Request(f"http://127.0.0.1:{screen.http}/v1/traces", data=probe_body(name),
                                         headers={"Content-Type": "application/json"})
        sent = time.monotonic()
        urllib.request.urlopen(request, timeout=10).read()
        while time.monotonic() - sent < 5:
            if name in screen.capture():
                latencies.append((time.monotonic() - sent) * 1000)
                break
        else:
            latencies.append(float("inf"))
        time.sleep(0.05)
    latencies.sort()
    return {"samples": len(latencies), "p50_ms": round(latencies[len(latencies) // 2], 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
            "max_ms": round(latencies[-1], 1)}


def measure_ingest(args, protocol, *extra):
    """One protocol: the decode-only receiver, headless, and with the screen drawing, fed alike."""
    label = protocol + (" " + " ".join(extra) if extra else "")
    row = {}
    discard = Headless("--discard")
    row["discard"] = load(protocol, discard.port(protocol), args.seconds, args.concurrency, *extra)
    row["discard_server"] = discard.stop()

    headless = Headless("--max-spans", "100000000")
    row["headless"] = load(protocol, headless.port(protocol), args.seconds, args.concurrency, *extra)
    row["headless_report"] = headless.stop()["ingest"]

    screen = Screen("--max-spans", "100000000")
    row["screen_first_frame_ms"] = round((screen.first_frame_after or 0) * 1000, 1)
    row["screen"] = load(protocol, screen.port(protocol), args.seconds, args.concurrency, *extra)
    header = screen.capture().splitlines()[0]
    row["screen_header_after"] = header.strip()
    screen.stop()
    row["ratio_screen_to_discard"] = round(row["screen"]["spans_per_second"] / row["discard"]["spans_per_second"], 3)
    row["ratio_headless_to_discard"] = round(row["headless"]["spans_per_second"] / row["discard"]["spans_per_second"], 3)
    print(f"{label}: discard {row['discard']['spans_per_second']:.0f}/s, headless "
          f"{row['headless']['spans_per_second']:.0f}/s, screen {row['screen']['spans_per_second']:.0f}/s, "
          f"screen/discard {row['ratio_screen_to_discard']}", file=sys.stderr)
    return row


def measure_logs(args):
    """Claude Code's log events (`tokentop load --signal logs`): records/s in the `spans_` fields."""
    return {protocol: measure_ingest(args, protocol, "--signal", "logs") for protocol in ["grpc", "http-protobuf"]}


def measure_tokentop(args):
    results = {}
    starts = []
    for _ in range(5):
        h = Headless()
        starts.append(h.listening_after * 1000)
        h.proc.kill()
        h.proc.wait()
    results["start_to_listening_ms"] = {"median": round(statistics.median(starts), 1), "runs": [round(s, 1) for s in starts]}

    for protocol in ["grpc", "http-protobuf"]:
        results[protocol] = measure_ingest(args, protocol)
    results["logs"] = measure_logs(args)

    # Memory: RSS after start-up and after N spans are stored (the store keeps them all).
    n = args.memory_spans
    h = Headless("--max-spans", str(n))
    time.sleep(0.5)
    before = rss_kib(h.proc.pid)
    sent = load("grpc", h.grpc, 600, args.concurrency, "--max-spans", str(n))
    time.sleep(1.5)
    after = rss_kib(h.proc.pid)
    stored = h.stop()["ingest"]["stored_spans"]
    results["memory"] = {"spans_stored": stored, "rss_before_kib": before, "rss_after_kib": after,
                         "bytes_per_stored_span": round((after - before) * 1024 / max(stored, 1), 1),
                         "load_accepted": sent["spans_accepted"]}

    # Arrival to screen, with and without load in the background.
    screen = Screen()
    results["arrival_to_screen_idle"] = arrival_to_screen(screen, args.probes)
    background = subprocess.Popen([BIN, "load", "--json", "--protocol", "grpc", "--target", f"127.0.0.1:{screen.grpc}",
                                   "--duration", "600", "--rate", str(args.latency_rate), "--concurrency", "2"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    results["arrival_to_screen_under_load"] = arrival_to_screen(screen, args.probes)
    results["arrival_to_screen_under_load"]["background_rate_spans_per_second"] = args.latency_rate
    # SIGTERM: a script started in the background has SIGINT ignored, and its children inherit that.
    background.terminate()
    background.wait()
    screen.stop()
    return results


def measure_history(args):
    """Ingest over OTLP/HTTP with the spend history written (a fresh file each run) and without it,
    alternating, and the ledger's bytes per call (after the file is closed, WAL folded in)."""
    runs = {"off": [], "on": []}
    per_call = []
    for round_ in range(args.history_rounds):
        for mode in ["off", "on"]:
            path = os.path.join(STATE, f"history-{round_}.sqlite")
            flags = ["--no-history"] if mode == "off" else ["--history", path]
            h = Headless("--max-spans", "100000000", *flags)
            sent = load("http-protobuf", h.http, args.seconds, args.concurrency)
            report = h.stop()
            row = {"spans_per_second": sent["spans_per_second"], "llm_calls": report["llm_calls"],
                   "spans": report["ingest"]["stored_spans"]}
            if mode == "on":
                history = report["history"]
                row.update(written_calls=history["written_calls"], written_tool_calls=history["written_tool_calls"],
                           unwritten=history["unwritten"])
                size = sum(os.path.getsize(path + suffix) for suffix in ["", "-wal", "-shm"] if os.path.exists(path + suffix))
                with sqlite3.connect(path) as db:
                    calls = db.execute("select count(*) from call").fetchone()[0]
                    tools = db.execute("select count(*) from tool_call").fetchone()[0]
                row.update(file_bytes=size, rows_calls=calls, rows_tools=tools)
                per_call.append(size / max(calls + tools, 1))
                os.remove(path)
            runs[mode].append(row)
            print(f"history {mode}: {row['spans_per_second']:.0f} spans/s", file=sys.stderr)
    off = statistics.median(r["spans_per_second"] for r in runs["off"])
    on = statistics.median(r["spans_per_second"] for r in runs["on"])
    # A steady rate, as a busy app or a collector feed sends: is every call written?
    path = os.path.join(STATE, "history-steady.sqlite")
    h = Headless("--max-spans", "100000000", "--history", path)
    sent = load("http-protobuf", h.http, args.seconds, args.concurrency, "--rate", str(args.history_rate))
    report = h.stop()
    steady = {"rate_spans_per_second": args.history_rate, "spans_per_second": sent["spans_per_second"],
              "llm_calls": report["llm_calls"], "written_calls": report["history"]["written_calls"],
              "unwritten": report["history"]["unwritten"]}
    return {"runs": runs, "median_off": off, "median_on": on, "ratio_on_to_off": round(on / off, 3),
            "file_bytes_per_row": round(statistics.median(per_call), 1), "steady": steady}


def measure_phoenix(args, tokentop_rate):
    phoenix = os.path.join(ROOT, "bench", ".venv", "bin", "phoenix")
    if not os.path.exists(phoenix):
        return {"skipped": "bench/.venv has no phoenix (python3 -m venv bench/.venv && bench/.venv/bin/pip install arize-phoenix)"}
    work = tempfile.mkdtemp(prefix="phoenix-bench-")
    http, grpc = free_port(), free_port()
    env = dict(os.environ, PHOENIX_WORKING_DIR=work, PHOENIX_PORT=str(http), PHOENIX_GRPC_PORT=str(grpc),
               PHOENIX_HOST="127.0.0.1", PHOENIX_TELEMETRY_ENABLED="false")
    version = subprocess.run([os.path.join(ROOT, "bench", ".venv", "bin", "python"), "-c",
                              "import phoenix; print(phoenix.__version__)"], capture_output=True, text=True).stdout.strip()
    log = open(os.path.join(work, "phoenix.log"), "w")
    proc = subprocess.Popen([phoenix, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{http}/healthz", timeout=1).read()
                break
            except Exception:
                time.sleep(0.5)
        db = os.path.join(work, "phoenix.db")

        def stored():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
                    return c.execute("select count(*) from spans").fetchone()[0]
            except sqlite3.Error:
                return 0

        result = {"version": version, "protocol": args.phoenix_protocol}
        port = grpc if args.phoenix_protocol == "grpc" else http
        t0 = time.monotonic()
        result["load"] = load(args.phoenix_protocol, port, args.seconds, args.concurrency,
                              "--max-spans", str(args.phoenix_spans))
        # Spans stored per second from the first request until the window ends (it drains after accepting).
        while time.monotonic() - t0 < args.phoenix_window:
            time.sleep(1)
        count = stored()
        elapsed = time.monotonic() - t0
        result.update({"window_s": round(elapsed, 1), "spans_stored": count,
                       "stored_spans_per_second": round(count / elapsed, 1)})
        result["tokentop_to_phoenix"] = round(tokentop_rate / max(result["stored_spans_per_second"], 0.001), 1)
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--seconds", type=float, default=10, help="length of each ingest run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--memory-spans", type=int, default=500_000)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--latency-rate", type=int, default=50_000)
    parser.add_argument("--skip-phoenix", action="store_true")
    parser.add_argument("--phoenix-protocol", default="http-protobuf", choices=["grpc", "http-protobuf"])
    parser.add_argument("--phoenix-spans", type=int, default=20_000)
    parser.add_argument("--phoenix-window", type=float, default=60)
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("--history-rounds", type=int, default=3)
    parser.add_argument("--history-rate", type=int, default=50_000, help="spans/s of the steady history run")
    parser.add_argument("--only-history", action="store_true", help="only the history on/off runs")
    parser.add_argument("--only-logs", action="store_true", help="only the log records' ingest runs")
    parser.add_argument("--binary", help="the tokentop to measure (default: the release build, built unless --no-build)")
    args = parser.parse_args()
    if args.binary:
        global BIN
        BIN = os.path.abspath(args.binary)
        args.no_build = True

    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tokentop"], cwd=ROOT, check=True)
    results = {"machine": machine_facts(), "arguments": vars(args)}
    if args.only_logs:
        results["logs"] = measure_logs(args)
        return emit(results, args.out)
    results["history"] = measure_history(args)
    if args.only_history:
        return emit(results, args.out)
    results["tokentop"] = measure_tokentop(args)
    if not args.skip_phoenix:
        rate = results["tokentop"][args.phoenix_protocol]["screen"]["spans_per_second"]
        results["phoenix"] = measure_phoenix(args, rate)
    emit(results, args.out)


def emit(results, out):
    """The results as JSON on standard output, and in `out` when given."""
    text = json.dumps(results, indent=2)
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
