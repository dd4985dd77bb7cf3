"""Browser pages for OKRs. The paths are part of the product's contract (tests and
benchmarks use them); every one has a name."""

from django.urls import path

from lineofsight.goals import check_in_screen, directory, views
from lineofsight.goals.editing import (
    abandoning,
    alignment_links,
    alignment_picker,
    blockers,
    drafting,
    initiatives,
    key_results,
    objectives,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("tree/", views.tree, name="tree"),
    path("people/", directory.people_list, name="people"),
    path("people/<int:person_id>/", directory.person_detail, name="person"),
    path("teams/", directory.team_list, name="teams"),
    path("teams/<int:team_id>/", directory.team_detail, name="team"),
    path("check-in/", check_in_screen.check_in_screen, name="check-in"),
    path("blockers/<int:blocker_id>/", blockers.blocker_detail, name="blocker"),
    path("blockers/<int:blocker_id>/state/", blockers.blocker_state, name="blocker-state"),
    path("blockers/<int:blocker_id>/assign/", blockers.blocker_assign, name="blocker-assign"),
    path("tree/<int:objective_id>/children/", views.tree_children, name="tree-children"),
    path("objectives/new/", objectives.objective_new, name="objective-new"),
    path("objectives/<int:objective_id>/share/", drafting.objective_share, name="objective-share"),
    path(
        "objectives/<int:objective_id>/propose/",
        drafting.objective_propose,
        name="objective-propose",
    ),
    path(
        "objectives/<int:objective_id>/approve/",
        drafting.objective_approve,
        name="objective-approve",
    ),
    path(
        "objectives/<int:objective_id>/request-changes/",
        drafting.objective_request_changes,
        name="objective-request-changes",
    ),
    path(
        "objectives/<int:objective_id>/activate/",
        drafting.objective_activate,
        name="objective-activate",
    ),
    path("objectives/<int:objective_id>/copy/", drafting.objective_copy, name="objective-copy"),
    path("templates/", drafting.okr_templates, name="okr-templates"),
    path("templates/new/", drafting.okr_template_new, name="okr-template-new"),
    path(
        "templates/<int:template_id>/edit/", drafting.okr_template_edit, name="okr-template-edit"
    ),
    path(
        "templates/<int:template_id>/retire/",
        drafting.okr_template_retire,
        name="okr-template-retire",
    ),
    path("plan/", drafting.plan_next_cycle, name="plan"),
    path("plan/next-cycle/", drafting.plan_create_cycle, name="plan-create-cycle"),
    path("objectives/<int:objective_id>/", views.objective_detail, name="objective"),
    path(
        "objectives/<int:objective_id>/explain/",
        views.objective_explain,
        name="objective-explain",
    ),
    path(
        "objectives/<int:objective_id>/history/",
        views.objective_history,
        name="objective-history",
    ),
    path("objectives/<int:objective_id>/edit/", objectives.objective_edit, name="objective-edit"),
    path(
        "objectives/<int:objective_id>/abandon/",
        abandoning.objective_abandon,
        name="objective-abandon",
    ),
    path(
        "objectives/<int:objective_id>/alignment-candidates/",
        alignment_picker.alignment_candidates,
        name="objective-alignment-candidates",
    ),
    path(
        "alignment-candidates/",
        alignment_picker.alignment_candidates_new,
        name="alignment-candidates",
    ),
    path(
        "objectives/<int:objective_id>/align/",
        alignment_links.objective_align,
        name="objective-align",
    ),
    path("links/<int:link_id>/end/", alignment_links.link_end, name="link-end"),
    path("links/<int:link_id>/change/", alignment_links.link_change, name="link-change"),
    path("links/<int:link_id>/decide/", alignment_links.link_decide, name="link-decide"),
    path(
        "objectives/<int:objective_id>/key-results/new/",
        key_results.key_result_new,
        name="key-result-new",
    ),
    path(
        "key-results/<int:key_result_id>/check-in/",
        views.key_result_check_in,
        name="key-result-check-in",
    ),
    path(
        "key-results/<int:key_result_id>/explain/",
        views.key_result_explain,
        name="key-result-explain",
    ),
    path(
        "key-results/<int:key_result_id>/edit/", key_results.key_result_edit, name="key-result-edit"
    ),
    path(
        "key-results/<int:key_result_id>/abandon/",
        abandoning.key_result_abandon,
        name="key-result-abandon",
    ),
    path(
        "key-results/<int:key_result_id>/initiatives/new/",
        initiatives.initiative_new,
        name="initiative-new",
    ),
    path(
        "initiatives/<int:initiative_id>/edit/", initiatives.initiative_edit, name="initiative-edit"
    ),
]
