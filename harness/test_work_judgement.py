"""The judgement of work (certlog.model.work): exact, with a 10% margin, and a plan of another shape is called out
whatever the counters say; the Markdown shows both sides' figures."""

from certlog.model.evidence import OperationWork
from certlog.model.work import LESS, MORE, OTHER_PLAN, SAME, fingerprint, judge, judge_all
from certlog.reporting.work import judgement_summary, judgement_table


def _op(name="purge", *, buffers=100.0, wal=1000.0, examined=10, plans=("1 x Index Scan using i on t",)):
    return OperationWork(name=name, rounds=1, buffers=buffers, rows=1, wal_bytes=wal, wal_records=3,
                         rows_examined=examined, exec_ms=1.0, fingerprint=fingerprint(plans), plans=list(plans))


def test_the_same_counters_and_plans_are_the_same_work():
    assert judge(_op(), _op()).verdict == SAME


def test_a_counter_within_10_percent_is_the_same_work_and_beyond_it_more_or_less():
    assert judge(_op(), _op(buffers=110)).verdict == SAME
    assert judge(_op(), _op(buffers=111)).verdict == MORE
    assert judge(_op(), _op(wal=800)).verdict == LESS
    assert judge(_op(wal=0), _op(wal=1)).verdict == MORE  # from nothing to something


def test_more_of_one_counter_outweighs_less_of_another():
    judged = judge(_op(), _op(buffers=50, wal=2000))
    assert judged.verdict == MORE
    assert [d.counter for d in judged.differences] == ["buffers", "wal_bytes"]


def test_a_plan_of_another_shape_is_called_out_with_equal_counters():
    judged = judge(_op(), _op(plans=("1 x Seq Scan on t",)))
    assert judged.verdict == OTHER_PLAN and judged.flagged
    assert "plan" in judged.line()


def test_the_table_and_summary_show_both_sides_and_the_verdict():
    judgements = judge_all([_op(), _op("lookup")], [_op(buffers=300), _op("lookup")])
    text = judgement_table(judgements, base="main", head="this tree")
    assert "100 / 300" in text and "**more work**: buffers 100 -> 300 (x3.00)" in text
    assert "1 of 2 operations do other work" in judgement_summary(judgements)
    assert "Same work" in judgement_summary(judge_all([_op()], [_op()]))


def test_a_change_whose_statement_fails_is_judged_failed_not_compared():
    broken = _op().model_copy(update={"error": "UndefinedFunction: function x() does not exist"})
    assert judge(_op(), broken).verdict == "failed" and "the change's statement failed" in judge(_op(), broken).line()
    assert judge(broken, _op()).verdict == "not compared"
    assert "**failed**" in judgement_table([judge(_op(), broken)], base="main", head="this tree")
