"""The words of the recognition notifications. Pure: plain values in, a subject and a body out.

Two moments: someone received kudos (to them), and HR decided a spot-bonus nomination (to
the nominator only: the nominee is never told about a nomination).
"""

from __future__ import annotations

from lineofsight.integrations.compose import Message


def kudos_received(*, name: str, author: str, message: str, url: str) -> Message:
    return Message(
        subject=f"{author} gave you kudos",
        body="\n".join(
            [
                f"Hello {name},",
                "",
                f"{author} gave you kudos:",
                "",
                *(f"> {line}" for line in message.splitlines() or [""]),
                "",
                f"See your kudos: {url}",
            ]
        ),
    )


def nomination_decided(
    *, name: str, nominee: str, decision: str, decided_by: str, note: str, url: str
) -> Message:
    return Message(
        subject=f"Your spot-bonus nomination of {nominee} was {decision}",
        body="\n".join(
            [
                f"Hello {name},",
                "",
                f"{decided_by} {decision} your spot-bonus nomination of {nominee}.",
                "",
                *(f"> {line}" for line in note.splitlines() or [""]),
                "",
                f"The nomination: {url}",
            ]
        ),
    )
