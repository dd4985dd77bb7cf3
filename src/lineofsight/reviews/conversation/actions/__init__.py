"""Writes of the review conversation: feedback (draft and submit), peer requests and their
approval, upward feedback, sharing, acknowledgement and amendments.

Every action takes keyword-only arguments and ``acting_user``, asks the access policy
(``reviews/access.py``) before anything else, checks its input, runs in one transaction,
writes an audit row and sends its notifications once committed. A refused change raises
``NotAllowed``; bad input (or a step out of phase) raises ``InvalidInput`` naming the field or
question. Either way nothing is written.
"""

from lineofsight.reviews.conversation.actions.feedback import (
    UNSET,
    AnswerIn,
    save_feedback,
    submit_feedback,
)
from lineofsight.reviews.conversation.actions.one_on_one_notes import (
    add_one_on_one_note,
    review_for_one_on_one,
)
from lineofsight.reviews.conversation.actions.requests import (
    approve_feedback_request,
    decline_feedback_request,
    request_peer_feedback,
    start_upward_feedback,
)
from lineofsight.reviews.conversation.actions.sharing import (
    acknowledge_review,
    amend_review,
    share_review,
)

__all__ = [
    "UNSET",
    "AnswerIn",
    "acknowledge_review",
    "add_one_on_one_note",
    "amend_review",
    "approve_feedback_request",
    "decline_feedback_request",
    "request_peer_feedback",
    "review_for_one_on_one",
    "save_feedback",
    "share_review",
    "start_upward_feedback",
    "submit_feedback",
]
