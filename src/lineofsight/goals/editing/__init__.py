"""Creating and editing OKRs in the browser: objectives (with the alignment picker), key
results, initiatives and alignment links.

Each view checks shapes with a form, writes through one named action (or, for a new
objective with its alignment, two actions in one transaction so nothing is half saved), and
puts the action's errors back on the field they name.

One module per concept: ``objectives``, ``key_results``, ``initiatives``,
``alignment_links`` and ``alignment_picker`` (the searchable list of parents the objective
forms share). ``_common`` holds the choices and look-ups for the forms and ``form_page``, the
one way an editing page shows its form and saves it.
"""
