"""Places on the materials app's pages that apps above it fill (pilotbook.web.sections, ADR 0017).

- The material page's `below`: under the material, the discussion of it (pilotbook.site joins discussion and
  materials, which are independent features: site/discussion_targets.py).
"""

from pilotbook.web.sections import Page

material_page = Page("material", places=("below",))
