"""certlog bench --compare: a baseline and a run that time different benchmarks are no comparison."""

import json

from certlog.errors import EXIT_FAILED, EXIT_OK
from certlog.runners import bench


def _run_file(path, names):
    path.write_text(json.dumps({"benchmarks": [{"name": n, "stats": {"data": [0.010, 0.011, 0.012]}}
                                               for n in names]}))
    return path


def test_a_baseline_of_other_benchmarks_fails_the_comparison(tmp_path):
    baseline = _run_file(tmp_path / "baseline.json", ["test_a", "test_b"])
    said = []
    same = bench._judge_files(baseline, _run_file(tmp_path / "run.json", ["test_a", "test_b"]), 0.25, tmp_path,
                              said.append)
    other = bench._judge_files(baseline, _run_file(tmp_path / "renamed.json", ["test_a", "test_c"]), 0.25, tmp_path,
                               said.append)
    assert same == EXIT_OK
    assert other == EXIT_FAILED and "do not time the same benchmarks (test_b, test_c)" in said[-1]


def test_a_threshold_is_a_percentage_whichever_way_it_is_written():
    from certlog.reporting.comparison import threshold_of

    assert [threshold_of(text) for text in ("5", "5%", "median:5%", "25")] == [0.05, 0.05, 0.05, 0.25]
