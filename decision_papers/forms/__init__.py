"""Form packs: where they are (``packs``) and what each says about its form (``descriptor``).

The form is data, not code: a body's sections, words, numbering, sign-offs
and date rules are in its pack's ``form.json``, checked against
``schema/form.schema.json``.
"""
