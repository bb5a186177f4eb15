"""Stemming is safe in several threads at once, as gunicorn runs each web process (4 threads per worker)."""

import sys
import threading

from pilotbook.evidence import ranking

WORDS = [f"{stem}{ending}" for stem in ("relation", "organis", "generalis", "conditional", "sensitiv", "hopeful",
                                        "formaliz", "electric", "operat", "adjust")
         for ending in ("ational", "ization", "fulness", "iveness", "ically", "ements", "ations", "ingly", "ness")]


def test_threads_stemming_at_once_each_get_the_right_stem():
    import snowballstemmer

    expected = {word: snowballstemmer.stemmer("english").stemWord(word) for word in WORDS}
    problems = []

    def work():
        for _ in range(30):
            ranking.stem.cache_clear()
            try:
                wrong = [word for word in WORDS if ranking.stem(word) != expected[word]]
            except Exception as error:  # noqa: BLE001 - what a shared stemmer raised under threads
                problems.append(repr(error))
                return
            problems.extend(wrong)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so a shared stemmer would be caught out
    try:
        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        ranking.stem.cache_clear()
    assert not problems, problems[:5]
