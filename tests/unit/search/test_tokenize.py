from chalicelib.search.service import tokenize


def test_words_are_lowercased_and_stripped_of_accents():
    assert tokenize("Café Crème BRÛLÉE") == ["cafe", "creme", "brulee"]


def test_short_words_and_repeats_are_dropped():
    assert tokenize("a UI for the UI, v2") == ["ui", "for", "the", "v2"]
