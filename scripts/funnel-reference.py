#!/usr/bin/env python3
"""The reference for Cairn's funnel, active people and journey map: the same definitions written in DuckDB SQL and in
pandas, run on the same events.

Used by `cairn bench` (never by the product). Input: a CSV with a header `person,t,step,name` (t in milliseconds, step
1…k for the funnel's steps, 0 for other events; name an index into the bench's event names) and a JSON spec:
{"steps": k, "window": ms, "latestStart": ms, "from": ms, "until": ms, "stages": [[name, …], …]}. Output (JSON on
stdout): per engine, for each query its result and the seconds it took (the CSV already loaded, as Cairn's figures are
timed over events already stored).

The funnel (docs/journeys.md, sequential): any step-1 event starts a chain; each later step is the person's first
event of that step strictly after the previous step's time; the chain holds while t_j − t_1 ≤ window (inclusive);
a person's level is the furthest step of any chain. Taking the earliest next event is optimal, so one ASOF join per
step gives every chain. Active people: different people with any event in each UTC day of [from, until). The journey
map: a person reached a stage with any of its events in [from, until), entering at the first; went on when they have
an event of the next stage at or after that entry (so when the latest such event is at or after it)."""
import json
import sys
import time


def duckdb_run(path, spec):
    import duckdb
    con = duckdb.connect()
    con.execute(f"CREATE TABLE ev AS SELECT person, t, step, name FROM read_csv('{path}', header=true, "
                f"columns={{'person':'VARCHAR','t':'BIGINT','step':'INTEGER','name':'INTEGER'}})")
    steps, window, latest_start = spec["steps"], spec["window"], spec["latestStart"]
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
    out = {}
    started = time.perf_counter()
    row = con.execute(sql).fetchone()
    out["funnel"] = {"counts": [int(x or 0) for x in row], "seconds": time.perf_counter() - started}

    lower, upper = spec["from"], spec["until"]
    started = time.perf_counter()
    rows = con.execute(f"SELECT t // 86400000 AS d, COUNT(DISTINCT person) FROM ev WHERE t >= {lower} AND t < {upper} GROUP BY d ORDER BY d").fetchall()
    seconds = time.perf_counter() - started
    by_day = {int(d): int(n) for d, n in rows}
    out["dau"] = {"counts": [by_day.get(d, 0) for d in range(lower // 86400000, (upper + 86399999) // 86400000)], "seconds": seconds}

    stages = spec["stages"]
    started = time.perf_counter()
    reached, went_on = [], []
    con.execute(f"CREATE TEMP TABLE inperiod AS SELECT person, t, name FROM ev WHERE t >= {lower} AND t < {upper}")
    for index, names in enumerate(stages):
        listed = ",".join(str(n) for n in names) or "-1"
        reached.append(int(con.execute(f"SELECT COUNT(DISTINCT person) FROM inperiod WHERE name IN ({listed})").fetchone()[0]))
        if index + 1 < len(stages):
            following = ",".join(str(n) for n in stages[index + 1]) or "-1"
            went_on.append(int(con.execute(f"""
                WITH entry AS (SELECT person, MIN(t) AS t FROM inperiod WHERE name IN ({listed}) GROUP BY person),
                     latest AS (SELECT person, MAX(t) AS t FROM inperiod WHERE name IN ({following}) GROUP BY person)
                SELECT COUNT(*) FROM entry JOIN latest USING (person) WHERE latest.t >= entry.t""").fetchone()[0]))
    out["map"] = {"reached": reached, "wentOn": went_on, "seconds": time.perf_counter() - started}
    return out


def pandas_run(path, spec):
    import pandas as pd
    ev = pd.read_csv(path, dtype={"person": str, "t": "int64", "step": "int64", "name": "int64"})
    steps, window, latest_start = spec["steps"], spec["window"], spec["latestStart"]
    out = {}
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
    out["funnel"] = {"counts": [int((best >= j).sum()) for j in range(1, steps + 1)], "seconds": time.perf_counter() - started}

    lower, upper = spec["from"], spec["until"]
    started = time.perf_counter()
    inperiod = ev[(ev.t >= lower) & (ev.t < upper)]
    by_day = inperiod.assign(d=inperiod.t // 86400000).groupby("d")["person"].nunique().to_dict()
    seconds = time.perf_counter() - started
    out["dau"] = {"counts": [int(by_day.get(d, 0)) for d in range(lower // 86400000, (upper + 86399999) // 86400000)], "seconds": seconds}

    stages = spec["stages"]
    started = time.perf_counter()
    reached, went_on = [], []
    for index, names in enumerate(stages):
        mine = inperiod[inperiod.name.isin(names)]
        reached.append(int(mine.person.nunique()))
        if index + 1 < len(stages):
            entry = mine.groupby("person")["t"].min()
            latest = inperiod[inperiod.name.isin(stages[index + 1])].groupby("person")["t"].max()
            joined = pd.concat([entry.rename("entry"), latest.rename("latest")], axis=1, join="inner")
            went_on.append(int((joined.latest >= joined.entry).sum()))
    out["map"] = {"reached": reached, "wentOn": went_on, "seconds": time.perf_counter() - started}
    return out


def main():
    path, spec = sys.argv[1], json.loads(sys.argv[2])
    out = {}
    for name, fn in [("duckdb", duckdb_run), ("pandas", pandas_run)]:
        try:
            out[name] = fn(path, spec)
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
