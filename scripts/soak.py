#!/usr/bin/env python3
"""Soak: tokentop under steady load for minutes, with its memory bound on.

Starts `tokentop --headless --max-memory MB`, runs `tokentop load` at a fixed rate over gRPC and
OTLP/HTTP for the whole time, samples the resident size five times a second (printing it every 5 s),
then stops tokentop and checks
that received = stored + evicted + rejected holds exactly, that every accepted span was received,
and that the resident size never passed the bound. Exits 1 on any failure.

    python3 scripts/soak.py                 # 10 minutes, 20,000 spans/s, --max-memory 512
    python3 scripts/soak.py --minutes 1 --rate 5000 --max-memory 256 --binary .build/debug/tokentop
"""
import argparse, json, os, re, signal, subprocess, sys, threading, time

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=20000, help="spans/s per transport")
    parser.add_argument("--max-memory", type=int, default=512)
    parser.add_argument("--binary", default=".build/release/tokentop")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "tokentop"], check=True)

    server = subprocess.Popen([args.binary, "--headless", "--json", "--grpc-port", "0", "--http-port", "0",
                               "--max-memory", str(args.max_memory), "--max-spans", "100000000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    ports = dict(re.findall(r"(grpc|http)=127\.0\.0\.1:(\d+)", line))
    if len(ports) != 2:
        sys.exit(f"tokentop did not start: {line}")
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()

    seconds = int(args.minutes * 60)
    loads = [subprocess.Popen([args.binary, "load", "--protocol", protocol, "--target", f"127.0.0.1:{ports[key]}",
                               "--rate", str(args.rate), "--duration", str(seconds), "--json"],
                              stdout=subprocess.PIPE, text=True)
             for protocol, key in (("grpc", "grpc"), ("http-protobuf", "http"))]
    peak, samples = 0, []
    while any(load.poll() is None for load in loads):
        with open(f"/proc/{server.pid}/status") as status:
            rss = int(next(l for l in status if l.startswith("VmRSS:")).split()[1]) // 1024
        peak = max(peak, rss)
        samples.append(rss)
        if len(samples) % 25 == 0:
            print(f"{len(samples) // 5:5d} s  resident {rss} MB  (peak {peak} MB)", flush=True)
        time.sleep(0.2)
    accepted = sum(json.loads(load.stdout.read().strip().splitlines()[-1])["spans_accepted"] for load in loads)
    server.send_signal(signal.SIGINT)
    report = json.loads(server.stdout.read())
    ingest = report["ingest"]
    failures = []
    if ingest["received_spans"] != ingest["stored_spans"] + ingest["evicted_spans"] + ingest["rejected_spans"]:
        failures.append(f"accounting does not add up: {ingest}")
    if ingest["received_spans"] != accepted:
        failures.append(f"{accepted} spans accepted by the receivers, {ingest['received_spans']} counted")
    if peak > args.max_memory:
        failures.append(f"resident size peaked at {peak} MB, over --max-memory {args.max_memory}")
    print(json.dumps({"minutes": args.minutes, "spans_accepted": accepted, "peak_resident_mb": peak,
                      "ingest": ingest, "failures": failures}, indent=2))
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
