"""Training does not depend on the synthetic generator; shared progress display works."""

import io
import subprocess
import sys

from rich.console import Console

from scoring.progress import ProgressBars


def test_training_imports_without_the_generator():
    code = ("import sys, scoring.model.pipeline, scoring.model.artifacts; "
            "print('scoring.data.synthetic' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"


def test_progress_bars_end_at_what_was_done_and_stay_silent_when_disabled():
    output = io.StringIO()
    bars = ProgressBars(console=Console(file=output, force_terminal=False, width=100))
    with bars:
        bars.add("bureau", "bureau", total=1_000)  # an estimate
        bars.advance("bureau", 640)
    assert "640/640" in output.getvalue()
    quiet = io.StringIO()
    silent = ProgressBars(enabled=False, console=Console(file=quiet))
    with silent:
        silent.add("bureau", "bureau", total=10)
        silent.advance("bureau", 3)
    assert quiet.getvalue() == ""
