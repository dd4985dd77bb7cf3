import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_renders(cast, cascade, as_user):
    c = as_user(cast.sam)
    urls = [
        reverse("home"),
        reverse("tree"),
        reverse("tree-children", args=[cascade.company.pk]),
        reverse("objective", args=[cascade.sales.pk]),
        reverse("objective", args=[cascade.company.pk]),
        reverse("objective-explain", args=[cascade.sales.pk]),
        reverse("objective-history", args=[cascade.sales.pk]),
        reverse("objective-new"),
        reverse("objective-new") + f"?parent={cascade.company.pk}",
        reverse("objective-new") + f"?parent_kr={cascade.logos.pk}",
        reverse("objective-edit", args=[cascade.sales.pk]),
        reverse("objective-align", args=[cascade.sales.pk]),
        reverse("objective-alignment-candidates", args=[cascade.ava_obj.pk]) + "?q=pipe",
        reverse("alignment-candidates") + f"?level=team&cycle={cast.q4.pk}&q=",
        reverse("key-result-new", args=[cascade.sales.pk]),
        reverse("key-result-edit", args=[cascade.sales_opps.pk]),
        reverse("key-result-check-in", args=[cascade.sales_opps.pk]),
        reverse("key-result-explain", args=[cascade.sales_opps.pk]),
        reverse("initiative-new", args=[cascade.sales_opps.pk]),
        reverse("people"),
        reverse("person", args=[cast.ava.pk]),
        reverse("teams"),
        reverse("team", args=[cast.sales.pk]),
        reverse("tokens"),
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, (url, response.content[:2000])
