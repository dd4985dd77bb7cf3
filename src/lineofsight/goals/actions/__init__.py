"""Writes to OKRs: cycles, objectives, key results, initiatives, alignment, check-ins.

Every action takes keyword-only arguments and ``acting_user``, checks the access policy and
its input before touching anything, runs in one transaction, writes an audit row and keeps
the stored roll-ups current. Bad input raises ``InvalidInput`` naming the field; a refused
change raises ``NotAllowed``. Either way nothing has been written.

In a closed cycle only HR may change anything, and must say why (``amendment_reason``); the
reason is kept on the audit row (and on the check-in, for readings).

The actions live in one module per concept (``cycles``, ``objectives``, ``key_results``,
``check_ins``, ``blockers``, ``initiatives``, ``alignment_links``, ``closing``), with the
checks they share in ``_common``. Callers use them from here:
``from lineofsight.goals import actions``.
"""

from lineofsight.goals.actions._common import TEXT_MAX, TITLE_MAX
from lineofsight.goals.actions.abandoning import abandon_key_result, abandon_objective
from lineofsight.goals.actions.alignment_links import (
    accept_alignment,
    align_objective,
    change_alignment,
    decline_alignment,
    end_alignment,
)
from lineofsight.goals.actions.blockers import (
    BlockerInput,
    assign_blocker,
    raise_blockers,
    record_blocker_escalations,
    set_blocker_state,
    update_blocker,
)
from lineofsight.goals.actions.cadence import set_cycle_cadence
from lineofsight.goals.actions.check_ins import record_check_in
from lineofsight.goals.actions.closing import (
    adjust_key_result_grade,
    adjust_objective_grade,
    carry_over_key_result,
    next_cycle,
    plan_carry_over,
    regrade_cycle,
    save_retrospective,
)
from lineofsight.goals.actions.cycles import (
    create_cycle,
    create_following_cycle,
    create_quarter,
    cycle_errors,
    following_cycle_dates,
    next_quarter_dates,
    set_cycle_state,
    update_cycle,
)
from lineofsight.goals.actions.drafting import (
    KEY_RESULTS_MAX,
    KeyResultInput,
    activate_draft,
    approve_objective,
    copy_objective_to_cycle,
    create_objective_with_key_results,
    plan_copy,
    propose_objective,
    request_changes,
    share_draft,
)
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
from lineofsight.goals.actions.team_retrospectives import (
    publish_team_retrospective,
    save_team_retrospective,
)
from lineofsight.goals.actions.templates import create_template, retire_template, update_template

__all__ = [
    "publish_team_retrospective",
    "save_team_retrospective",
    "KEY_RESULTS_MAX",
    "KeyResultInput",
    "activate_draft",
    "approve_objective",
    "copy_objective_to_cycle",
    "create_objective_with_key_results",
    "plan_copy",
    "propose_objective",
    "request_changes",
    "share_draft",
    "create_template",
    "update_template",
    "retire_template",
    "BlockerInput",
    "assign_blocker",
    "update_blocker",
    "raise_blockers",
    "record_blocker_escalations",
    "set_blocker_state",
    "accept_alignment",
    "decline_alignment",
    "KEY_RESULT_DEFINITION_FIELDS",
    "OBJECTIVE_DEFINITION_FIELDS",
    "SCORING_FIELDS",
    "TEXT_MAX",
    "TITLE_MAX",
    "abandon_key_result",
    "abandon_objective",
    "adjust_key_result_grade",
    "adjust_objective_grade",
    "align_objective",
    "carry_over_key_result",
    "plan_carry_over",
    "change_alignment",
    "create_cycle",
    "create_following_cycle",
    "create_quarter",
    "following_cycle_dates",
    "next_quarter_dates",
    "update_cycle",
    "cycle_errors",
    "create_initiative",
    "create_key_result",
    "create_objective",
    "end_alignment",
    "next_cycle",
    "record_check_in",
    "regrade_cycle",
    "save_retrospective",
    "set_cycle_cadence",
    "set_cycle_state",
    "update_initiative",
    "update_key_result",
    "update_objective",
]
