#!/usr/bin/env python3
"""tokentop inline between the OpenTelemetry SDK and Arize Phoenix: every span passes through unchanged.

Starts Phoenix (from bench/.venv, `pip install arize-phoenix`) and `tokentop --headless --forward` to it,
then has the stock OpenTelemetry Python SDK export agent traces (GenAI attributes, a message event) to
tokentop over OTLP/HTTP. Checks that Phoenix stored exactly the spans the SDK made — same ids, names and
attributes — that tokentop stored them too, and that its forward counters show every request sent.
Exits 1 on any difference.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install arize-phoenix
    swift build && python3 scripts/forward-to-phoenix.py [--traces 50] [--binary .build/debug/tokentop]
"""
import argparse, json, os, re, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, textwrap, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv", "bin")

SDK_CLIENT = textwrap.dedent('''
    import json, sys
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    endpoint, traces = sys.argv[1], int(sys.argv[2])
    provider = TracerProvider(resource=Resource.create({"service.name": "phoenix-passthrough"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint), max_export_batch_size=64))
    tracer = provider.get_tracer("passthrough-check")
    made = []
    for n in range(traces):
        with tracer.start_as_current_span("invoke_agent research-agent") as root:
            root.set_attribute("gen_ai.operation.name", "invoke_agent")
            root.set_attribute("gen_ai.agent.name", "research-agent")
            for step in ("plan", "answer"):
                with tracer.start_as_current_span("chat gpt-4o") as chat:
                    chat.set_attributes({"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                                         "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06",
                                         "gen_ai.usage.input_tokens": 100 + n, "gen_ai.usage.output_tokens": 20 + n,
                                         "gen_ai.response.finish_reasons": ["stop"], "step": step})
                    chat.add_event("gen_ai.user.message", {"content": f"question {n} ({step})"})
                    made.append(chat)
            with tracer.start_as_current_span("execute_tool web_search") as tool:
                tool.set_attributes({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "web_search"})
                made.append(tool)
            made.append(root)
    provider.shutdown()
    print(json.dumps([{"span_id": format(s.context.span_id, "016x"), "name": s.name,
                       "input_tokens": s.attributes.get("gen_ai.usage.input_tokens")} for s in made]))
''')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--traces", type=int, default=50)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "tokentop"))
    args = parser.parse_args()
    if not os.path.exists(os.path.join(VENV, "phoenix")):
        sys.exit("bench/.venv has no phoenix: python3 -m venv bench/.venv && bench/.venv/bin/pip install arize-phoenix")

    work = tempfile.mkdtemp(prefix="tokentop-phoenix-")
    phoenix_http, phoenix_grpc = free_port(), free_port()
    env = dict(os.environ, PHOENIX_WORKING_DIR=work, PHOENIX_PORT=str(phoenix_http), PHOENIX_GRPC_PORT=str(phoenix_grpc),
               PHOENIX_HOST="127.0.0.1", PHOENIX_TELEMETRY_ENABLED="false")
    phoenix = subprocess.Popen([os.path.join(VENV, "phoenix"), "serve"], env=env,
                               stdout=open(os.path.join(work, "phoenix.log"), "w"), stderr=subprocess.STDOUT)
    tokentop = None
    failures = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{phoenix_http}/healthz", timeout=1).read()
                break
            except Exception:
                if time.monotonic() > deadline:
                    sys.exit("Phoenix did not start; see " + os.path.join(work, "phoenix.log"))
                time.sleep(0.5)

        tokentop = subprocess.Popen([args.binary, "--headless", "--json", "--grpc-port", "0", "--http-port", "0",
                                     "--forward", f"http://127.0.0.1:{phoenix_http}"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ports = dict(re.findall(r"(grpc|http)=127\.0\.0\.1:(\d+)", tokentop.stderr.readline()))
        sdk = subprocess.run([os.path.join(VENV, "python"), "-c", SDK_CLIENT,
                              f"http://127.0.0.1:{ports['http']}/v1/traces", str(args.traces)],
                             capture_output=True, text=True, check=True)
        made = {s["span_id"]: s for s in json.loads(sdk.stdout)}

        def stored():
            try:
                with sqlite3.connect(f"file:{os.path.join(work, 'phoenix.db')}?mode=ro", uri=True, timeout=5) as c:
                    return c.execute("select span_id, name, attributes from spans").fetchall()
            except sqlite3.Error:
                return []
        deadline = time.monotonic() + 120
        rows = stored()
        while len(rows) < len(made) and time.monotonic() < deadline:
            time.sleep(1)
            rows = stored()

        tokentop.send_signal(signal.SIGINT)
        report = json.loads(tokentop.communicate(timeout=60)[0])
        in_phoenix = {row[0]: row for row in rows}
        if set(in_phoenix) != set(made):
            failures.append(f"Phoenix has {len(in_phoenix)} spans, the SDK made {len(made)}; "
                            f"missing {len(set(made) - set(in_phoenix))}, unexpected {len(set(in_phoenix) - set(made))}")
        for span_id, span in made.items():
            row = in_phoenix.get(span_id)
            if row is None:
                continue
            if row[1] != span["name"]:
                failures.append(f"span {span_id}: name {row[1]!r} in Phoenix, {span['name']!r} sent")
            if span["input_tokens"] is not None:
                attributes = json.loads(row[2]) if isinstance(row[2], str) else row[2]
                tokens = attributes.get("gen_ai", {}).get("usage", {}).get("input_tokens")
                if tokens != span["input_tokens"]:
                    failures.append(f"span {span_id}: input tokens {tokens} in Phoenix, {span['input_tokens']} sent")
        ingest, forward = report["ingest"], report["forward"][0]
        if ingest["stored_spans"] != len(made):
            failures.append(f"tokentop stored {ingest['stored_spans']} spans of {len(made)}")
        if forward["failed_requests"] or forward["dropped_requests"] or not forward["sent_requests"]:
            failures.append(f"forwarding: {forward}")
        print(json.dumps({"spans_made": len(made), "spans_in_phoenix": len(rows), "tokentop_stored": ingest["stored_spans"],
                          "forward": forward, "failures": failures[:20]}, indent=2))
    finally:
        if tokentop and tokentop.poll() is None:
            tokentop.kill()
        phoenix.send_signal(signal.SIGINT)
        try:
            phoenix.wait(timeout=30)
        except subprocess.TimeoutExpired:
            phoenix.kill()
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
