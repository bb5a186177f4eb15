"""Pages that combine several domains (ADR 0017, the top layer): home, about, the councils' list and a council's
page, a person's dashboard and the first registration page with its "has this been tried" step. Everything below
knows nothing of this package."""
