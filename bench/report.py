#!/usr/bin/env python3
"""Prints bench/run.sh's table: req/s and latency per server and batch, and the target ratios.

usage: report.py INPROCESS_JSON RESULTS ACCOUNTING FLOOR_P50_US CONNECTIONS THREADS
"""
import json
import sys

inproc = json.load(open(sys.argv[1]))
rows = {}
for line in open(sys.argv[2]):
    name, rps, p50, p99, half, half_p99, single_p50 = line.split()
    rows[name] = dict(rps=float(rps), p50=float(p50), p99=float(p99), half=float(half),
                      half_p99=float(half_p99), single_p50=float(single_p50))
accounting = {}
for line in open(sys.argv[3]):
    name, rps, cpu_us = line.split()
    accounting[name] = dict(rps=float(rps), cpu_us=float(cpu_us))
floor = float(sys.argv[4])
connections, threads = sys.argv[5], sys.argv[6]

print(f"\nwrk -t1 -c{connections} (max load), paced load at half of it, and 1 connection; "
      f"sidecar --threads {threads}; all on this machine's cores")
print(f"{'':20}{'max req/s':>11}{'p50 µs':>9}{'p99 µs':>9}{'half req/s':>11}{'p99 µs':>9}"
      f"{'1-conn p50 µs':>15}")
for batch in ("1", "256"):
    key = "batch1_us" if batch == "1" else "batch256_us"
    print(f"{'in-process b' + batch:20}{1e6 / inproc[key]:>11.0f}{inproc[key]:>9.1f}"
          f"{'':>9}{'':>11}{'':>9}{inproc[key]:>15.1f}")
    if "lib_" + key in inproc:
        lib = inproc["lib_" + key]
        print(f"{'libxgboost b' + batch:20}{1e6 / lib:>11.0f}{lib:>9.1f}"
              f"{'':>9}{'':>11}{'':>9}{lib:>15.1f}")
    for name in ("sidecar", "sidecar-bin", "mlserver"):
        r = rows.get(f"{name}-b{batch}")
        if r:
            print(f"{name + ' b' + batch:20}{r['rps']:>11.0f}{r['p50']:>9.0f}{r['p99']:>9.0f}"
                  f"{r['half']:>11.0f}{r['half_p99']:>9.0f}{r['single_p50']:>15.0f}")
print("(sidecar-bin: the same rows as Triton binary tensors instead of JSON numbers; in-process:\n"
      " the native runtime, libxgboost: libxgboost 1.7 on one thread, each the best of 5 rounds)")

if "protocol256_us" in inproc:
    print(f"\nprotocol work in-process (parse request, assemble batch, encode response), one thread: "
          f"batch 1 {inproc['protocol1_us']:.1f} µs, batch 256 {inproc['protocol256_us']:.1f} µs")
print(f"HTTP floor of the sidecar (GET /v2/health/live, 1 connection, p50): {floor:.0f} µs")

if accounting:
    print(f"\n{'group input, drift on/off':28}{'max req/s (median of 3)':>25}{'CPU µs/request':>16}")
    for batch in ("1", "256"):
        for name in ("accounting", "plain-group"):
            a = accounting.get(f"{name}-b{batch}")
            if a:
                print(f"{name + ' b' + batch:28}{a['rps']:>25.0f}{a['cpu_us']:>16.1f}")

checks = []
if "lib_batch1_us" in inproc:
    ratio = inproc["lib_batch1_us"] / inproc["batch1_us"]
    checks.append(("in-process batch 1: libxgboost / native time", ratio, ">= 10", ratio >= 10))
    ratio = inproc["lib_batch256_us"] / inproc["batch256_us"]
    checks.append(("in-process batch 256: native / libxgboost rows/s", ratio, ">= 1.5",
                   ratio >= 1.5))
s1, s256 = rows["sidecar-b1"], rows["sidecar-b256"]
if "mlserver-b1" in rows:
    ratio = s1["rps"] / rows["mlserver-b1"]["rps"]
    checks.append(("sidecar / MLServer req/s, batch 1", ratio, ">= 10", ratio >= 10))
    ratio = s256["rps"] / rows["mlserver-b256"]["rps"]
    checks.append(("sidecar / MLServer req/s, batch 256", ratio, "(info)", True))
checks.append(("sidecar p99 at half load, batch 1 (ms)", s1["half_p99"] / 1000, "<= 2",
               s1["half_p99"] <= 2000))
ratio = s1["single_p50"] / (floor + inproc["batch1_us"])
checks.append(("batch 1: 1-conn p50 / (HTTP floor + in-process)", ratio, "<= 1.2", ratio <= 1.2))
ratio = s1["single_p50"] / inproc["batch1_us"]
checks.append(("batch 1: 1-conn p50 / in-process", ratio, "(info)", True))
ratio = s256["single_p50"] / inproc["batch256_us"]
checks.append(("batch 256, JSON: 1-conn p50 / in-process", ratio, "<= 1.2", ratio <= 1.2))
if "sidecar-bin-b256" in rows:
    ratio = rows["sidecar-bin-b256"]["single_p50"] / inproc["batch256_us"]
    checks.append(("batch 256, binary: 1-conn p50 / in-process", ratio, "<= 1.2", ratio <= 1.2))
for batch in ("1", "256"):
    a, p = accounting.get(f"accounting-b{batch}"), accounting.get(f"plain-group-b{batch}")
    if a and p:
        cost = (1 - a["rps"] / p["rps"]) * 100
        checks.append((f"drift+fairness throughput cost, batch {batch} (%)", cost, "<= 5",
                       cost <= 5))
        cost = (a["cpu_us"] / p["cpu_us"] - 1) * 100
        checks.append((f"drift+fairness CPU per request, batch {batch} (%)", cost, "<= 5",
                       cost <= 5))
print(f"\n{'ratio':52}{'value':>10}  {'target':8}met")
for name, value, target, ok in checks:
    print(f"{name:52}{value:>10.2f}  {target:8}{'yes' if ok else 'NO'}")
