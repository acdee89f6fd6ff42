"""A stand-in for the entity model, for tests about something else: a spaCy
pipeline whose "ner" is a rule-based entity ruler. It loads in a fraction of the
time the statistical model takes, finds names of every type the archive keeps,
and is saved as a folder, so that ``archive import --model FOLDER`` in a
process of its own runs it as it would the real one."""

from __future__ import annotations

from pathlib import Path

TITLE = {"IS_TITLE": True}
PATTERNS = [
    {"label": "PERSON", "pattern": [{"LOWER": {"IN": ["mr", "mrs", "ms", "dr"]}}, TITLE]},
    {"label": "PERSON", "pattern": [TITLE, TITLE]},
    # One word the model takes for a person's name, as it does a company's or a club's.
    {"label": "PERSON", "pattern": [{"TEXT": {"REGEX": "^[A-Z][a-z]+ex$"}}]},
    {"label": "ORG", "pattern": [{"IS_UPPER": True, "LENGTH": {">=": 2}}]},
    {"label": "GPE", "pattern": [{"LOWER": {"IN": ["in", "near", "from"]}}, TITLE]},
    {"label": "DATE", "pattern": [{"SHAPE": "dddd"}]},
    {"label": "DATE", "pattern": [{"LOWER": {"IN": ["monday", "tuesday", "wednesday", "thursday", "friday"]}}]},
]


def build(folder: Path) -> Path:
    """Save the pipeline in ``folder`` (made if missing) and return it."""
    import spacy

    nlp = spacy.blank("en")
    nlp.meta["name"] = "fake_ruler"
    nlp.meta["version"] = "0.0.1"
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns(PATTERNS)
    nlp.to_disk(folder)
    return folder
