"""Fixtures shared by the procedure tests: the real rule files and the example roster."""
from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.procedures.roster import Roster
from bot.procedures.rules import load_rules

EXAMPLE = PROJECT_ROOT / "knowledge" / "roster.example.toml"


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def roster():
    return Roster.load(EXAMPLE)
