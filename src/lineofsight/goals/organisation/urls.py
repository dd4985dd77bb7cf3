"""The organisation hub and HR's cycles page."""

from django.urls import path

from lineofsight.goals.exchange import views as exchange_views
from lineofsight.goals.organisation import views

urlpatterns = [
    path("organisation/", views.hub, name="organisation"),
    path("organisation/cycles/", views.cycle_list, name="org-cycles"),
    path("organisation/cycles/new/", views.cycle_new, name="org-cycle-new"),
    path("organisation/cycles/<int:cycle_id>/", views.cycle_edit, name="org-cycle"),
    path("organisation/cycles/<int:cycle_id>/open/", views.cycle_open, name="org-cycle-open"),
    # The OKR graph: import (HR), its templates, and the export (everyone: what they see).
    path("organisation/okrs/import/", exchange_views.import_page, name="okr-import"),
    path("organisation/okrs/import/apply/", exchange_views.apply_page, name="okr-import-apply"),
    path(
        "organisation/okrs/import/template.xlsx",
        exchange_views.template_file,
        {"fmt": "xlsx"},
        name="okr-template-xlsx",
    ),
    path(
        "organisation/okrs/import/template.csv",
        exchange_views.template_file,
        {"fmt": "csv", "sheet": "key-results"},
        name="okr-template-csv",
    ),
    path(
        "organisation/okrs/import/check-ins-template.csv",
        exchange_views.template_file,
        {"fmt": "csv", "sheet": "check-ins"},
        name="okr-template-check-ins-csv",
    ),
    path("okrs/export/", exchange_views.export_file, name="okr-export"),
]
