"""Tables reflow on a narrow screen: each body cell carries its column heading, and the table keeps its roles."""

from django.template import Context, Template

from pilotbook.web.tables import stack

TABLE = """<table class="govuk-table"><caption>Pilots</caption>
  <thead><tr><th scope="col">Pilot <span class="govuk-visually-hidden">title</span></th>
  <th scope="col" colspan="2">Result &amp; "verdict"</th><th scope="col">Status</th></tr></thead>
  <tbody><tr><th scope="row">Bin texts</th><td>Worked</td><td>+3</td><td>Published</td></tr>
  <tr><td colspan="4">No more</td></tr></tbody></table>"""


def test_each_body_cell_is_labelled_with_its_columns_heading():
    html = stack(TABLE)
    assert html.startswith('<div class="pb-stack"><table role="table" class="govuk-table">')
    assert '<td role="cell" data-label="Result &amp; &quot;verdict&quot;">Worked</td>' in html
    assert '<td role="cell">+3</td>' in html  # the second column of a spanning heading: no label of its own
    assert '<td role="cell" data-label="Status">Published</td>' in html
    assert '<td role="cell" colspan="4">No more</td>' in html  # a cell across columns belongs to none


def test_every_part_keeps_its_table_role_when_shown_as_blocks():
    html = stack(TABLE)
    assert '<thead role="rowgroup">' in html and '<tbody role="rowgroup">' in html
    assert html.count('<tr role="row">') == 3
    assert '<th role="columnheader" scope="col">Pilot' in html and '<th role="rowheader" scope="row">' in html


def test_the_template_tag_stacks_what_it_wraps_and_escapes_nothing_twice():
    rendered = Template("{% load govuk %}{% stacked_table %}<table><thead><tr><th>Name</th></tr></thead>"
                        "<tbody><tr><td>{{ name }}</td></tr></tbody></table>{% endstacked_table %}").render(
        Context({"name": "<b>Bob</b>"}))
    assert '<td role="cell" data-label="Name">&lt;b&gt;Bob&lt;/b&gt;</td>' in rendered


def test_a_table_inside_a_cell_is_left_alone():
    html = stack("<table><thead><tr><th>Outer</th></tr></thead><tbody><tr><td><table><tr><td>inner</td></tr>"
                 "</table></td></tr></tbody></table>")
    assert '<td role="cell" data-label="Outer"><table><tr><td>inner</td></tr></table></td>' in html
