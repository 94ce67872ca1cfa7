"""The reference for `cairn bench`'s segments part: DuckDB computes the memberships of the three segments the bench
defines, on the same customers and events (written to CSV by the bench), each timed after loading.

    segment-reference.py PROFILES.csv EVENTS.csv NOW_MILLISECONDS   → JSON {"counts": [...], "seconds": [...], "duckdb": version}
"""
import json
import sys
import time

import duckdb

profiles, events, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
day = 86_400_000
con = duckdb.connect()
con.execute(f"CREATE TABLE p AS SELECT * FROM read_csv('{profiles}', header=true, columns={{'profile': 'VARCHAR', 'country': 'VARCHAR'}})")
con.execute(f"CREATE TABLE e AS SELECT * FROM read_csv('{events}', header=true, columns={{'profile': 'VARCHAR', 'name': 'VARCHAR', 't': 'BIGINT', 'category': 'VARCHAR'}})")
queries = [
    # Loyal Germans: country DE and at least two orders in 365 days.
    f"""SELECT count(*) FROM p WHERE country = 'DE' AND profile IN (
          SELECT profile FROM e WHERE name = 'Order Completed' AND t > {now - 365 * day} GROUP BY profile HAVING count(*) >= 2)""",
    # Lapsed: no order in 90 days.
    f"""SELECT count(*) FROM p WHERE profile NOT IN (SELECT profile FROM e WHERE name = 'Order Completed' AND t > {now - 90 * day})""",
    # Shoe buyers this half-year: an order with category Shoes in 182 days.
    f"""SELECT count(*) FROM p WHERE profile IN (
          SELECT profile FROM e WHERE name = 'Order Completed' AND category = 'Shoes' AND t > {now - 182 * day})""",
]
counts, seconds = [], []
for query in queries:
    started = time.perf_counter()
    counts.append(con.execute(query).fetchone()[0])
    seconds.append(time.perf_counter() - started)
print(json.dumps({"counts": counts, "seconds": seconds, "duckdb": duckdb.__version__}))
