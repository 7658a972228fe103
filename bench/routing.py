"""Home-visit routing on the Solomon VRPTW instances (../shared/data/solomon/): the
product's route solver (perhekeskus.allocation.routing, PyVRP) on the classic benchmark,
against the best-known distances (DIMACS convention: each arc's distance truncated to one
decimal). Prints the total distance, the routes and the gap. Not a test: never asserts
a time.

    python bench/routing.py --instance ../shared/data/solomon/RC208.txt --seconds 30 --seed 1
    python bench/routing.py --all --seconds 5
"""

import argparse
import math
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")

from perhekeskus.allocation import routing  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "solomon"


def best_known(readme: Path) -> dict[str, tuple[float, int]]:
    out = {}
    if readme.exists():
        for name, dist, routes in re.findall(
            r"^\|\s*(\w+)\s*\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", readme.read_text(), re.M
        ):
            out[name] = (float(dist), int(routes))
    return out


def load(path: Path):
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    _n, capacity = int(lines[0][0]), int(lines[0][1])
    nodes = [tuple(float(v) for v in row) for row in lines[1:]]
    return capacity, nodes


def run(path: Path, seconds: float, seed: int, fleet: int = 25):
    capacity, nodes = load(path)
    depot = nodes[0]
    coords = [(n[1], n[2]) for n in nodes]
    # DIMACS: distance truncated to one decimal; travel time = distance
    travel = [[math.floor(10 * math.dist(a, b)) / 10 for b in coords] for a in coords]
    stops = [routing.Stop(int(n[0]), n[6], n[4], n[5], demand=int(n[3])) for n in nodes[1:]]
    vehicle = routing.Vehicle("v", depot[4], depot[5], count=fleet, capacity=capacity)
    plan = routing.solve(stops, [vehicle], travel, seconds=seconds, seed=seed, bases=[0])
    return plan


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instance", action="append", type=Path, help="a Solomon instance file (repeatable)")
    parser.add_argument("--all", action="store_true", help="every instance in the data folder")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--routes", action="store_true", help="print each route")
    args = parser.parse_args()
    paths = args.instance or []
    if args.all or not paths:
        paths = sorted(DATA.glob("*.txt"))
    known = best_known((paths[0].parent if paths else DATA) / "README.md")
    print(f"PyVRP via perhekeskus.allocation.routing, {args.seconds:g} s, seed {args.seed}, one core")
    print(f"{'instance':10} {'distance':>10} {'routes':>6} {'best-known':>10} {'gap':>8} {'feasible':>8}")
    gaps = []
    for path in paths:
        plan = run(path, args.seconds, args.seed)
        name = path.stem
        bk = known.get(name)
        gap = (plan.travel - bk[0]) / bk[0] if bk else None
        if gap is not None:
            gaps.append(gap)
        print(
            f"{name:10} {plan.travel:10.1f} {len(plan.routes):6d} "
            f"{(f'{bk[0]:.1f}' if bk else '–'):>10} {(f'{100 * gap:.2f} %' if gap is not None else '–'):>8} "
            f"{str(plan.feasible and not plan.unplaced):>8}"
        )
        if args.routes:
            for key, legs in plan.routes.items():
                print("   ", key, " ".join(str(leg.stop) for leg in legs))
    if gaps:
        print(f"mean gap {100 * statistics.mean(gaps):.2f} % over {len(gaps)} instances")


if __name__ == "__main__":
    main()
