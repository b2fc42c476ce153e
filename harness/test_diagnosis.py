"""How precisely a wrong migration points at its cause: the diagnosis's figures, and the test behind each
requirement turned FAIL that the mutant does not declare."""

from certlog.model.contract import API_ROLES, TABLE_PRIVILEGES, load
from certlog.reporting.diagnosis import Diagnosis, markdown, precise_enough, precision_recall


def _diagnosis(declared, failed, failing=()) -> Diagnosis:
    return Diagnosis("m", frozenset(declared), frozenset(failed), failing=tuple(failing))


def test_precision_and_recall_count_requirements_over_the_whole_catalogue():
    exact = _diagnosis({"AC-1"}, {"AC-1"})
    wide = _diagnosis({"AC-3"}, {"AC-3", "AC-5", "SEC-1"})
    missed = _diagnosis({"AC-2", "PERF-2"}, {"AC-2"})
    assert precision_recall([exact, wide, missed]) == (3 / 5, 3 / 4)
    assert not precise_enough([exact, wide])
    assert precise_enough([exact]) and precision_recall([]) == (1.0, 1.0)


def test_each_requirement_turned_fail_but_not_declared_names_its_test_and_why():
    page = markdown([_diagnosis({"AC-3"}, {"AC-3", "AC-5"}, [("AC-3", "`t::unique` (1 failing): 23505"),
                                                              ("AC-5", "`t::grants` (2 failing): 42501")])], "T")
    assert "`m` turned **AC-5** FAIL: `t::grants` (2 failing): 42501" in page
    assert "t::unique" not in page  # a declared requirement is where it should be
    assert "does not meet" in page


def test_each_privilege_of_each_role_proves_one_requirement_and_both_modes_are_plat_1s_alone():
    contract = load()
    for role in API_ROLES:
        for privilege in TABLE_PRIVILEGES:
            proves = contract.privilege_requirements(role, privilege)
            assert proves and "PLAT-1" not in proves, (role, privilege, proves)
    assert contract.privilege_requirements("anon", "SELECT") == ("SEC-1",)
    assert contract.privilege_requirements("service_role", "UPDATE") == ("IMPL-2",)
