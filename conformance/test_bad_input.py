"""AC-1, AC-5, IMPL-2, SEC-2, SEC-3: every invalid write is refused with its exact SQLSTATE and changes nothing.

Each write is sent as PostgREST sends it and committed; afterwards the table's row count and
newest row version must be what they were (any committed INSERT, UPDATE or DELETE changes one).
"""

import pytest

from certlog.database import connections as databases
from certlog.database import queries
from certlog.model.evidence import BadInput
from certlog.standin.postgrest import claims, postgrest_session

KEY = "a" * 64
CERT, RECIPIENT = "%(certification_id)s", "%(recipient_id)s"
INSERT = ("insert into public.cert_notification_log (certification_id, notification_type, recipient_id, "
          "idempotency_key{extra_columns}) values ({certification_id}, {notification_type}, {recipient_id}, "
          "{key}{extra_values})")


def _insert(certification_id=CERT, notification_type="'expired'", recipient_id=RECIPIENT, key=f"'{KEY}'",
            extra=None):
    columns, values = (", " + extra[0], ", " + extra[1]) if extra else ("", "")
    return INSERT.format(certification_id=certification_id, notification_type=notification_type,
                         recipient_id=recipient_id, key=key, extra_columns=columns, extra_values=values)


WRITES = {
    # case: (role, statement, SQLSTATE)
    "null certification_id": ("service_role", _insert(certification_id="null"), "23502"),
    "null notification_type": ("service_role", _insert(notification_type="null"), "23502"),
    "null recipient_id": ("service_role", _insert(recipient_id="null"), "23502"),
    "null idempotency_key": ("service_role", _insert(key="null"), "23502"),
    "null sent_at": ("service_role", _insert(extra=("sent_at", "null")), "23502"),
    "null id": ("service_role", _insert(extra=("id", "null")), "23502"),
    "unknown type": ("service_role", _insert(notification_type="'expiry_warning_1d'"), "23514"),
    "wrong-case type": ("service_role", _insert(notification_type="'Expired'"), "23514"),
    "padded type": ("service_role", _insert(notification_type="' expired'"), "23514"),
    "key too short": ("service_role", _insert(key="repeat('a', 63)"), "23514"),
    "key too long": ("service_role", _insert(key="repeat('a', 65)"), "23514"),
    "upper-case key": ("service_role", _insert(key="repeat('A', 64)"), "23514"),
    "key with an e-mail address": ("service_role", _insert(key="'mentor@example.org:expired:2026-11-25'"), "23514"),
    "unknown certification": ("service_role", _insert(certification_id="gen_random_uuid()"), "23503"),
    "unknown recipient": ("service_role", _insert(recipient_id="gen_random_uuid()"), "23503"),
    "duplicate key": ("service_role", _insert(key="%(idempotency_key)s"), "23505"),
}
COLUMNS = {"id": "gen_random_uuid()", "certification_id": CERT, "notification_type": "'expired'",
           "sent_at": "now()", "recipient_id": RECIPIENT, "idempotency_key": f"'{KEY}'"}
for role, sqlstate in (("postgres", "55000"), ("service_role", "42501"), ("authenticated", "42501"),
                       ("anon", "42501")):
    for column, value in COLUMNS.items():
        WRITES[f"{role} updates {column}"] = (
            role, f"update public.cert_notification_log set {column} = {value} "
                  f"where idempotency_key = %(idempotency_key)s", sqlstate)
for role in ("anon", "authenticated", "service_role"):
    WRITES[f"{role} deletes"] = (role, "delete from public.cert_notification_log "
                                       "where idempotency_key = %(idempotency_key)s", "42501")
    WRITES[f"{role} truncates"] = (role, "truncate public.cert_notification_log", "42501")


def _request(api, role, sample):
    return api.request(role, claims(role, sub=sample["own_coordinator"] if role == "authenticated" else None),
                       commit=True)


def _version(server, dbname) -> dict:
    """Row count and newest row version: any committed write changes one of them."""
    with databases.connect(server, dbname) as conn:
        return queries.one(conn, "table_version")


KEPT_ROWS = 1_000


@pytest.fixture(scope="module")
def baseline(server, module_db, sample):
    """The module's database keeps the sample row and 1 000 others (these cases need rows, not 50 000 of them,
    and the check after each of the 66 cases then costs a millisecond)."""
    with databases.connect(server, module_db, autocommit=True) as conn:
        conn.execute("delete from public.cert_notification_log where idempotency_key <> %s and idempotency_key not in "
                     "(select idempotency_key from public.cert_notification_log order by idempotency_key limit %s)",
                     (sample["idempotency_key"], KEPT_ROWS))
        conn.execute("vacuum (analyze) public.cert_notification_log")
    return _version(server, module_db)


@pytest.mark.requirement("AC-1", "AC-5", "IMPL-2", "SEC-2", "SEC-3")
@pytest.mark.parametrize("case", list(WRITES))
def test_invalid_write_is_refused_and_changes_nothing(server, module_db, baseline, sample, case, evidence):
    role, statement, sqlstate = WRITES[case]
    error = None
    if role == "postgres":  # the owner, as a migration or the SQL editor would act
        with databases.connect(server, module_db, user="postgres", autocommit=True) as conn:
            try:
                conn.execute(statement, sample)
            except Exception as exc:  # noqa: BLE001 - the SQLSTATE is checked below
                error = exc
    else:
        with postgrest_session(server, module_db) as api:
            try:
                with _request(api, role, sample) as conn:
                    conn.execute(statement, sample)
            except Exception as exc:  # noqa: BLE001
                error = exc
    after = _version(server, module_db)
    evidence.put(BadInput(case=case, role=role, expected_sqlstate=sqlstate,
                          got=getattr(error, "sqlstate", None) or repr(error)))
    assert getattr(error, "sqlstate", None) == sqlstate, f"{case}: expected SQLSTATE {sqlstate}, got {error!r}"
    assert after == baseline


IDENTITIES = {
    # case: (role set by PostgREST, claims, may insert)
    "anon": ("anon", claims("anon"), False),
    "authenticated with sub": ("authenticated", "coordinator", False),
    "authenticated without sub": ("authenticated", claims("authenticated"), False),
    "service_role": ("service_role", claims("service_role"), True),
    "claims say service_role, role is authenticated": ("authenticated", claims("service_role"), False),
}


@pytest.mark.requirement("AC-5", "SEC-2")
@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_who_may_insert_and_read(postgrest, sample, identity):
    role, jwt, allowed = IDENTITIES[identity]
    jwt = claims(role, sub=sample["own_coordinator"]) if jwt == "coordinator" else jwt
    outcomes = []
    for statement in (_insert(), "select count(*) from public.cert_notification_log"):
        try:
            with postgrest.request(role, jwt) as conn:
                conn.execute(statement, sample)
            outcomes.append("allowed")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(getattr(exc, "sqlstate", repr(exc)))
    assert outcomes == (["allowed", "allowed"] if allowed else ["42501", "42501"])


@pytest.mark.requirement("AC-5")
def test_authenticator_without_a_role_switch_can_do_nothing(server, db, sample):
    outcomes = []
    with databases.connect(server, db, user="authenticator") as conn:
        for statement in (_insert(), "select count(*) from public.cert_notification_log"):
            try:
                conn.execute(statement, sample)
                outcomes.append("allowed")
            except Exception as exc:  # noqa: BLE001
                outcomes.append(getattr(exc, "sqlstate", repr(exc)))
            conn.rollback()
    assert outcomes == ["42501", "42501"]
