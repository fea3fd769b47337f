#!/usr/bin/env python3
"""Regenerates Sources/Semantics/Pricing/BundledPriceData.swift from genai-prices data.

Usage: scripts/generate-prices.py [path/to/genai-prices-data.json]
(default: ../shared/pricing/genai-prices-data.json, relative to the repository root)

Keeps only what price resolution needs: per provider its id, provider_match, model_match and
fallback_model_providers; per model its id, match clause, context window and token prices (input, output, cache
read, cache write), including tiered prices and constrained price variants. The subset is written
as a JSON string literal, one model per line so regenerations diff well. The MIT license of the
data (LICENSE.genai-prices, expected beside the data file) is copied next to the generated file.

Python 3 standard library only.
"""

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / ".." / "shared" / "pricing" / "genai-prices-data.json"
OUT_DIR = ROOT / "Sources" / "Semantics" / "Pricing"
OUT_FILE = OUT_DIR / "BundledPriceData.swift"
LICENSE_NAME = "LICENSE.genai-prices"

TOKEN_PRICE_KEYS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok")
LEAF_CLAUSES = ("equals", "starts_with", "ends_with", "contains", "regex")
CONSTRAINT_KEYS = ({"start_date"}, {"start_time", "end_time"})


class DataError(Exception):
    pass


def check_clause(clause, where):
    if not isinstance(clause, dict) or len(clause) != 1:
        raise DataError(f"{where}: a match clause must be an object with one key, got {clause!r}")
    (kind, value), = clause.items()
    if kind in LEAF_CLAUSES:
        if not isinstance(value, str):
            raise DataError(f"{where}: '{kind}' needs a string, got {value!r}")
    elif kind in ("or", "and"):
        if not isinstance(value, list) or not value:
            raise DataError(f"{where}: '{kind}' needs a non-empty list")
        for item in value:
            check_clause(item, where)
    else:
        raise DataError(f"{where}: unknown match clause '{kind}'")
    return clause


def token_price(value, where):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise DataError(f"{where}: negative price {value}")
        return value
    if isinstance(value, dict) and set(value) == {"base", "tiers"}:
        tiers = value["tiers"]
        if not isinstance(tiers, list) or not tiers:
            raise DataError(f"{where}: tiered price without tiers")
        for tier in tiers:
            if set(tier) != {"start", "price"} or not isinstance(tier["start"], int):
                raise DataError(f"{where}: malformed tier {tier!r}")
        return {"base": token_price(value["base"], where),
                "tiers": [{"start": t["start"], "price": token_price(t["price"], where)}
                          for t in sorted(tiers, key=lambda t: t["start"])]}
    raise DataError(f"{where}: unsupported price value {value!r}")


def token_prices(prices, where):
    if not isinstance(prices, dict):
        raise DataError(f"{where}: prices must be an object")
    return {key: token_price(prices[key], f"{where}.{key}") for key in TOKEN_PRICE_KEYS if key in prices}


def model_prices(prices, where):
    if isinstance(prices, dict):
        return token_prices(prices, where)
    if not isinstance(prices, list) or not prices:
        raise DataError(f"{where}: prices must be an object or a non-empty list")
    variants = []
    for index, variant in enumerate(prices):
        here = f"{where}[{index}]"
        entry = {}
        if "constraint" in variant:
            constraint = variant["constraint"]
            if set(constraint) not in CONSTRAINT_KEYS:
                raise DataError(f"{here}: unsupported constraint {constraint!r}")
            entry["constraint"] = constraint
        entry["prices"] = token_prices(variant["prices"], here)
        variants.append(entry)
    return variants


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def subset_lines(providers):
    """The JSON document as lines: one per provider header, one per model."""
    lines = ['{"providers":[']
    for p_index, provider in enumerate(providers):
        where = provider["id"]
        header = {"id": provider["id"]}
        for key in ("provider_match", "model_match"):
            if provider.get(key) is not None:
                header[key] = check_clause(provider[key], f"{where}.{key}")
        if provider.get("fallback_model_providers"):
            header["fallback_model_providers"] = provider["fallback_model_providers"]
        lines.append(compact(header)[:-1] + ',"models":[')
        models = provider.get("models", [])
        for m_index, model in enumerate(models):
            here = f"{where}/{model['id']}"
            entry = {"id": model["id"], "match": check_clause(model["match"], here),
                     "prices": model_prices(model["prices"], f"{here}.prices")}
            window = model.get("context_window")
            if window is not None:
                if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
                    raise DataError(f"{here}.context_window: a positive integer of tokens")
                entry["context_window"] = window
            lines.append(compact(entry) + ("," if m_index < len(models) - 1 else ""))
        lines.append("]}" + ("," if p_index < len(providers) - 1 else ""))
    lines.append("]}")
    return lines


def raw_string_delimiter(text):
    """The fewest '#' for which the text cannot close or escape inside a multi-line raw string."""
    hashes = 1
    while ('"""' + "#" * hashes) in text or ("\\" + "#" * hashes) in text:
        hashes += 1
    return "#" * hashes


def main(argv):
    if len(argv) > 2:
        sys.exit(__doc__)
    source = Path(argv[1]) if len(argv) == 2 else DEFAULT_SOURCE
    raw = source.read_bytes()
    providers = json.loads(raw)
    if not isinstance(providers, list):
        raise DataError("expected a list of providers at the top level")

    lines = subset_lines(providers)
    body = "\n".join(lines)
    json.loads(body)  # the subset must stay valid JSON
    model_count = sum(len(p.get("models", [])) for p in providers)
    hashes = raw_string_delimiter(body)
    sha256 = hashlib.sha256(raw).hexdigest()
    # genai-prices records no date: the latest day a dated price takes effect says how recent it is.
    dates = [variant["constraint"]["start_date"] for p in providers for m in p.get("models", [])
             if isinstance(m.get("prices"), list) for variant in m["prices"]
             if isinstance(variant.get("constraint"), dict) and "start_date" in variant["constraint"]]
    newest = max(dates) if dates else ""

    swift = f"""// Generated by scripts/generate-prices.py. Do not edit; regenerate instead.
//
// Derived from genai-prices (https://github.com/pydantic/genai-prices), MIT License,
// Copyright (c) Pydantic Services Inc. The license text is in {LICENSE_NAME} beside this file.
// Source: {source.name}, sha256 {sha256}
// (the data records no date or commit of its own).
// Subset: providers (id, provider_match, model_match, fallback_model_providers) and models (id,
// match, context_window, token prices {", ".join(TOKEN_PRICE_KEYS)}
// with tiers and constrained variants).

enum BundledPriceData {{
    static let sourceSHA256 = "{sha256}"
    static let providerCount = {len(providers)}
    static let modelCount = {model_count}
    /// The latest `start_date` of a price in the data (`tokentop --version`).
    static let newestPriceChange = "{newest}"

    static let json = {hashes}\"\"\"
{body}
\"\"\"{hashes}
}}
"""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(swift, encoding="utf-8")

    license_source = source.parent / LICENSE_NAME
    if license_source.exists():
        shutil.copyfile(license_source, OUT_DIR / LICENSE_NAME)
    else:
        print(f"warning: {license_source} not found; {LICENSE_NAME} not updated", file=sys.stderr)

    print(f"wrote {OUT_FILE.relative_to(ROOT)}: {len(providers)} providers, {model_count} models, "
          f"{OUT_FILE.stat().st_size} bytes")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (DataError, OSError, json.JSONDecodeError) as error:
        sys.exit(f"generate-prices: {error}")
