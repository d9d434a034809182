"""Sites travel between processes and into the cache, pickled: every field must come back."""

from __future__ import annotations

import pickle

import pytest

from termshift.sites import Action, Role, Site


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_site_comes_back_whole_from_a_pickle(protocol: int) -> None:
    site = Site("app/jobs.py", 3, 4, 5, 6, "job_id", "step_id", "parameter", Role.REFERENCE, Action.REFUSED,
                note="collides", scope="Runner.submit")
    back = pickle.loads(pickle.dumps(site, protocol))
    assert back == site
    assert [getattr(back, field) for field in Site._fields] == [getattr(site, field) for field in Site._fields]
    with pytest.raises(AttributeError):
        back.line = 1  # still frozen
