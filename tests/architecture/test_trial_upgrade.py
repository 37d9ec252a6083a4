"""An installation of the old layout (the trial inside ``supervision``) upgrades with every row kept."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_trial_tables_move_with_their_rows(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("trial_upgrade.py"))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    old, new = report["old"], report["new"]
    assert old["content_types"] == ["supervision"] and new["content_types"] == ["trial"]
    assert old["beat_tasks"] == ["supervision.trial_checks"] and new["beat_tasks"] == ["trial.checks"]
    assert new["counts"] == old["counts"]
    # every table held rows, so "equal" is not "both empty"
    assert all(count > 0 for count in old["counts"].values()), old["counts"]
