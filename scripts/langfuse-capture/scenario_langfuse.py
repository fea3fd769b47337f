#!/usr/bin/env python3
"""Scenario: the Langfuse Python SDK (langfuse 5.x, OTel-based; pinned in
requirements.txt next to this file) exporting with its OWN span processor /
OTLP-HTTP exporter to {LANGFUSE_HOST}/api/public/otel/v1/traces with HTTP basic
auth.  No other OpenTelemetry instrumentation or exporter is set up.

Run through the shared fixture tooling's run_scenario.py (see capture.sh).
run_scenario passes OTEL_EXPORTER_OTLP_ENDPOINT (the loopback capture server)
and FAKE_LLM_BASE_URL (the loopback fake LLM), runs this file with
cwd = PYTHONPATH = the clients dir (so net_guard / otel_setup import).

LANGFUSE_HOST is derived from OTEL_EXPORTER_OTLP_ENDPOINT (any /v1/... suffix
stripped); OTEL_EXPORTER_OTLP_ENDPOINT is then removed from the environment so
that every captured byte went through Langfuse's own endpoint construction.
LANGFUSE_BASE_URL (which would take precedence over LANGFUSE_HOST) and the CI
commit-SHA variables that Langfuse turns into langfuse.release are removed too.
OTEL_SERVICE_NAME is deliberately NOT set (run_scenario strips OTEL_*), as a
typical Langfuse user would not set it: the resource says unknown_service.
Compression is left at the SDK default (gzip), so the capture holds
NNNN-traces.binpb.gz (exact wire bytes).

Trace 1  research_agent (@observe, span)            propagate_attributes(
           session_id="lf-session-1", user_id="user-42")  [the v5 replacement of
           update_current_trace(session_id=..., user_id=...)]
   |- OpenAI-generation (langfuse.openai drop-in)   gpt-4o-mini, system (>=20 words,
   |                                                so fake_llm reports cached_tokens) + user
   |- lookup_docs (@observe(as_type="tool"))
   '- OpenAI-generation (langfuse.openai drop-in)   gpt-4o-mini, max_tokens=8 -> "length"
Trace 2  claude-manual-generation                   langfuse.start_as_current_observation(
           as_type="generation", model="claude-sonnet-4-5-20250929",
           usage_details={"input":1200,"output":80,"cache_read_input_tokens":1000},
           cost_details={"input":0.0036,"output":0.0012,"total":0.0048})
           inside the same propagate_attributes(session/user); no HTTP call is made.
Then langfuse.flush() and langfuse.shutdown().
"""
import os
import re
import sys

import net_guard  # noqa: F401  (first: block and report anything non-loopback)
import otel_setup  # noqa: E402  (only for fake_base_url() / the loopback check)

endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:14318")
otel_setup._check_loopback(endpoint, "OTEL_EXPORTER_OTLP_ENDPOINT")
langfuse_host = re.sub(r"/v1(/.*)?$", "", endpoint.rstrip("/"))

for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "LANGFUSE_BASE_URL",
          "LANGFUSE_TRACING_ENVIRONMENT", "LANGFUSE_RELEASE", "LANGFUSE_OTEL_COMPRESSION",
          "LANGFUSE_OTEL_TRACES_EXPORT_PATH", "LANGFUSE_SAMPLE_RATE", "LANGFUSE_TRACING_ENABLED",
          "RENDER_GIT_COMMIT", "CI_COMMIT_SHA", "CIRCLE_SHA1", "SOURCE_VERSION", "TRAVIS_COMMIT",
          "GIT_COMMIT", "GITHUB_SHA", "BITBUCKET_COMMIT", "BUILD_SOURCEVERSION",
          "DRONE_COMMIT_SHA"):
    os.environ.pop(k, None)
os.environ["LANGFUSE_HOST"] = langfuse_host
os.environ["LANGFUSE_PUBLIC_KEY"] = "pk-lf-fixture"
os.environ["LANGFUSE_SECRET_KEY"] = "sk-lf-fixture"

from langfuse import get_client, observe, propagate_attributes  # noqa: E402
from langfuse.openai import OpenAI  # noqa: E402  (the Langfuse drop-in, wraps openai.OpenAI)

SYSTEM = ("You are a concise assistant for an observability team. Answer in plain "
          "English, keep every reply short, and never invent metrics or numbers "
          "that you were not given by the user.")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


langfuse = get_client()
client = OpenAI(base_url=otel_setup.fake_base_url() + "/v1", api_key="sk-fake-key-not-secret")


@observe(as_type="tool")
def lookup_docs(topic: str) -> dict:
    return {"topic": topic, "hits": 2,
            "docs": ["otel-genai-semconv.md", "langfuse-otel-endpoint.md"]}


@observe()
def research_agent(question: str) -> str:
    with propagate_attributes(session_id="lf-session-1", user_id="user-42"):
        r1 = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "system", "content": SYSTEM},
                      {"role": "user", "content": question}])
        log("call 1", r1.model, r1.choices[0].finish_reason, r1.usage.prompt_tokens,
            r1.usage.completion_tokens, r1.usage.prompt_tokens_details.cached_tokens)
        docs = lookup_docs("langfuse otel")
        r2 = client.chat.completions.create(
            model="gpt-4o-mini", max_tokens=8,
            messages=[{"role": "user",
                       "content": f"Summarize these documents: {', '.join(docs['docs'])}"}])
        log("call 2", r2.model, r2.choices[0].finish_reason, r2.usage.prompt_tokens,
            r2.usage.completion_tokens)
        return r2.choices[0].message.content


try:
    out = research_agent("What does OpenTelemetry trace in an LLM app?")
    log("research_agent ->", repr(out))

    with propagate_attributes(session_id="lf-session-1", user_id="user-42"):
        with langfuse.start_as_current_observation(
                as_type="generation", name="claude-manual-generation",
                model="claude-sonnet-4-5-20250929",
                input=[{"role": "user", "content": "Summarize the incident report."}],
                model_parameters={"max_tokens": 1024},
                usage_details={"input": 1200, "output": 80, "cache_read_input_tokens": 1000},
                cost_details={"input": 0.0036, "output": 0.0012, "total": 0.0048},
        ) as gen:
            gen.update(
                output={"role": "assistant", "content": "The incident was a cache miss storm."})
    log("manual generation done")
finally:
    langfuse.flush()
    langfuse.shutdown()
