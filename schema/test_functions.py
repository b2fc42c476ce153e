"""IMPL-1, IMPL-3, PLAT-2: the migration's functions pin search_path and only service_role runs them."""

import pytest

from certlog.database import queries

FUNCTIONS = {
    "cert_notification_idempotency_key(uuid,text,date)": {"volatility": "i", "security_definer": False},
    "purge_cert_notification_log(interval)": {"volatility": "v", "security_definer": True},
    "cert_notification_log_refuse_update()": {"volatility": "v", "security_definer": False},
}


def _functions(conn):
    return {f["signature"]: f for f in queries.rows(conn, "function_privileges")}


@pytest.mark.requirement("IMPL-1", "IMPL-2", "IMPL-3")
def test_the_migration_defines_its_three_functions(superuser):
    assert sorted(_functions(superuser)) == sorted(FUNCTIONS)


@pytest.mark.requirement("PLAT-2")
@pytest.mark.parametrize("signature", sorted(FUNCTIONS))
def test_function_pins_an_empty_search_path(superuser, signature):
    assert 'search_path=""' in _functions(superuser)[signature]["settings"]


@pytest.mark.requirement("IMPL-1", "IMPL-3")
@pytest.mark.parametrize("signature", sorted(FUNCTIONS))
def test_function_volatility_and_security(superuser, signature):
    found = _functions(superuser)[signature]
    assert {k: found[k] for k in ("volatility", "security_definer")} == FUNCTIONS[signature]


@pytest.mark.requirement("PLAT-2", "IMPL-3")
@pytest.mark.parametrize("signature", sorted(FUNCTIONS))
def test_anon_and_authenticated_cannot_execute(superuser, signature):
    found = _functions(superuser)[signature]
    assert (found["anon_execute"], found["authenticated_execute"]) == (False, False)


@pytest.mark.requirement("IMPL-1", "IMPL-3")
@pytest.mark.parametrize("signature", ["cert_notification_idempotency_key(uuid,text,date)",
                                       "purge_cert_notification_log(interval)"])
def test_service_role_can_execute(superuser, signature):
    assert _functions(superuser)[signature]["service_role_execute"] is True
