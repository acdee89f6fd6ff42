"""Version stamps are guarded: what the seeds give is pinned for each stage, and
a change of it under a stamp older archives already keep fails here. Older
archives redo a stage only when its stamp changes, so such a change would
leave them stale without a word."""

import pytest

from . import goldens


@pytest.fixture(scope="module")
def outputs(extractor):
    return {stage: goldens.output(stage, extractor) for stage in goldens.STAGES}


@pytest.mark.parametrize("stage", goldens.STAGES)
def test_the_seeds_give_their_golden_output(stage, outputs):
    assert outputs[stage] == goldens.read_golden(stage), (
        f"the {stage} of the seeds changed: if it should, bump its version and run"
        " .venv/bin/python -m tests.goldens"
    )


@pytest.mark.parametrize("stage", goldens.STAGES)
def test_the_golden_output_is_recorded_under_the_present_stamp(stage, extractor):
    history = goldens.read_stamps()[stage]
    assert len({s for s, _ in history}) == len(history), "a stamp recorded twice"
    assert history[-1] == [goldens.stamp(stage, extractor), goldens.digest(goldens.read_golden(stage))], (
        f"the {stage} golden was made under another stamp: run .venv/bin/python -m tests.goldens"
    )


def test_regenerating_refuses_a_new_output_under_an_old_stamp(extractor, monkeypatch, tmp_path):
    stamps = tmp_path / "stamps.json"
    monkeypatch.setattr(goldens, "STAMPS", stamps)
    monkeypatch.setattr(goldens, "write_golden", lambda stage, value: None)
    stage = "cleaning"
    current = goldens.stamp(stage, extractor)
    stamps.write_text('{"cleaning": [["%s", "0000000000000000"]], "mentions": [], "linking": []}' % current)
    with pytest.raises(SystemExit, match="the output changed under the stamp"):
        goldens.regenerate()
