"""What the registry shows from the apps built on it, without naming them (ADR 0017).

The registry sits below the features (evidence, discussion, hack days, materials...), so neither its Python nor its
templates name them. Where its pilot page shows something a feature works out, the page has a place for it
(pilotbook.web.sections), and the feature adds its section, with its own template, in its AppConfig.ready():

    # pilotbook/hackdays/apps.py
    def ready(self):
        from pilotbook.pilots.extensions import pilot_page
        pilot_page.add("after_actions", "hack-day origin", template="hackdays/includes/pilot_origin.html",
                       context=presenters.pilot_origin)

The places, in the page's order:
- after_actions: under "What to do next" (hack days: the idea the pilot came from);
- after_result: under the result, before the registration record (materials: what the pilot attached or used);
- end: the last part of the pilot's record (evidence: "Similar pilots elsewhere");
- below: under the record, outside it (discussion: the pilot's thread).

The first three are part of the pilot's record, which is cached once per audience and data version
(pilotbook.pilots.views.detail, ADR 0020): a section there may depend on who is reading only through the
audience (pilotbook.pilots.access.audience), never on the person. `below` is rendered on every request, for the
person reading. Without the feature installed a place is empty.
"""

from pilotbook.web.sections import Page

pilot_page = Page("pilot", places=("after_actions", "after_result", "end", "below"))
