#!/usr/bin/env python3
"""EG501's secret classifier on one huge hostile value: time per MB must stay flat.

    python benchmarks/bench_secret_patterns.py [--sizes 10K,100K,1M,10M] [--repeat 3] [--check]

For each adversarial content (the shapes that made the old patterns
quadratic: `eyJ-` repeated, `a://` followed by colons, `password=` repeated,
long base64 and PEM blobs, JSON, digit and letter runs, ...), one value of
each size is judged by ``secret_reason("DB_PASSWORD", value)`` with the
per-value cache cleared, so every call does the whole scan. The number
printed is the time per MB at each size divided by the time per MB at the
smallest size, measured in the same run: 1.0 is linear, 10 at 100x the size
would be quadratic. Times are CPU time of this process, best of --repeat
rounds that each time every size in turn; small values run in batches of at
least 1 MB so the clock resolution does not matter.

``redact`` is measured the same way (it never reads the value).

Exit code: 0, or 1 with --check when a ratio exceeds --budget (default 2.0).
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecs_guard.redact import redact
from ecs_guard.rules import _secrets

MB = 1_000_000
SIZES = {"10K": 10_000, "100K": 100_000, "1M": 1_000_000, "10M": 10_000_000}


def repeated(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def prefixed(prefix: str, filler: str) -> Callable[[int], str]:
    return lambda size: prefix + filler * (size - len(prefix))


def base64_blob(size: int) -> str:
    raw = random.Random(501).randbytes(size * 3 // 4 + 3)
    return base64.b64encode(raw).decode()[:size]


def pem_certificates(size: int) -> str:
    """Certificates one after the other, as a CA bundle in an environment value."""
    body = base64.b64encode(random.Random(7).randbytes(900)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return repeated(f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n")(size)


CONTENTS: dict[str, Callable[[int], str]] = {
    "eyJ- repeated": repeated("eyJ-"),
    "xeyJ repeated": repeated("xeyJ"),
    "near-JWTs (eyJa..a.eyJa..a.)": repeated("eyJaaaaaaaaaa.eyJaaaaaaaaaa."),
    "a:// + ':' * n": prefixed("a://", ":"),
    "https://u: + 'p' * n (no @)": prefixed("https://u:", "p"),
    ":// repeated": repeated("://"),
    "password= repeated": repeated("password="),
    "?password= repeated": repeated("?password="),
    "&token=<space> repeated": repeated("&token= "),
    "base64 blob": base64_blob,
    "PEM certificates": pem_certificates,
    "JSON blob": repeated('{"key": "value", "n": [1, 2, 3]}, '),
    "letters (a * n)": repeated("a"),
    "digits then x": lambda size: "1" * (size - 1) + "x",
    "1s repeated then x": lambda size: "1s" * ((size - 1) // 2) + "x",
    "${ + 'a' * n": prefixed("${", "a"),
    "-----BEGIN repeated": repeated("-----BEGIN "),
    "AKIA repeated": repeated("AKIA"),
    "arn: + 'a' * n": prefixed("arn:", "a"),
}


def judge(value: str) -> None:
    _secrets.judge_value.cache_clear()
    _secrets.secret_reason("DB_PASSWORD", value)


def seconds_per_mb(work: Callable[[str], object], value: str) -> float:
    """CPU time of this process (other processes on a busy machine do not count), per MB."""
    batch = max(1, MB // len(value))
    start = time.process_time()
    for _ in range(batch):
        work(value)
    return (time.process_time() - start) / batch / (len(value) / MB)


def measure(work: Callable[[str], object], make: Callable[[int], str], sizes: list[int], repeat: int) -> list[float]:
    """Best of `repeat` rounds, each round timing every size in turn, so a slow
    moment of the machine does not fall on one size only."""
    values = [make(size) for size in sizes]
    best = [float("inf")] * len(values)
    for _ in range(repeat):
        for index, value in enumerate(values):
            best[index] = min(best[index], seconds_per_mb(work, value))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10K,100K,1M,10M", help="comma-separated, of " + ", ".join(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=2.0, help="largest ratio allowed with --check")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    labels = args.sizes.split(",")
    if not labels or any(label not in SIZES for label in labels):
        parser.error(f"--sizes takes {', '.join(SIZES)}")
    sizes = [SIZES[label] for label in labels]

    header = f"{'content':32} {labels[0] + ' ms/MB':>12}  " + "  ".join(f"{label:>7}" for label in labels[1:])
    print(f"time per MB relative to {labels[0]} (1.0 = linear)\n{header}")
    worst = 0.0
    rows: list[tuple[str, Callable[[str], object], Callable[[int], str]]] = [
        (name, judge, make) for name, make in CONTENTS.items()
    ]
    rows.append(("redact (base64 blob)", redact, base64_blob))
    for name, work, make in rows:
        per_mb = measure(work, make, sizes, args.repeat)
        ratios = [t / per_mb[0] for t in per_mb[1:]]
        worst = max([worst, *ratios])
        print(f"{name:32} {per_mb[0] * 1000:12.2f}  " + "  ".join(f"{r:7.2f}" for r in ratios), flush=True)
    print(f"worst ratio {worst:.2f} (budget {args.budget})")
    return 1 if args.check and worst > args.budget else 0


if __name__ == "__main__":
    sys.exit(main())
