"""ISO 6346 container numbers: owner code, category, serial number and check digit.

Pure Python. A number such as ``CSQU3054383`` is three owner letters, a category letter
(U freight container, J detachable equipment, Z trailer or chassis), six serial digits and
a check digit computed from the first ten characters.
"""

import re
import string

# Letter values skip 11 and its multiples: A=10, B=12 ... K=21, L=23 ... U=32, V=34 ... Z=38.
_VALUES = {}
_value = 10
for _letter in string.ascii_uppercase:
    if _value % 11 == 0:
        _value += 1
    _VALUES[_letter] = _value
    _value += 1
_VALUES.update({str(d): d for d in range(10)})

_SHAPE = re.compile(r"^[A-Z]{3}[UJZ]\d{6}\d$")


class ContainerNumberError(ValueError):
    pass


def normalise(number: str) -> str:
    """Upper case, without the spaces, dashes and dots people write between the parts."""
    return re.sub(r"[\s\-./]", "", number or "").upper()


def check_digit(first_ten: str) -> int:
    """The check digit of the owner code, category and serial number (10 characters)."""
    text = normalise(first_ten)
    if len(text) != 10 or not re.fullmatch(r"[A-Z]{4}\d{6}", text):
        raise ContainerNumberError("Give 4 letters and 6 digits to compute a check digit.")
    total = sum(_VALUES[ch] * 2**position for position, ch in enumerate(text))
    return total % 11 % 10


def validate(number: str) -> str:
    """The normalised container number, or ContainerNumberError saying what is wrong."""
    text = normalise(number)
    if len(text) != 11:
        raise ContainerNumberError(
            f"A container number has 11 characters (4 letters, 7 digits); {number!r} has "
            f"{len(text)}."
        )
    if not re.fullmatch(r"[A-Z]{4}\d{7}", text):
        raise ContainerNumberError("A container number is 4 letters followed by 7 digits.")
    if not _SHAPE.match(text):
        raise ContainerNumberError(
            "The fourth letter is the equipment category: U (container), J or Z."
        )
    expected = check_digit(text[:10])
    if int(text[10]) != expected:
        raise ContainerNumberError(
            f"The check digit of {text[:10]} is {expected}, not {text[10]}: a digit was "
            "probably misread."
        )
    return text
