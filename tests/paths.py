"""Where the tests find the project and their data, wherever a test module sits."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
