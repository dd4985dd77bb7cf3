"""Importing and exporting the org chart (``people.orgchart_views``)."""

from django.urls import path

from lineofsight.people import orgchart_views

urlpatterns = [
    path("organisation/import/", orgchart_views.import_page, name="orgchart-import"),
    path("organisation/import/apply/", orgchart_views.apply_page, name="orgchart-apply"),
    path(
        "organisation/import/template.csv",
        orgchart_views.template_file,
        {"fmt": "csv"},
        name="orgchart-template-csv",
    ),
    path(
        "organisation/import/template.xlsx",
        orgchart_views.template_file,
        {"fmt": "xlsx"},
        name="orgchart-template-xlsx",
    ),
    path("organisation/export/", orgchart_views.export_file, name="orgchart-export"),
]
