#!/usr/bin/env python3
"""Prints bench/run.sh's table: req/s and latency per server and batch, and the target ratios."""
import json
import sys

inproc = json.load(open(sys.argv[1]))
rows = {}
for line in open(sys.argv[2]):
    name, rps, p50, p99, half, half_p99, single_p50 = line.split()
    rows[name] = dict(rps=float(rps), p50=float(p50), p99=float(p99), half=float(half),
                      half_p99=float(half_p99), single_p50=float(single_p50))
floor = float(sys.argv[3])
connections, threads = sys.argv[4], sys.argv[5]

print(f"\nwrk -t1 -c{connections} (max load), paced load at half of it, and 1 connection; "
      f"sidecar --threads {threads}; all on this machine's cores")
print(f"{'':18}{'max req/s':>11}{'p50 µs':>9}{'p99 µs':>9}{'half req/s':>11}{'p99 µs':>9}"
      f"{'1-conn p50 µs':>15}")
for batch in ("1", "256"):
    key = "batch1_us" if batch == "1" else "batch256_us"
    print(f"{'in-process b' + batch:18}{1e6 / inproc[key]:>11.0f}{inproc[key]:>9.1f}"
          f"{'':>9}{'':>11}{'':>9}{inproc[key]:>15.1f}")
    for name in ("sidecar", "mlserver", "plain-group", "accounting"):
        r = rows.get(f"{name}-b{batch}")
        if r:
            print(f"{name + ' b' + batch:18}{r['rps']:>11.0f}{r['p50']:>9.0f}{r['p99']:>9.0f}"
                  f"{r['half']:>11.0f}{r['half_p99']:>9.0f}{r['single_p50']:>15.0f}")

print(f"\nHTTP floor of the sidecar (GET /v2/health/live, 1 connection, p50): {floor:.0f} µs")
checks = []
s1, s256 = rows["sidecar-b1"], rows["sidecar-b256"]
if "mlserver-b1" in rows:
    ratio = s1["rps"] / rows["mlserver-b1"]["rps"]
    checks.append(("sidecar / MLServer req/s, batch 1", ratio, ">= 10", ratio >= 10))
    ratio = s256["rps"] / rows["mlserver-b256"]["rps"]
    checks.append(("sidecar / MLServer req/s, batch 256", ratio, "(info)", True))
checks.append(("sidecar p99 at half load, batch 1 (ms)", s1["half_p99"] / 1000, "<= 2", s1["half_p99"] <= 2000))
ratio = s1["single_p50"] / (floor + inproc["batch1_us"])
checks.append(("batch 1: 1-conn p50 / (HTTP floor + in-process)", ratio, "<= 2", ratio <= 2))
ratio = s1["single_p50"] / inproc["batch1_us"]
checks.append(("batch 1: 1-conn p50 / in-process", ratio, "(info)", True))
ratio = s256["single_p50"] / inproc["batch256_us"]
checks.append(("batch 256: 1-conn p50 / in-process", ratio, "<= 1.2", ratio <= 1.2))
for batch in ("1", "256"):
    if f"accounting-b{batch}" in rows:
        cost = 1 - rows[f"accounting-b{batch}"]["rps"] / rows[f"plain-group-b{batch}"]["rps"]
        checks.append((f"drift+fairness throughput cost, batch {batch}", cost * 100, "<= 5 %", cost <= 0.05))
print(f"\n{'ratio':52}{'value':>10}  {'target':8}met")
for name, value, target, ok in checks:
    print(f"{name:52}{value:>10.2f}  {target:8}{'yes' if ok else 'NO'}")
