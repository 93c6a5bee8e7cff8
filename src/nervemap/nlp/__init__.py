"""Clinical text -> nervemap case, with the words each part came from.

>>> from nervemap.nlp import extract
>>> extraction = extract("45 y/o F with LBP radiating to the left lateral calf. SLR positive on the left.")

The medSpaCy pipeline is built on the first call (about a second) and kept for the process.
``extract_many(texts)`` gives the same extractions for many notes, sent through spaCy in batches.
"""

from nervemap.nlp.extract import extract, extract_bytes, extract_many
from nervemap.nlp.models import ExtractedItem, Extraction
from nervemap.nlp.text import MAX_CHARS

__all__ = ["MAX_CHARS", "ExtractedItem", "Extraction", "extract", "extract_bytes", "extract_many"]
