"""Ids, codes and tokens: from the alphabet, of the asked length, every character as likely."""

from __future__ import annotations

import string
from collections import Counter

from mock_server.randomness import Randomness, _os_choice


def test_os_choice_draws_uniformly_from_the_alphabet() -> None:
    drawn = "".join(_os_choice(string.digits, 1000) for _ in range(100))
    assert len(drawn) == 100_000
    counts = Counter(drawn)
    assert set(counts) == set(string.digits)
    # Expected 10,000 each, standard deviation ~95: 5% is five deviations.
    assert all(9_500 < n < 10_500 for n in counts.values()), counts


def test_ids_and_tokens_have_their_shape_with_and_without_a_seed() -> None:
    for rng in (Randomness(), Randomness(seed=7)):
        ident = rng.id("sia", 27)
        assert ident.startswith("sia_")
        assert len(ident) == 31
        assert set(ident[4:]) <= set(string.ascii_letters + string.digits)
        code = rng.digits(6)
        assert len(code) == 6
        assert code.isdigit()
    assert Randomness(seed=7).id("x") == Randomness(seed=7).id("x")


def test_the_pool_answers_draws_of_any_size_across_refills() -> None:
    """Draws of every size, some larger than what is left, some larger than a read: each
    has its length and only the alphabet's characters; ids drawn from it do not repeat."""
    from mock_server.randomness import _CharPool

    pool = _CharPool(string.digits)
    sizes = [1, 27, 4000, 5000, 9000, 3, 27]
    drawn = [pool.take(n) for n in sizes]
    assert [len(d) for d in drawn] == sizes
    assert set("".join(drawn)) <= set(string.digits)
    ids = {Randomness().id("x") for _ in range(2000)}
    assert len(ids) == 2000
