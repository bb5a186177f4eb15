"""Places on the evidence app's pages that apps above it fill (pilotbook.web.sections, ADR 0017).

- The pooled group page's `below`: under the group, the discussion of it (pilotbook.site joins discussion and
  evidence, which are independent features: site/discussion_targets.py).
"""

from pilotbook.web.sections import Page

pooled_group_page = Page("pooled group", places=("below",))
