"""Benchmark of the whole-queue model (CP-SAT) against greedy allocation in queue order,
on generated queues (perhekeskus.allocation.synthetic; no database):

    python bench/allocation.py                      # 200 x 100 at 10 s, 400 x 100 at 30 s
    python bench/allocation.py --needs 200 --workers 100 --seconds 10 --load 0.35 --seed 1

Prints per case: options, the solver's status, proven gap and time; and for both the
solver and greedy: needs assigned, weight assigned, travel km, continuity kept and the
median days from contact to the first planned visit. One solver worker (num_workers=1),
deterministic for the seed. Never asserts on time.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")

from perhekeskus.allocation import batch, synthetic  # noqa: E402

CASES = [
    # needs, workers, seconds, load (share of the week already booked), what
    (200, 100, 10, 0.35, "200 x 100"),
    (400, 100, 30, 0.6, "400 x 100, overloaded"),
]


def run(needs, workers, seconds, load, seed):
    t0 = time.perf_counter()
    problem = synthetic.queue(needs, workers, seed=seed, load=load)
    built = time.perf_counter() - t0
    greedy = batch.greedy(problem)
    solution = batch.solve(problem, seconds=seconds, seed=0, workers=1, hint=greedy.chosen)
    assert not batch.violations(problem, solution.chosen)  # a broken proposal is no benchmark
    return problem, built, greedy, solution


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--needs", type=int)
    parser.add_argument("--workers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--load", type=float, default=0.35)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cases = [(args.needs, args.workers, args.seconds, args.load, "custom")] if args.needs else CASES
    print(f"# whole-queue allocation, {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, one CP-SAT worker")
    for needs, workers, seconds, load, what in cases:
        problem, built, greedy, s = run(needs, workers, seconds, load, args.seed)
        a, g = batch.summary(problem, s), batch.summary(problem, greedy)
        gap = "–" if s.gap is None else f"{100 * s.gap:.3f} %"
        print(
            f"\n{what}: {len(problem.options)} options (generated in {built:.1f} s), limit {seconds:g} s, "
            f"seed {args.seed}, load {load}"
        )
        print(f"  CP-SAT {s.status}, gap {gap}, {s.seconds:.1f} s")
        print(f"  {'':10} {'assigned':>9} {'weight':>8} {'km':>8} {'continuity':>10} {'median days':>11}")
        for name, r in (("CP-SAT", a), ("greedy", g)):
            print(
                f"  {name:10} {r['assigned']:>5}/{r['needs']:<3} {r['weight']:>8} {r['km']:>8.1f} "
                f"{r['continuity']:>10} {str(r['median_days']):>11}"
            )


if __name__ == "__main__":
    main()
