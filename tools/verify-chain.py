#!/usr/bin/env python3
"""Re-check a ladder ledger's hash chain without ladder (docs/hash-chain.md).
Usage: tools/verify-chain.py LEDGER.sqlite   -- prints the head, or the first bad seq and exits 1."""
import hashlib, sqlite3, sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
prev, expected = "0" * 64, 1
for seq, id_, type_, eff, rec, aid, role, data, prev_hash, hash_ in db.execute(
        "SELECT seq, id, type, effective, recorded, actor_id, actor_role, data, prev_hash, hash FROM events ORDER BY seq"):
    body = ('{"actor":{"id":"%s","role":"%s"},"data":%s,"effective":"%s","id":"%s","recorded":"%s","seq":%d,"type":"%s"}'
            % (aid, role, data, eff, id_, rec, seq, type_))
    if seq != expected or prev_hash != prev or hashlib.sha256((prev + body).encode()).hexdigest() != hash_:
        sys.exit(f"BROKEN at seq {expected}")
    prev, expected = hash_, expected + 1
print(f"ok: {expected - 1} events, head {prev}")
