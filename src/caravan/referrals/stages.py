"""The referral pathway as a state machine: which stage may follow which. Plain Python."""

RECEIVED = "received"
PRE_ASSESSMENT = "pre_assessment"
OFFERS = "offers"
ACCEPTED = "accepted"
LETTER_ISSUED = "letter_issued"
ARRIVED = "arrived"
ADMITTED = "admitted"
DISCHARGED = "discharged"
FOLLOW_UP = "follow_up"
CLOSED = "closed"
DECLINED = "declined"
WITHDRAWN = "withdrawn"

PATHWAY = (RECEIVED, PRE_ASSESSMENT, OFFERS, ACCEPTED, LETTER_ISSUED, ARRIVED, ADMITTED, DISCHARGED, FOLLOW_UP,
           CLOSED)
ENDED = frozenset({CLOSED, DECLINED, WITHDRAWN})
OPEN = tuple(s for s in PATHWAY if s not in ENDED)

# The next stage of the pathway; `accepted` and `letter_issued` are reached only through
# accepting an offer and issuing the letter, which carry their own checks.
_NEXT = {a: b for a, b in zip(PATHWAY, PATHWAY[1:], strict=False)}
# Stages a referral may be declined in (by the receiving side) or withdrawn from (by the referring side).
STOPPABLE = frozenset({RECEIVED, PRE_ASSESSMENT, OFFERS, ACCEPTED, LETTER_ISSUED})


def allowed(current: str, target: str) -> bool:
    if current in ENDED:
        return False
    if target in (DECLINED, WITHDRAWN):
        return current in STOPPABLE
    return _NEXT.get(current) == target


def next_of(current: str) -> str | None:
    return None if current in ENDED else _NEXT.get(current)
