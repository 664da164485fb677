#!/usr/bin/env python3
"""Writes the seeds of the text fuzz targets into fuzz/corpus/<target>/ (committed).

Seeds are small, valid (or typically broken) inputs from rally's own tracks and from what
OpenSearch sends; libFuzzer mutates from there. make_seeds.cpp writes the binary targets'.
"""
import gzip
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def inline_collect(track_dir, text):
    """The collect pre-pass done here, so the track fuzzer (no file system) sees whole tracks."""
    def parts(match):
        directory = os.path.join(track_dir, os.path.dirname(match.group(1)))
        return ",\n".join(read(directory, name) for name in sorted(os.listdir(directory)) if name.endswith(".json"))
    return re.sub(r'\{\{\s*rally\.collect\(parts="([^"]+)"\)\s*\}\}', parts, text)


def track_seeds():
    tracks = {
        "tiny": os.path.join("tests", "tracks", "tiny"),
        "geonames": os.path.join("tracks", "geonames"),
        "bulk-only": os.path.join("bench", "tracks", "bulk-only"),
        "search-only": os.path.join("bench", "tracks", "search-only"),
        "many-clients": os.path.join("bench", "tracks", "many-clients"),
    }
    for name, directory in tracks.items():
        text = read(directory, "track.json")
        write("template", name, text)
        write("track", name, inline_collect(os.path.join(ROOT, directory), text))
    write("template", "constructs", """{% set shards = 3 %}{% set names = ["a", "b"] %}
{%- macro op(n, t="search") -%}{"name": "{{ n }}", "operation-type": "{{ t }}"}{%- endmacro -%}
{"indices": [{% for n in names %}{"name": "{{ n | upper }}-{{ loop.index }}"}{{ "," if not loop.last }}{% endfor %}],
 "operations": [{{ op("q") }}, {{ op("b", "bulk") }}],
 "settings": {"shards": {{ shards * 2 // 3 }}, "ratio": {{ (ingest_percentage / 100) | round(2) }},
   "replicas": {{ number_of_replicas | default(1) | int }}, "name": {{ index_name | tojson }},
   "x": "{{ "%05d" | format(bulk_size) }}", "t": "{{ now | int }}", "d": "{{ 7 | days_ago(now) }}",
   "s": {{ settings | tojson }}, "e": {{ enabled | lower }}, "l": {{ shards | length }}},
 {% if bulk_size > 1000 and enabled %}"big": true{% elif bulk_size is defined %}"small": true{% else %}"none": null{% endif %},
 {% include "operations/ops.json" %}
}
""")
    write("template", "collect", '{"operations": [{{ rally.collect(parts="operations/*.json") }}]}')


def track_params_seeds():
    for i, text in enumerate([
            "bulk_size:100,number_of_replicas:0",
            '{"bulk_size": 100, "nested": {"a": [1, 2.5, "x"]}, "flag": false}',
            "name:'quoted, with comma',flag:true,ratio:0.5,empty:",
            'index_name:"logs-2024",secret_password:hunter2',
            "k:-12,big:18446744073709551616,float:1e308,neg:-0.0"]):
        write("track_params", f"seed-{i}", text)


def offset_table_seeds():
    lines = "".join(f'{{"id": {i}, "name": "doc-{i}"}}\n' for i in range(20))
    offsets = [0]
    for line in lines.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line.encode()))
    table = "".join(f"{n};{offsets[n]}\n" for n in (3, 6, 9, 12, 15, 18))
    write("offset_table", "true-table", table + "\0" + lines)
    write("offset_table", "empty-table", "\0" + lines)
    write("offset_table", "no-final-newline", "3;50\n\0" + lines.rstrip("\n"))
    write("offset_table", "foreign-table", "50000;123\n100000;456\n\0a\nbb\nccc\n")


def response(status, reason, body, headers=(), chunked=False, content_length=True):
    head = [f"HTTP/1.1 {status} {reason}", "content-type: application/json"]
    head += list(headers)
    data = body if isinstance(body, bytes) else body.encode()
    if chunked:
        head.append("transfer-encoding: chunked")
        payload = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 40]), data[i:i + 40]) for i in range(0, len(data), 40))
        data = payload + b"0\r\n\r\n"
    elif content_length:
        head.append(f"content-length: {len(data)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


def http_response_seeds():
    ok_bulk = json.dumps({"took": 30, "errors": False, "items": [{"index": {"_index": "x", "status": 201}}] * 3})
    bad_items = json.dumps({"took": 3, "errors": True, "items": [
        {"index": {"status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}},
        {"create": {"status": 409, "error": {"type": "version_conflict_engine_exception", "reason": "exists"}}},
        {"index": {"status": 201}}]})
    search = json.dumps({"took": 5, "timed_out": False, "hits": {"total": {"value": 1000, "relation": "eq"},
                                                                  "hits": [{"_id": "1", "_source": {"a": 1}}]}})
    error = json.dumps({"error": {"root_cause": [{"type": "index_not_found_exception", "reason": "no such index [x]"}],
                                  "type": "index_not_found_exception", "reason": "no such index [x]"}, "status": 404})
    seeds = {
        "bulk-ok": (0x05, response(200, "OK", ok_bulk)),
        "bulk-item-errors": (0x45, response(200, "OK", bad_items)),
        "bulk-no-errors-flag": (0x05, response(200, "OK", '{"took": 1}')),
        "search-chunked": (0x02, response(200, "OK", search, chunked=True)),
        "search-gzip": (0x10, response(200, "OK", gzip.compress(search.encode(), mtime=0), headers=["content-encoding: gzip"])),
        "search-close-delimited": (0x3f, response(200, "OK", search, content_length=False) + b""),
        "rejected-429": (0x01, response(429, "Too Many Requests", json.dumps(
            {"error": {"type": "es_rejected_execution_exception", "reason": "rejected execution"}, "status": 429}))),
        "unavailable-503-html": (0x07, response(503, "Service Unavailable", "<html><title>503 down</title></html>")),
        "not-found": (0x08, response(404, "Not Found", error)),
        "truncated": (0x04, response(200, "OK", search)[:-20]),
        "chunk-cut": (0x04, response(200, "OK", search, chunked=True)[:60]),
        "head": (0x80, b"HTTP/1.1 200 OK\r\ncontent-length: 120\r\n\r\n"),
    }
    for name, (options, wire) in seeds.items():
        write("http_response", name, bytes([options]) + wire)


if __name__ == "__main__":
    track_seeds()
    track_params_seeds()
    offset_table_seeds()
    http_response_seeds()
