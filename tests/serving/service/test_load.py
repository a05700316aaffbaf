"""A bounded load test on loopback: 8 concurrent clients for 10 seconds, zero errors."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.serving.service.conftest import API_KEY

pytestmark = pytest.mark.slow

DURATION_S = 10.0
CONCURRENCY = 8


async def _hammer(url: str, bodies: list[tuple[str, dict]]) -> tuple[int, list[str]]:
    done, errors = 0, []
    deadline = time.monotonic() + DURATION_S
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=url, headers={"X-API-Key": API_KEY}, timeout=30, limits=limits
    ) as client:

        async def worker(offset: int) -> None:
            nonlocal done
            i = offset
            while time.monotonic() < deadline:
                path, body = bodies[i % len(bodies)]
                try:
                    response = await client.post(path, json=body)
                    if response.status_code != 200:
                        errors.append(f"{path} {response.status_code} {response.text[:200]}")
                except httpx.HTTPError as error:
                    errors.append(f"{path} {type(error).__name__}: {error}")
                done += 1
                i += 1

        await asyncio.gather(*(worker(k) for k in range(CONCURRENCY)))
    return done, errors


def test_eight_concurrent_clients_for_ten_seconds_get_no_errors(served, feature_records) -> None:
    ids = [r["account_id"] for r in feature_records]
    bodies = [
        ("/score", {"records": feature_records[:1]}),
        ("/score", {"records": feature_records}),
        ("/score_accounts", {"account_ids": ids[:5]}),
        ("/explain", {"record": feature_records[1]}),
        ("/explain", {"account_id": ids[2]}),
    ]
    done, errors = asyncio.run(_hammer(served.url, bodies))
    assert errors == []
    assert done > 50
