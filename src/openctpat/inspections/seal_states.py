"""The life of a high-security seal, as a state machine (pure Python).

in stock → issued → applied → verified → removed; any seal not yet removed can instead be
lost, damaged or voided (with a reason). Every other move is refused with a message that
says what the seal's state allows.
"""

from enum import StrEnum


class SealState(StrEnum):
    IN_STOCK = "in_stock"
    ISSUED = "issued"
    APPLIED = "applied"
    VERIFIED = "verified"
    REMOVED = "removed"
    LOST = "lost"
    DAMAGED = "damaged"
    VOIDED = "voided"


class SealEvent(StrEnum):
    ISSUE = "issue"
    RETURN = "return"  # an issued seal goes back to stock unused
    APPLY = "apply"
    VERIFY = "verify"
    REMOVE = "remove"
    LOSE = "lose"
    DAMAGE = "damage"
    VOID = "void"


_WRITE_OFF = {
    SealEvent.LOSE: SealState.LOST,
    SealEvent.DAMAGE: SealState.DAMAGED,
    SealEvent.VOID: SealState.VOIDED,
}
_LIVE = (SealState.IN_STOCK, SealState.ISSUED, SealState.APPLIED, SealState.VERIFIED)

TRANSITIONS: dict[tuple[SealState, SealEvent], SealState] = {
    (SealState.IN_STOCK, SealEvent.ISSUE): SealState.ISSUED,
    (SealState.ISSUED, SealEvent.RETURN): SealState.IN_STOCK,
    (SealState.ISSUED, SealEvent.APPLY): SealState.APPLIED,
    (SealState.APPLIED, SealEvent.VERIFY): SealState.VERIFIED,
    (SealState.APPLIED, SealEvent.REMOVE): SealState.REMOVED,
    (SealState.VERIFIED, SealEvent.REMOVE): SealState.REMOVED,
    **{(state, event): end for state in _LIVE for event, end in _WRITE_OFF.items()},
}
# Events that need a written reason.
NEEDS_REASON = frozenset({SealEvent.LOSE, SealEvent.DAMAGE, SealEvent.VOID})


class IllegalTransition(ValueError):
    def __init__(self, state: SealState, event: SealEvent):
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s == state)
        what = ", ".join(allowed) if allowed else "nothing: its life is over"
        super().__init__(
            f"A seal that is {state.value.replace('_', ' ')} cannot be "
            f"{_PAST[event]}; it allows {what}."
        )
        self.state = state
        self.event = event


_PAST = {
    SealEvent.ISSUE: "issued",
    SealEvent.RETURN: "returned to stock",
    SealEvent.APPLY: "applied",
    SealEvent.VERIFY: "verified",
    SealEvent.REMOVE: "removed",
    SealEvent.LOSE: "reported lost",
    SealEvent.DAMAGE: "reported damaged",
    SealEvent.VOID: "voided",
}


def next_state(state: SealState | str, event: SealEvent | str, reason: str = "") -> SealState:
    """The state after ``event``, or IllegalTransition / ValueError (a reason is missing)."""
    state, event = SealState(state), SealEvent(event)
    try:
        end = TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(state, event) from None
    if event in NEEDS_REASON and not reason.strip():
        raise ValueError(f"Say why the seal is {_PAST[event]}.")
    return end
