"""``bench/http_load.py --generator wrk`` reads its figures from what wrk's Lua ``done()`` printed.

No server and no wrk here: the sample is the output of a real run of ``bench/wrk/endpoint.lua``
(wrk 4.1.0, 2 threads, 4 connections, one endpoint in five answering 409).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from bench._wrk import lua_script, lua_string, parse_wrk_figures

WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18777
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    44.93ms    9.24ms  52.64ms   95.65%
    Req/Sec    43.81      8.05    60.00     80.95%
  Latency Distribution
     50%   47.73ms
     75%   47.95ms
     90%   48.17ms
     99%   52.64ms
  92 requests in 1.09s, 11.07KB read
  Non-2xx or 3xx responses: 19
Requests/sec:     84.16
Transfer/sec:     10.13KB
wrk-figures {"requests": 92, "duration_us": 1093178, "served": 73, "p50_us": 47726, \
"p99_us": 52644, "unexpected": {"409": 19}, "socket_errors": {"connect": 0, "read": 3, \
"write": 0, "timeout": 1}}
"""


def test_done_line_gives_requests_duration_and_percentiles_in_ms() -> None:
    figures = parse_wrk_figures(WRK_OUTPUT)

    assert figures.requests == 92
    assert figures.served == 73
    assert figures.seconds == pytest.approx(1.093178)
    assert figures.p50_ms == pytest.approx(47.726)  # wrk's own table: 47.73ms
    assert figures.p99_ms == pytest.approx(52.644)  # 52.64ms


def test_errors_are_unexpected_statuses_and_socket_errors() -> None:
    figures = parse_wrk_figures(WRK_OUTPUT)

    assert figures.unexpected == Counter({"409": 19})
    assert figures.socket_errors == Counter({"read": 3, "timeout": 1})  # the zeros left out
    assert figures.errors == 19 + 3 + 1


def test_output_without_the_done_line_is_an_error_that_shows_the_output() -> None:
    with pytest.raises(ValueError, match="unable to connect"):
        parse_wrk_figures("unable to connect to 127.0.0.1:1 Connection refused\n")


def _lua_unescaped(literal: str) -> str:
    """What Lua reads from a literal ``lua_string`` wrote (it writes only ``\\ddd`` escapes)."""
    assert literal[0] == literal[-1] == '"'
    body = literal[1:-1]
    assert '"' not in body
    assert not re.search(r"\\(?!\d{3})", body)
    return re.sub(rb"\\(\d{3})", lambda m: bytes([int(m[1])]), body.encode()).decode()


@pytest.mark.parametrize("text", ['Bearer a"b\\c', "session=Zoë; x", '{"answers": [1, 2]}', ""])
def test_lua_string_reads_back_as_the_same_text(text: str) -> None:
    assert _lua_unescaped(lua_string(text)) == text


def test_endpoint_script_sets_path_parts_ids_and_expected_status_before_the_shared_code() -> None:
    script = lua_script(
        method="POST",
        path="/api/v1/episodes/{id}/administrations",
        ids=[3, 5, 8],
        headers={"Authorization": "Bearer t"},
        body='{"instrument": "phq9"}',
        expected=201,
    )
    settings, shared = script.split("\n\n", 1)

    assert settings.splitlines() == [
        'method = "POST"',
        'prefix = "/api/v1/episodes/"',
        'suffix = "/administrations"',
        "ids = {3, 5, 8}",
        'headers = {["Authorization"] = "Bearer t"}',
        'body = "{\\034instrument\\034: \\034phq9\\034}"',
        "expected = 201",
        "thread_count = 2",
    ]
    assert "function done(summary, latency, requests)" in shared
