"""Small template helpers for rendering GOV.UK Frontend components."""

from django import template
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pilotbook.web.tables import stack

register = template.Library()


@register.simple_tag
def describedby(field_id, hint, errors):
    """aria-describedby pointing at the hint and error message, when there are any."""
    ids = [f"{field_id}-hint"] if hint else []
    if errors:
        ids.append(f"{field_id}-error")
    return format_html(' aria-describedby="{}"', " ".join(ids)) if ids else ""


@register.simple_tag
def input_type_attrs(bound_field):
    """Numbers use type=text with an inputmode, as the design system advises; others keep their type."""
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "text")
    if input_type == "number":
        mode = "numeric" if bound_field.field.__class__.__name__ == "IntegerField" else "decimal"
        return format_html('type="text" inputmode="{}" spellcheck="false"', mode)
    return format_html('type="{}"', input_type)


# The blank choice Django adds to a model field's choices and to a model choice field ("---------").
BLANK_LABEL = BLANK_CHOICE_DASH[0][1]


@register.simple_tag
def choice_options(bound_field):
    """The options of a radios, checkboxes or select field, as the design system wants them.

    Django's "---------" blank choice is never shown as an answer: radios and checkboxes leave it out (nothing is
    chosen until the person chooses), and a select shows it as a prompt that is not an answer, such as "Choose a
    service area" (the widget's `prompt`, set through GovukFormMixin.select_prompts; "Choose one" otherwise).
    A required field left on the prompt or with nothing chosen gets the field's own "Select ..." message.
    """
    options = []
    for option in bound_field.subwidgets:
        blank = option.data["value"] in ("", None) and str(option.data["label"]) == BLANK_LABEL
        if blank and bound_field.widget_type != "select":
            continue
        if blank:
            option.data["label"] = bound_field.field.widget.attrs.get("prompt") or _("Choose one")
        options.append(option)
    return options


@register.filter
def choice_kind(widget_type):
    return "radios" if widget_type == "radioselect" else "checkboxes"


@register.simple_tag
def error_items(forms):
    """(link, message) pairs for the error summary of one form or several; form-wide errors link to the top."""
    if not forms:  # unset in the page's context: the template engine passes ""
        return []
    if not isinstance(forms, (list, tuple)):
        forms = [forms]
    items = []
    for form in forms:
        if not hasattr(form, "non_field_errors"):
            continue
        items += [("#main-content", error) for error in form.non_field_errors()]
        for field in form:
            items += [(f"#{field.id_for_label}", error) for error in field.errors]
    return items


class StackedTableNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return mark_safe(stack(self.nodelist.render(context)))  # noqa: S308 - rendered template output, escaped


@register.tag
def stacked_table(parser, token):
    """{% stacked_table %}<table>...</table>{% endstacked_table %}: the table shows as stacked, labelled rows
    on a narrow screen instead of making the page scroll sideways (pilotbook.web.tables)."""
    nodelist = parser.parse(("endstacked_table",))
    parser.delete_first_token()
    return StackedTableNode(nodelist)
