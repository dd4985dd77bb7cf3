"""Pages: a key result's data source (``/key-results/<id>/source/``), the sources on an
objective's page (a fragment it loads) and the list of sources one manages
(``/settings/data-sources/``).

Whoever sees the key result sees that it is connected, where its readings come from and the
latest of them; only those who may edit it see the settings (never the secret) and connect,
change, sync or remove the source.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.goals.models import KeyResult
from lineofsight.goals.selectors import get_objective_for_user
from lineofsight.integrations.sources import actions, kinds, selectors
from lineofsight.integrations.sources.models import DataSource

# The form's fieldsets: the kinds each serves, its legend, the settings in it (a setting two
# kinds share is in one fieldset, so the form holds one input of each name) and the kind
# whose secret it explains.
GROUPS = [
    (("http_json", "csv"), "The address", ("url", "header_name"), "http_json"),
    (("http_json",), "JSON at an address", ("json_path",), None),
    (("csv",), "CSV at an address", ("column", "row", "match_column", "match_value"), None),
    (("sql",), "SQL query", ("query",), "sql"),
    (("jira",), "Jira", ("site", "email", "jql"), "jira"),
    (("salesforce",), "Salesforce", ("instance", "report_id", "api_version"), "salesforce"),
    (("hubspot",), "HubSpot", ("object_type", "filters", "base_url"), "hubspot"),
]
SECRET_HELP = {
    kinds.HTTP_JSON: "sent in the header named above, if any",
    kinds.CSV: "sent in the header named above, if any",
    kinds.SQL: "sqlite:////path/to/file.db or postgresql://user:password@host:5432/name",
    kinds.JIRA: "an API token of the account above",
    kinds.SALESFORCE: "an OAuth access token that may run the report",
    kinds.HUBSPOT: "a private app's access token with CRM read scopes",
}


def _text(label: str, help_text: str = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"spellcheck": "false", **attrs}),
    )


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of source", choices=DataSource.Kind.choices)
    schedule = forms.ChoiceField(
        label="Read it",
        choices=DataSource.Schedule.choices,
        initial=DataSource.Schedule.DAILY,
    )
    url = _text("Address", "An https:// address answering the document.", type="url")
    json_path = _text("JSONPath to the number", "For example $.data.total or $.items[0].count.")
    header_name = _text("Header for the secret (optional)", "For example X-Api-Key.")
    column = _text("Column with the number")
    row = forms.ChoiceField(
        label="Row",
        required=False,
        choices=[("last", "The last row"), ("match", "The row where a column has a value")],
    )
    match_column = _text("Match column")
    match_value = _text("Match value")
    query = forms.CharField(
        label="Query",
        required=False,
        help_text="One SELECT answering one row of one column; run read-only.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    site = _text("Jira site", "https://your-team.atlassian.net", type="url")
    email = _text("Jira account email", type="email")
    jql = _text("JQL", "The issues counted, e.g. project = OPS AND status = Done.")
    instance = _text("Salesforce address", "https://your-domain.my.salesforce.com", type="url")
    report_id = _text("Report id", "The report's grand total is read.")
    api_version = _text("API version", f"Default {kinds.SALESFORCE_VERSION}.")
    base_url = _text("HubSpot API address", f"Default {kinds.HUBSPOT_API}.", type="url")
    object_type = forms.ChoiceField(
        label="Objects",
        required=False,
        choices=[(o, o.capitalize()) for o in kinds.HUBSPOT_OBJECTS],
    )
    filters = forms.CharField(
        label="Filter groups (JSON, optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label="Secret",
        required=False,
        max_length=4000,
        help_text="Kept encrypted and never shown again; leave empty to keep the stored one.",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    state = forms.ChoiceField(
        label="State", required=False, choices=DataSource.State.choices, initial="active"
    )

    def __init__(self, *args: Any, source: DataSource | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        if source is not None:
            # The kind stays what it is: remove the source to connect another kind.
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = source.kind
        else:
            del self.fields["state"]

    def groups(self) -> list[dict[str, Any]]:
        chosen = self.source.kind if self.source else None
        return [
            {
                "kinds": " ".join(served),
                "label": label,
                "fields": [self[f] for f in names],
                "secret": f"{kinds.KINDS[key].secret_label}: {SECRET_HELP[key]}" if key else "",
            }
            for served, label, names, key in GROUPS
            if chosen is None or chosen in served
        ]


def _source_page(
    request: SignedInRequest,
    kr: KeyResult,
    source: DataSource | None,
    form: SourceForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    viewer = selectors.viewer_of(request.user)
    can_manage = viewer.can_manage_data_source(kr)
    if can_manage and form is None:
        initial: dict[str, Any] = {}
        if source is not None:
            initial = {
                **source.config,
                "kind": source.kind,
                "schedule": source.schedule,
                "state": source.state,
            }
        form = SourceForm(initial=initial, source=source)
    return render_page(
        request,
        "integrations/source.html",
        {
            "nav": "tree",
            "kr": kr,
            "source": source,
            "origin": kinds.describe(source.kind, source.config) if source else "",
            "readings": selectors.readings_of(source) if source else [],
            "can_manage": can_manage,
            "form": form if can_manage else None,
            "problem": actions.key_result_problem(kr),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def key_result_source(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    kr, source = selectors.key_result_and_source(request.user, key_result_id)
    if request.method == "GET":
        return _source_page(request, kr, source)
    actions.check_manage(request.user, kr)
    form = SourceForm(request.POST, source=source)
    if form.is_valid():
        data = form.cleaned_data
        config = {f: data.get(f, "") for f in kinds.ALL_FIELDS}
        try:
            if source is None:
                actions.create_source(
                    acting_user=request.user,
                    key_result=kr,
                    kind=data["kind"],
                    config=config,
                    secret=data.get("secret") or "",
                    schedule=data["schedule"],
                )
                messages.success(request, "Data source connected.")
            else:
                actions.update_source(
                    acting_user=request.user,
                    source=source,
                    config={f: config[f] for f in kinds.KINDS[source.kind].fields},
                    secret=data.get("secret") or None,
                    schedule=data["schedule"],
                    state=data.get("state") or None,
                )
                messages.success(request, "Data source saved.")
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("key-result-source", kr.pk)
    return _source_page(request, kr, source, form, status=422)


@page
@require_POST
def key_result_source_sync(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    kr, source = selectors.key_result_and_source(request.user, key_result_id)
    actions.check_manage(request.user, kr)
    if source is None:
        messages.error(request, "This key result has no data source to sync.")
        return redirect("key-result-source", kr.pk)
    result = actions.sync_source(acting_user=request.user, source=source, trigger="sync")
    if result.outcome == "failed":
        messages.error(request, f"The read failed: {result.message}")
    else:
        messages.success(request, result.message)
    return redirect("key-result-source", kr.pk)


@page
@require_POST
def key_result_source_remove(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    kr, source = selectors.key_result_and_source(request.user, key_result_id)
    actions.check_manage(request.user, kr)
    if source is not None:
        actions.delete_source(acting_user=request.user, source=source)
        messages.success(request, "Data source removed; the check-ins it recorded stay.")
    return redirect("key-result-source", kr.pk)


@page
@require_GET
def objective_sources(request: SignedInRequest, objective_id: int) -> HttpResponse:
    """The objective page's list of its key results' sources (empty when none)."""
    objective = get_objective_for_user(request.user, objective_id)
    sources = selectors.sources_on_objective(request.user, objective)
    return render_page(
        request,
        "integrations/objective_sources.html",
        {"objective": objective, "sources": sources},
    )


@page
@require_GET
def data_source_list(request: SignedInRequest) -> HttpResponse:
    return render_page(
        request,
        "integrations/sources.html",
        {"nav": "data-sources", "sources": selectors.managed_sources_for_user(request.user)},
    )
