"""Numbers of any length are read (issue 29): digit strings past Python's 4,300-digit limit on
int conversion, and past ``MAX_CARDINAL_DIGITS``, are read digit by digit, in linear time."""

import gc
import time

import pytest

from bittts.engine.text.normalize import normalize_to_text
from bittts.engine.text.normalize.numwords import MAX_CARDINAL_DIGITS, cardinal, ordinal

N = 5_000  # past sys.get_int_max_str_digits() (4,300): int("9" * N) raises ValueError
NINES = " ".join(["nine"] * N)

CASES = {
    "$" + "9" * N: NINES + " dollars",
    "$" + "9" * N + ".50": NINES + " dollars and fifty cents",
    "USD " + "9" * N: NINES + " dollars",
    "9" * N + "th": " ".join(["nine"] * (N - 1)) + " ninth",
    "9" * N: NINES,
    "9" * N + "/3": NINES + " three",
    "1/" + "9" * N: "one " + NINES,
    "9" * N + ":5": NINES + " to five",
    "9" * N + " 1/2": NINES + " and a half",
    "9" * N + "%": NINES + " percent",
}


@pytest.mark.parametrize("text", list(CASES), ids=lambda t: t[:3] + "..." + t[-3:])
def test_very_long_numbers_are_read_digit_by_digit(text):
    assert normalize_to_text(text) == CASES[text]


def test_cardinal_and_ordinal_take_digit_strings_of_any_length():
    assert cardinal("21") == cardinal(21) == "twenty-one"
    assert ordinal("22") == ordinal(22) == "twenty-second"
    long = "1" + "0" * MAX_CARDINAL_DIGITS
    assert cardinal(long) == "one " + " ".join(["zero"] * MAX_CARDINAL_DIGITS)
    assert cardinal(int(long)) == cardinal(long)
    assert ordinal(long) == "one " + " ".join(["zero"] * (MAX_CARDINAL_DIGITS - 1)) + " zeroth"
    assert cardinal("9" * MAX_CARDINAL_DIGITS).startswith("nine hundred ninety-nine trillion")


def test_short_amounts_read_as_before():
    assert normalize_to_text("$1.00") == "one dollar"
    assert normalize_to_text("$0.05") == "five cents"
    assert normalize_to_text("$12.50") == "twelve dollars and fifty cents"
    assert normalize_to_text("21st") == "twenty first"


def _seconds(text: str) -> float:
    # CPU time, the best of three, with the cyclic garbage collector paused: the wall clock of a
    # loaded machine would measure the load, and a full collection in a test process holding a
    # large heap would measure the heap, not the reading
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            normalize_to_text(text)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("make", [lambda n: "$" + "9" * n, lambda n: "9" * n + "th", lambda n: "9" * n])
def test_reading_long_numbers_takes_linear_time(make):
    small, large = _seconds(make(4_000)), _seconds(make(40_000))
    # ten times the digits: linear is ten times the time; quadratic would be a hundred
    assert large < 40 * small + 0.05, (small, large)
