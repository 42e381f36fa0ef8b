"""Where source files are looked for (:func:`simulator.scenario.provenance.search_dirs`),
by default and without the shared seeds: a case mutation testing found unguarded
(``benchmarks/mutation.py``)."""

from __future__ import annotations

import os

from simulator.scenario.provenance import search_dirs


def test_search_dirs_in_order_with_and_without_the_shared_seeds(tmp_path):
    seeds = tmp_path / "shared" / "seeds"
    seeds.mkdir(parents=True)
    here = tmp_path / "work" / "scenarios"
    here.mkdir(parents=True)
    extra, env_dir = tmp_path / "extra", tmp_path / "env"
    scenario = str(here / "s.yaml")
    env = {"ZOPA_SOURCES": os.pathsep.join([str(env_dir), "", str(here)])}
    expected = [str(here), str(extra), str(env_dir)]  # here once: duplicates dropped
    assert search_dirs(scenario, [extra], env) == [*expected, str(seeds)]
    assert search_dirs(scenario, [extra], env, seeds=False) == expected
    assert search_dirs(scenario, env={}) == [str(here), str(seeds)]
