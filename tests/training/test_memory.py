"""Freed heap memory goes back to the system after a step."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="glibc's malloc_trim")

FRAGMENTED_HEAP = textwrap.dedent(
    """
    import json, psutil
    from training.memory import release_freed_memory

    process = psutil.Process()
    blocks, live = [], []
    for _ in range(4_000):  # 64 KB blocks come from the heap, each followed by a block kept alive
        blocks.append(bytearray(64 << 10))
        live.append(bytearray(2 << 10))
    del blocks  # 250 MB freed, but held by the heap: live blocks sit between the free ones
    held = process.memory_info().rss
    released = release_freed_memory()
    print(json.dumps({"released": released, "given_back": held - process.memory_info().rss}))
    """
)


def test_heap_memory_freed_between_live_blocks_is_given_back() -> None:
    # a fresh interpreter: the test process's heap already has free blocks the new ones would reuse
    run = subprocess.run(
        [sys.executable, "-c", FRAGMENTED_HEAP], capture_output=True, text=True, check=True
    )
    figures = json.loads(run.stdout)
    assert figures["released"]
    assert figures["given_back"] > 150 << 20
