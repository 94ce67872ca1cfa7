#!/usr/bin/env python3
"""The reference for Cairn's funnel: the same definition written in DuckDB SQL and in pandas, run on the same events.

Used by `cairn bench` (never by the product). Input: a CSV with a header `person,t,step` (t in milliseconds, step 1…k
for the funnel's steps, 0 for other events), the number of steps, the window in milliseconds and the latest start
(chains start before it). Output (JSON on stdout): per engine, the people at each step and the seconds the query took
(the CSV already loaded, as Cairn's figures are timed over events already stored).

The definition (docs/journeys.md, sequential): any step-1 event starts a chain; each later step is the person's first
event of that step strictly after the previous step's time; the chain holds while t_j − t_1 ≤ window (inclusive);
a person's level is the furthest step of any chain. Taking the earliest next event is optimal, so one ASOF join per
step gives every chain."""
import json
import sys
import time


def duckdb_counts(path, steps, window, latest_start):
    import duckdb
    con = duckdb.connect()
    con.execute(f"CREATE TABLE ev AS SELECT person, t, step FROM read_csv('{path}', header=true, columns={{'person':'VARCHAR','t':'BIGINT','step':'INTEGER'}})")
    parts = [f"c1 AS (SELECT person, t AS t1 FROM ev WHERE step = 1 AND t < {latest_start})"]
    for j in range(2, steps + 1):
        previous = ", ".join(f"c.t{i}" for i in range(1, j))
        parts.append(f"""c{j} AS (
            SELECT c.person, {previous}, CASE WHEN e.t IS NOT NULL AND e.t - c.t1 <= {window} THEN e.t END AS t{j}
            FROM c{j - 1} c ASOF LEFT JOIN (SELECT person, t FROM ev WHERE step = {j}) e ON c.person = e.person AND e.t > c.t{j - 1})""")
    level = " ".join(f"WHEN t{j} IS NOT NULL THEN {j}" for j in range(steps, 1, -1))
    sql = "WITH " + ",\n".join(parts) + f""",
        levels AS (SELECT person, MAX(CASE {level} ELSE 1 END) AS level FROM c{steps} GROUP BY person)
        SELECT """ + ", ".join(f"SUM(CASE WHEN level >= {j} THEN 1 ELSE 0 END)" for j in range(1, steps + 1)) + " FROM levels"
    started = time.perf_counter()
    row = con.execute(sql).fetchone()
    return [int(x or 0) for x in row], time.perf_counter() - started


def pandas_counts(path, steps, window, latest_start):
    import pandas as pd
    ev = pd.read_csv(path, dtype={"person": str, "t": "int64", "step": "int64"})
    started = time.perf_counter()
    chains = ev[(ev.step == 1) & (ev.t < latest_start)][["person", "t"]].rename(columns={"t": "t1"})
    chains["last"] = chains["t1"]
    chains["alive"] = True
    chains["level"] = 1
    for j in range(2, steps + 1):
        nxt = ev[ev.step == j][["person", "t"]].sort_values("t")
        # merge_asof needs both sides sorted by the key; chains that ended carry a time no event can follow.
        chains = chains.assign(key=chains["last"].where(chains["alive"], 2**62)).sort_values("key")
        merged = pd.merge_asof(chains, nxt.rename(columns={"t": f"t{j}"}), left_on="key", right_on=f"t{j}", by="person",
                               direction="forward", allow_exact_matches=False)
        ok = merged["alive"] & merged[f"t{j}"].notna() & ((merged[f"t{j}"] - merged["t1"]) <= window)
        merged.loc[ok, "last"] = merged.loc[ok, f"t{j}"]
        merged["alive"] = ok
        merged.loc[ok, "level"] = j
        chains = merged.drop(columns=[f"t{j}", "key"])
    best = chains.groupby("person")["level"].max()
    counts = [int((best >= j).sum()) for j in range(1, steps + 1)]
    return counts, time.perf_counter() - started


def main():
    path, steps, window, latest_start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    out = {}
    for name, fn in [("duckdb", duckdb_counts), ("pandas", pandas_counts)]:
        try:
            counts, seconds = fn(path, steps, window, latest_start)
            out[name] = {"counts": counts, "seconds": seconds}
        except ImportError as error:
            out[name] = {"error": f"not installed: {error.name}"}
    import importlib.metadata as md
    for name in ["duckdb", "pandas"]:
        try:
            out.setdefault(name, {})["version"] = md.version(name)
        except md.PackageNotFoundError:
            pass
    print(json.dumps(out))


if __name__ == "__main__":
    main()
