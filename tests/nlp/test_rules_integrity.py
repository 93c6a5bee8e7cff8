def test_an_optional_last_letter_is_not_part_of_a_trigger() -> None:
    from nervemap.nlp.rules import _regex_triggers

    assert _regex_triggers("(?:legs?|foot)\\s+is") == ("leg", "foot")
