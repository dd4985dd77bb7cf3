import pytest

from lineofsight.goals import actions, rollup
from lineofsight.goals.models import Objective

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def test_worked_example_rolls_up(cast):
    c = build_cascade(cast)
    for kr, value in [(c.ava_opps, 22), (c.ava_legal, 8), (c.ava_closes, 5)]:
        actions.record_check_in(
            acting_user=cast.ava, key_result=kr, value=value, confidence="at_risk"
        )
    ava = Objective.objects.get(pk=c.ava_obj.pk)
    expected = (22 / 25 + 8 / 10 + 5 / 6) / 3
    assert ava.progress == pytest.approx(expected)
    sales = Objective.objects.get(pk=c.sales.pk)
    assert sales.progress == pytest.approx((0 + expected) / 2)
    diffs, checked = rollup.verify()
    assert diffs == []
    assert checked > 5


def test_selectors_tree_and_privacy(cast, django_assert_max_num_queries):
    from lineofsight.goals import selectors

    c = build_cascade(cast)
    actions.update_objective(acting_user=cast.ava, objective=c.ava_obj, visibility="private")
    roots = selectors.tree_roots(cast.otto, cast.q4)
    assert [r.objective.pk for r in roots] == [c.company.pk]
    kids = selectors.tree_children(cast.otto, c.sales)
    assert kids == []
    sales_card = selectors.tree_children(cast.otto, c.company)
    assert {k.objective.pk for k in sales_card} == {c.sales.pk, c.platform.pk}
    with django_assert_max_num_queries(8):
        cards = selectors.tree_children(cast.sam, c.sales)
    assert [k.objective.pk for k in cards] == [c.ava_obj.pk]
    sales_for_otto = selectors.cards(cast.otto, [c.sales])[0]
    assert sales_for_otto.hidden_child_count == 1
    fig = selectors.explain_objective(cast.otto, c.sales)
    assert selectors.HIDDEN_LABEL in [t.label for t in fig.explanation.terms]
    page = selectors.objective_page(cast.ava, c.ava_obj)
    assert len(page.key_results) == 3
