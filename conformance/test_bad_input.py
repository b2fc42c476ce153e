"""AC-1, AC-3, AC-5, IMPL-2, SEC-2, SEC-3, TEST-3: every invalid write is refused with its exact SQLSTATE and
changes nothing.

A write of an invalid value is the owner's (a constraint does not depend on who writes: the cron job's right to
write is SEC-2's, proven on its own); each write of a role is sent as PostgREST sends it. Each is committed;
afterwards the table's row count and newest row version must be what they were just before it (any committed
INSERT, UPDATE or DELETE changes one), so a write wrongly accepted fails its own case only. Each case proves the
requirement of the rule it meets.
"""

import hashlib

import pytest

from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import queries
from certlog.model.contract import load
from certlog.model.evidence import BadInput
from certlog.standin.postgrest import claims, postgrest_session

CERT, RECIPIENT, KEY = "%(certification_id)s", "%(recipient_id)s", "%(key)s"
INSERT = ("insert into public.cert_notification_log (certification_id, notification_type, recipient_id, "
          "idempotency_key, sent_at{extra_columns}) values ({certification_id}, {notification_type}, {recipient_id}, "
          "{key}, {sent_at}{extra_values})")
SENT_AT = "'2026-11-25 02:00+00'"  # named, so that a case about a CHECK does not depend on sent_at's default


def _insert(certification_id=CERT, notification_type="'expired'", recipient_id=RECIPIENT, key=KEY, sent_at=SENT_AT,
            extra=None):
    columns, values = (", " + extra[0], ", " + extra[1]) if extra else ("", "")
    return INSERT.format(certification_id=certification_id, notification_type=notification_type,
                         recipient_id=recipient_id, key=key, sent_at=sent_at, extra_columns=columns,
                         extra_values=values)


NOT_NULL, TYPES, KEY_FORMAT, KEYS = ("AC-1",), ("AC-1", "TEST-3"), ("SEC-3",), ("AC-1",)
WRITES = {
    # case: (role, statement, SQLSTATE, requirements)
    "null certification_id": ("postgres", _insert(certification_id="null"), "23502", NOT_NULL),
    "null notification_type": ("postgres", _insert(notification_type="null"), "23502", NOT_NULL),
    "null recipient_id": ("postgres", _insert(recipient_id="null"), "23502", NOT_NULL),
    "null idempotency_key": ("postgres", _insert(key="null"), "23502", NOT_NULL),
    "null sent_at": ("postgres", _insert(sent_at="null"), "23502", NOT_NULL),
    "null id": ("postgres", _insert(extra=("id", "null")), "23502", NOT_NULL),
    "unknown type": ("postgres", _insert(notification_type="'expiry_warning_1d'"), "23514", TYPES),
    "wrong-case type": ("postgres", _insert(notification_type="'Expired'"), "23514", TYPES),
    "padded type": ("postgres", _insert(notification_type="' expired'"), "23514", TYPES),
    "key too short": ("postgres", _insert(key="repeat('a', 63)"), "23514", KEY_FORMAT),
    "key too long": ("postgres", _insert(key="repeat('a', 65)"), "23514", KEY_FORMAT),
    "upper-case key": ("postgres", _insert(key="repeat('A', 64)"), "23514", KEY_FORMAT),
    "key with an e-mail address": ("postgres", _insert(key="'mentor@example.org:expired:2026-11-25'"), "23514",
                                   KEY_FORMAT),
    "unknown certification": ("postgres", _insert(certification_id="gen_random_uuid()"), "23503", KEYS),
    "unknown recipient": ("postgres", _insert(recipient_id="gen_random_uuid()"), "23503", KEYS),
    "duplicate key": ("postgres", _insert(key="%(sample_key)s"), "23505", ("AC-3",)),
}
COLUMNS = {"id": "gen_random_uuid()", "certification_id": CERT, "notification_type": "'expired'",
           "sent_at": "now()", "recipient_id": RECIPIENT, "idempotency_key": KEY}
for role, sqlstate, requirements in (("postgres", "55000", ("IMPL-2",)), ("service_role", "42501", ("IMPL-2",)),
                                     ("authenticated", "42501", ("AC-5",)), ("anon", "42501", ("AC-5",))):
    for column, value in COLUMNS.items():
        WRITES[f"{role} updates {column}"] = (
            role, f"update public.cert_notification_log set {column} = {value} "
                  f"where idempotency_key = %(sample_key)s", sqlstate, requirements)
for role, requirements in (("anon", ("AC-5",)), ("authenticated", ("AC-5",)), ("service_role", ("IMPL-2",))):
    WRITES[f"{role} deletes"] = (role, "delete from public.cert_notification_log "
                                       "where idempotency_key = %(sample_key)s", "42501", requirements)
    WRITES[f"{role} truncates"] = (role, "truncate public.cert_notification_log", "42501", requirements)


def _request(api, role, sample):
    return api.request(role, claims(role, sub=sample["own_coordinator"] if role == "authenticated" else None),
                       commit=True)


def _version(server, dbname) -> dict:
    """Row count and newest row version: any committed write changes one of them."""
    with databases.connect(server, dbname) as conn:
        return queries.one(conn, "table_version")


KEPT_ROWS = 1_000


@pytest.fixture(scope="module")
def cases(server, module_db, sample) -> dict[str, dict]:
    """The module's database keeps the sample row and 1 000 others (these cases need rows, not 50 000 of them,
    and the checks around each of the 66 cases then cost a millisecond). Each case writes its own row: a
    certification with no row of its type yet, a key of its own, so that a write wrongly accepted by one case
    cannot change what another one meets."""
    with databases.connect(server, module_db, autocommit=True) as conn:
        conn.execute("delete from public.cert_notification_log where idempotency_key <> %s and idempotency_key not in "
                     "(select idempotency_key from public.cert_notification_log order by idempotency_key limit %s)",
                     (sample["idempotency_key"], KEPT_ROWS))
        conn.execute("vacuum (analyze) public.cert_notification_log")
        fresh = [n for n in cron.not_yet_logged(conn, 10_000) if n.notification_type == "expired"][:len(WRITES)]
    assert len(fresh) == len(WRITES)
    return {case: {"certification_id": n.certification_id, "recipient_id": n.recipient_id,
                   "key": hashlib.sha256(case.encode()).hexdigest(), "sample_key": sample["idempotency_key"],
                   "own_coordinator": sample["own_coordinator"]}
            for case, n in zip(WRITES, fresh, strict=True)}


@pytest.mark.parametrize("case", [pytest.param(case, marks=pytest.mark.requirement(*WRITES[case][3]), id=case)
                                  for case in WRITES])
def test_invalid_write_is_refused_and_changes_nothing(server, module_db, cases, case, evidence):
    role, statement, sqlstate, _ = WRITES[case]
    params = cases[case]
    before = _version(server, module_db)
    error = None
    if role == "postgres":  # the owner, as a migration or the SQL editor would act
        with databases.connect(server, module_db, user="postgres", autocommit=True) as conn:
            try:
                conn.execute(statement, params)
            except Exception as exc:  # noqa: BLE001 - the SQLSTATE is checked below
                error = exc
    else:
        with postgrest_session(server, module_db) as api:
            try:
                with _request(api, role, params) as conn:
                    conn.execute(statement, params)
            except Exception as exc:  # noqa: BLE001
                error = exc
    after = _version(server, module_db)
    evidence.put(BadInput(case=case, role=role, expected_sqlstate=sqlstate,
                          got=getattr(error, "sqlstate", None) or repr(error)))
    assert getattr(error, "sqlstate", None) == sqlstate, f"{case}: expected SQLSTATE {sqlstate}, got {error!r}"
    assert after == before, f"{case}: the table changed: {before} -> {after}"


IDENTITIES = {
    # case: (role set by PostgREST, claims, may insert)
    "anon": ("anon", claims("anon"), False),
    "authenticated with sub": ("authenticated", "coordinator", False),
    "authenticated without sub": ("authenticated", claims("authenticated"), False),
    "service_role": ("service_role", claims("service_role"), True),
    "claims say service_role, role is authenticated": ("authenticated", claims("service_role"), False),
}


STATEMENTS = {"INSERT": _insert(), "SELECT": "select count(*) from public.cert_notification_log"}


def _attempts():
    """Each identity's insert and read, proving what the contract gives the role it ends up as."""
    for identity, (role, _, _) in IDENTITIES.items():
        for operation in STATEMENTS:
            yield pytest.param(identity, operation, id=f"{identity}-{operation}",
                               marks=pytest.mark.requirement(*load().privilege_requirements(role, operation)))


@pytest.mark.parametrize(("identity", "operation"), list(_attempts()))
def test_who_may_insert_and_read(postgrest, sample, identity, operation):
    role, jwt, allowed = IDENTITIES[identity]
    params = {**sample, "key": "a" * 64}
    jwt = claims(role, sub=sample["own_coordinator"]) if jwt == "coordinator" else jwt
    try:
        with postgrest.request(role, jwt) as conn:
            conn.execute(STATEMENTS[operation], params)
        outcome = "allowed"
    except Exception as exc:  # noqa: BLE001
        outcome = getattr(exc, "sqlstate", repr(exc))
    assert outcome == ("allowed" if allowed else "42501")


@pytest.mark.requirement("AC-5")
def test_authenticator_without_a_role_switch_can_do_nothing(server, db, sample):
    params = {**sample, "key": "a" * 64}
    outcomes = []
    with databases.connect(server, db, user="authenticator") as conn:
        for statement in (_insert(), "select count(*) from public.cert_notification_log"):
            try:
                conn.execute(statement, params)
                outcomes.append("allowed")
            except Exception as exc:  # noqa: BLE001
                outcomes.append(getattr(exc, "sqlstate", repr(exc)))
            conn.rollback()
    assert outcomes == ["42501", "42501"]
