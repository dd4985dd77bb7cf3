"""Writes to OKRs: cycles, objectives, key results, initiatives, alignment, check-ins.

Every action takes keyword-only arguments and ``acting_user``, checks the access policy and
its input before touching anything, runs in one transaction, writes an audit row and keeps
the stored roll-ups current. Bad input raises ``InvalidInput`` naming the field; a refused
change raises ``NotAllowed``. Either way nothing has been written.

In a closed cycle only HR may change anything, and must say why (``amendment_reason``); the
reason is kept on the audit row (and on the check-in, for readings).

The actions live in one module per concept (``cycles``, ``objectives``, ``key_results``,
``check_ins``, ``initiatives``, ``alignment_links``), with the checks they share in
``_common``. Callers use them from here: ``from lineofsight.goals import actions``.
"""

from lineofsight.goals.actions._common import TEXT_MAX, TITLE_MAX
from lineofsight.goals.actions.alignment_links import (
    align_objective,
    change_alignment,
    end_alignment,
)
from lineofsight.goals.actions.check_ins import record_check_in
from lineofsight.goals.actions.cycles import create_cycle, cycle_errors, set_cycle_state
from lineofsight.goals.actions.initiatives import create_initiative, update_initiative
from lineofsight.goals.actions.key_results import (
    KEY_RESULT_DEFINITION_FIELDS,
    SCORING_FIELDS,
    create_key_result,
    update_key_result,
)
from lineofsight.goals.actions.objectives import (
    OBJECTIVE_DEFINITION_FIELDS,
    create_objective,
    update_objective,
)

__all__ = [
    "KEY_RESULT_DEFINITION_FIELDS",
    "OBJECTIVE_DEFINITION_FIELDS",
    "SCORING_FIELDS",
    "TEXT_MAX",
    "TITLE_MAX",
    "align_objective",
    "change_alignment",
    "create_cycle",
    "cycle_errors",
    "create_initiative",
    "create_key_result",
    "create_objective",
    "end_alignment",
    "record_check_in",
    "set_cycle_state",
    "update_initiative",
    "update_key_result",
    "update_objective",
]
