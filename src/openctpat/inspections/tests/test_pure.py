"""ISO 6346 check digits and the seal state machine, without a database."""

import itertools

import pytest

from openctpat.inspections import iso6346
from openctpat.inspections.seal_states import (
    TRANSITIONS,
    IllegalTransition,
    SealEvent,
    SealState,
    next_state,
)


@pytest.mark.parametrize(
    "number",
    ["CSQU3054383", "MSCU6639870", "MSCU1234566", "CSQU 305438 3", "mscu-663987-0"],
)
def test_real_container_numbers_pass(number):
    assert iso6346.validate(number) == iso6346.normalise(number)


def test_the_check_digit_is_computed_as_the_standard_says():
    # Worked example of the standard: CSQU305438 -> 3
    assert iso6346.check_digit("CSQU305438") == 3
    # A weighted sum whose remainder is 10 gives check digit 0 (TGHU000004: 2441 = 11 x 221
    # + 10).
    assert iso6346.check_digit("TGHU000004") == 0
    assert iso6346.validate("TGHU0000040") == "TGHU0000040"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("CSQU3054384", "check digit of CSQU305438 is 3, not 4"),
        ("CSQU305438", "11 characters"),
        ("CS1U3054383", "4 letters followed by 7 digits"),
        ("CSQX3054383", "equipment category"),
        ("", "11 characters"),
    ],
)
def test_bad_container_numbers_say_why(number, message):
    with pytest.raises(iso6346.ContainerNumberError, match=message):
        iso6346.validate(number)


def test_every_single_digit_misread_is_caught():
    good = "CSQU3054383"
    for position in range(4, 11):
        for digit in "0123456789":
            if digit == good[position]:
                continue
            typo = good[:position] + digit + good[position + 1 :]
            with pytest.raises(iso6346.ContainerNumberError):
                iso6346.validate(typo)


def test_the_normal_life_of_a_seal():
    state = SealState.IN_STOCK
    for event in ("issue", "apply", "verify", "remove"):
        state = next_state(state, event)
    assert state == SealState.REMOVED
    assert next_state("issued", "return") == SealState.IN_STOCK


@pytest.mark.parametrize(
    ("state", "event"),
    [(s, e) for s, e in itertools.product(SealState, SealEvent) if (s, e) not in TRANSITIONS],
)
def test_every_illegal_transition_is_refused(state, event):
    with pytest.raises(IllegalTransition) as err:
        next_state(state, event, reason="because")
    assert state.value.replace("_", " ") in str(err.value)


def test_an_applied_or_used_seal_cannot_be_applied_again():
    for state in ("applied", "verified", "removed", "voided", "in_stock"):
        with pytest.raises(IllegalTransition, match="cannot be applied"):
            next_state(state, "apply")


def test_write_offs_need_a_reason_and_end_the_seals_life():
    with pytest.raises(ValueError, match="Say why"):
        next_state("in_stock", "void")
    assert next_state("applied", "damage", reason="cut at the dock") == SealState.DAMAGED
    with pytest.raises(IllegalTransition, match="nothing: its life is over"):
        next_state("damaged", "issue")
