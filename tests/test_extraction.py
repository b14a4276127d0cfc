from training.extraction import overlap


def test_overlap_counts_words_as_bags():
    recall, precision = overlap("The ferry runs daily. The ferry is late.", "the FERRY runs daily; menu home")
    assert recall == 4 / 8           # the, ferry, runs, daily found; the second "the" and "ferry" are not
    assert precision == 4 / 6


def test_overlap_of_nothing_extracted_is_zero_not_an_error():
    assert overlap("Some words of the article.", "") == (0.0, 0.0)
