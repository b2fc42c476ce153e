"""PERF-1: the dedup lookup answers in under 5 ms (p99 over hits and misses, as service_role).

The gate runs its steps side by side on two cores, so a round of lookups can be disturbed by other work on the host:
a round over budget is measured again, at most ROUNDS in all; the best round is judged and goes into the evidence,
every round is printed (and named in the message when none meets the budget). A slow lookup (a table scan) is over
budget in every round."""

import random

import pytest

from certlog.database import queries
from certlog.model.evidence import Latency
from certlog.model.latency import measure

BUDGET_MS = 5.0
LOOKUPS = 2_000  # half hits, half misses
ROUNDS = 3


@pytest.mark.exclusive
@pytest.mark.requirement("PERF-1")
def test_dedup_lookup_p99_is_under_5_ms(postgrest, settings, task_scale_rows, evidence, capsys):
    with postgrest.request("service_role") as conn:
        hits = [r[0] for r in conn.execute("select idempotency_key from public.cert_notification_log "
                                           "order by md5(idempotency_key) limit %s", (LOOKUPS // 2,))]
        rng = random.Random(settings.seed)
        misses = [f"{rng.getrandbits(256):064x}" for _ in range(LOOKUPS // 2)]
        keys = [(k, True) for k in hits] + [(k, False) for k in misses]
        rng.shuffle(keys)
        statement = queries.text("dedup_lookup")
        for key, _ in keys[:50]:  # warm the prepared statement and the cache
            conn.execute(statement, {"key": key}, prepare=True).fetchall()
        rounds = []
        while len(rounds) < ROUNDS and (not rounds or rounds[-1][0].p99 >= BUDGET_MS):
            rounds.append(measure(lambda k: conn.execute(statement, {"key": k[0]}, prepare=True).fetchall(), keys))
    for number, (summary, _) in enumerate(rounds, 1):
        with capsys.disabled():
            print(f"\ndedup lookup latency, round {number} ({len(hits)} hits, {len(misses)} misses): "
                  f"{summary.line()}")
    summary = min((summary for summary, _ in rounds), key=lambda each: each.p99)
    evidence.put(Latency(statement=statement.strip().splitlines()[-1], n=len(keys), hits=len(hits),
                         p50_ms=summary.p50, p95_ms=summary.p95, p99_ms=summary.p99, max_ms=summary.max,
                         mean_ms=summary.mean, budget_ms=BUDGET_MS, samples_ms=list(summary.samples_ms)))
    for _, results in rounds:
        wrong = sum(bool(result) != hit for result, (_, hit) in zip(results, keys, strict=True))
        assert wrong == 0, f"{wrong} of {len(keys)} lookups answered wrongly"
    assert summary.p99 < BUDGET_MS, (f"p99 {summary.p99:.3f} ms is over the {BUDGET_MS:g} ms budget in each of "
                                      f"{len(rounds)} rounds ({'; '.join(each.line() for each, _ in rounds)})")
