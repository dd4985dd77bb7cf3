"""The whole OKR graph, exported and imported in an open format.

* ``graph``: the JSON format (``schema/okr-graph-1.json``), this installation's id, the
  export (everything as HR, or what one person may see; by cycle or all), streamed;
* ``spreadsheet``: the flat CSV/XLSX layout of objectives, key results and check-ins, its
  template, read into the same structure as a JSON file;
* ``reading``: reading and checking a file (JSON against the schema, or a spreadsheet);
* ``plan``: what importing a checked file would create and change (the dry-run);
* ``apply``: applying a plan in bulk, all or nothing, with one audit row.

Documented in ``docs/export-format.md``.
"""
