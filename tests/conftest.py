from __future__ import annotations

from pathlib import Path

import pytest

from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge
from nervemap.knowledge.loader import LoadedKnowledge, load_knowledge

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_KB = FIXTURES / "kb_small"


@pytest.fixture(scope="session")
def small_loaded() -> LoadedKnowledge:
    return load_knowledge(SMALL_KB)


@pytest.fixture(scope="session")
def small_kb(small_loaded: LoadedKnowledge) -> CompiledKnowledge:
    return compile_knowledge(small_loaded)
