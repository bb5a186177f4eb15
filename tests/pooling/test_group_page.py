"""The group page: its numbers are pilotbook.stats.meta.pool of the same inputs for every measure and method; it
pools only results released to the viewer and names nobody it should not; each pilot that cannot give the measure is
listed with the reason; the forest plot is an accessible SVG with its table."""

import datetime as dt
import html
import math
import re

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from scipy.stats import norm

from pilotbook.pilots import services
from pilotbook.pilots.charts import number
from pilotbook.pilots.choices import Status
from pilotbook.stats import effect_sizes, meta
from tests.factories import make_pilot

from .conftest import COUNTS, MEANS, analysed_binary, analysed_continuous, group_of, publish, recorded, upcoming

pytestmark = pytest.mark.django_db


def page_text(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def stat(page: str, key: str) -> str:
    """The value shown against a key in the meta-analysis summary list."""
    found = re.search(rf'<dt class="govuk-summary-list__key">{re.escape(key)}</dt>'
                      r'<dd class="govuk-summary-list__value">(.*?)</dd>', page)
    assert found, f"{key} is not on the page"
    return found.group(1)


def expected_stats(pooled: meta.PooledResult, *, ratio: bool) -> dict[str, str]:
    show = math.exp if ratio else float
    pi = (f"{floatformat(show(pooled.pi_low), '-4')} to {floatformat(show(pooled.pi_high), '-4')}"
          if pooled.pi_low is not None else "Not available")
    return {
        "Pooled effect": f"{floatformat(show(pooled.estimate), '-4')} (95% CI {floatformat(show(pooled.ci_low), '-4')}"
                         f" to {floatformat(show(pooled.ci_high), '-4')}), p = {floatformat(pooled.p_value, '-4')}",
        "τ²": floatformat(pooled.tau2, "-4"),
        "I²": f"{floatformat(pooled.i2, '1')}%",
        "Q": f"{floatformat(pooled.q, '-3')} ({pooled.k - 1} df), p = {floatformat(pooled.q_p, '-4')}",
        "Prediction interval": pi,
    }


def assert_page_shows(page: str, pooled: meta.PooledResult, *, ratio: bool) -> None:
    for key, value in expected_stats(pooled, ratio=ratio).items():
        assert stat(page, key).startswith(value), key
    for sentence in meta.describe(pooled):
        assert sentence in page


def recorded_pilots(councils, figures):
    return [recorded(c, u, f"Letter {i}", *f) for i, ((c, u), f) in enumerate(zip(councils, figures, strict=False))]


def binary_pilots(councils, counts=COUNTS, **plan):
    return [analysed_binary(c, u, n, f"Texts {i}", **plan)
            for i, ((c, u), n) in enumerate(zip(councils, counts, strict=True))]


@pytest.mark.parametrize("measure_name", ["RR", "OR", "RD"])
@pytest.mark.parametrize(("method", "hksj"), [("REML", False), ("DL", True), ("FE", False)])
def test_counts_pool_to_the_same_numbers_as_meta_pool(client, councils, measure_name, method, hksj):
    group = group_of(binary_pilots(councils), measure_name)
    sizes = effect_sizes.from_counts(measure_name, *zip(*[(t[0], t[1], c[0], c[1]) for t, c in COUNTS], strict=True))
    expected = meta.pool(sizes.yi, sizes.vi, method=method, hksj=hksj, measure=measure_name)
    params = {"method": method, **({"hksj": "on"} if hksj else {})}
    page = page_text(client, group.get_absolute_url(), params)
    assert_page_shows(page, expected, ratio=measure_name in ("RR", "OR"))
    assert f"{method}{', Hartung-Knapp' if hksj else ''};" in stat(page, "Method")


@pytest.mark.parametrize("measure_name", ["MD", "SMD"])
def test_means_and_sds_pool_as_mean_differences(client, councils, measure_name):
    pilots = [analysed_continuous(c, u, m, f"Letter {i}")
              for i, ((c, u), m) in enumerate(zip(councils[:3], MEANS, strict=True))]
    group = group_of(pilots, measure_name)
    columns = list(zip(*[(*t, *c) for t, c in MEANS], strict=True))
    m_t, sd_t, n_t, m_c, sd_c, n_c = columns
    sizes = effect_sizes.from_means(measure_name, m_t, sd_t, n_t, m_c, sd_c, n_c)
    expected = meta.pool(sizes.yi, sizes.vi, method="REML", measure=measure_name)
    assert_page_shows(page_text(client, group.get_absolute_url()), expected, ratio=False)


def test_recorded_effects_pool_with_the_se_their_interval_implies(client, councils):
    figures = [("-20", "-27", "-13"), ("-14", "-22", "-6"), ("-3", "-11", "5")]
    pilots = recorded_pilots(councils, figures)
    group = group_of(pilots, "GENERIC")
    yi = [float(e) for e, _lo, _hi in figures]
    # A 95% interval is 2 x 1.959964 standard errors wide (the 3.92 of the rule of thumb, to full precision).
    vi = [((float(hi) - float(lo)) / (2 * norm.isf(0.025))) ** 2 for _e, lo, hi in figures]
    expected = meta.pool(yi, vi, method="REML", measure="GENERIC")
    assert_page_shows(page_text(client, group.get_absolute_url()), expected, ratio=False)


def test_an_unknown_method_falls_back_to_reml(client, councils):
    group = group_of(binary_pilots(councils))
    page = page_text(client, group.get_absolute_url(), {"method": "MAGIC"})
    assert "REML;" in stat(page, "Method")


def test_a_yes_or_no_pilot_in_a_mean_difference_group_is_listed_with_the_reason(client, councils):
    pilots = [analysed_continuous(c, u, m, f"Letter {i}")
              for i, ((c, u), m) in enumerate(zip(councils[:2], MEANS[:2], strict=True))]
    council, user = councils[2]
    texts = analysed_binary(council, user, COUNTS[0], "Yes-or-no texts")
    page = page_text(client, group_of([*pilots, texts], "MD").get_absolute_url())
    item = re.search(r"Yes-or-no texts</a>.*?</li>", page, re.S).group(0)
    assert "Not pooled" in item and "not a measurement" in item
    assert stat(page, "Pilots pooled").startswith("2 ")


def test_a_ratio_group_with_no_events_anywhere_in_one_pilot_lists_it(client, councils):
    pilots = binary_pilots(councils[:2], COUNTS[:2])
    council, user = councils[2]
    empty = analysed_binary(council, user, ((0, 100), (0, 100)), "Nobody paid")
    page = page_text(client, group_of([*pilots, empty]).get_absolute_url())
    item = re.search(r"Nobody paid</a>.*?</li>", page, re.S).group(0)
    assert "Not pooled" in item and "no events in either group" in item


def test_one_usable_pilot_is_not_a_pooled_result(client, councils):
    council, user = councils[0]
    other, officer = councils[1]
    lonely = analysed_binary(council, user, COUNTS[0], "Only texts")
    outside = recorded(other, officer, "Outside analysis", "-20", "-27", "-13", **{"outcome_kind": "binary"})
    page = page_text(client, group_of([lonely, outside]).get_absolute_url())
    assert "Fewer than two" in page and "Pooled effect" not in page and "<svg" not in page
    assert "Outside analysis" in page and "analysed outside Pilotbook" in page


# --- what is released, to whom ---------------------------------------------------------------------------------


@pytest.fixture
def group_with_secrets(councils, home_council, officer):
    """Two released public pilots, then pilots of the officer persona's own council that are not released."""
    released = binary_pilots(councils[:2], COUNTS[:2])
    draft = make_pilot(home_council, officer, Status.DRAFT, title="Secret draft", visibility="public")
    running = make_pilot(home_council, officer, Status.RUNNING, title="Secret running", visibility="public")
    unpublished = analysed_binary(home_council, officer, COUNTS[2], "Secret unpublished", release=False)
    embargoed = analysed_binary(home_council, officer, COUNTS[3], "Secret embargoed", release=False)
    publish(embargoed, officer, embargo_until=dt.date.today() + dt.timedelta(days=30))
    return group_of([*released, draft, running, unpublished, embargoed])


@pytest.mark.parametrize("persona", ["anonymous", "officer", "other_officer", "moderator"])
def test_unreleased_pilots_are_never_pooled_or_named(persona, persona_client, group_with_secrets):
    client = persona_client(persona)
    for url in (group_with_secrets.get_absolute_url(), reverse("pooled-groups")):
        page = page_text(client, url)
        assert "Secret" not in page, url
    page = page_text(client, group_with_secrets.get_absolute_url())
    assert stat(page, "Pilots pooled").startswith("2 ")


@pytest.mark.parametrize(("persona", "sees"), [("anonymous", False), ("officer", True), ("other_officer", True),
                                               ("moderator", True)])
def test_council_only_results_are_pooled_for_signed_in_council_members_and_moderators(persona, sees, persona_client,
                                                                                      councils):
    pilots = binary_pilots(councils[:3], COUNTS[:3])
    council, user = councils[3]
    private = analysed_binary(council, user, COUNTS[3], "Councils only", visibility="councils")
    page = page_text(persona_client(persona), group_of([*pilots, private]).get_absolute_url())
    assert ("Councils only" in page) == sees
    assert stat(page, "Pilots pooled").startswith("4 " if sees else "3 ")


@pytest.mark.parametrize(("persona", "named"), [("anonymous", False), ("other_officer", False), ("moderator", True)])
def test_a_withheld_council_name_stays_withheld_on_the_group_page(persona, named, persona_client, councils):
    pilots = binary_pilots(councils[:2], COUNTS[:2])
    council, user = councils[2]
    hidden = analysed_binary(council, user, COUNTS[2], "Unnamed council texts", visibility="public_anonymous")
    page = page_text(persona_client(persona), group_of([*pilots, hidden]).get_absolute_url())
    assert "Unnamed council texts" in page
    assert (council.name in page) == named


# --- the forest plot --------------------------------------------------------------------------------------------


def test_the_forest_plot_is_an_accessible_svg_with_squares_sized_by_weight(client, councils):
    group = group_of(binary_pilots(councils))
    sizes = effect_sizes.from_counts("RR", *zip(*[(t[0], t[1], c[0], c[1]) for t, c in COUNTS], strict=True))
    studies = meta.pool(sizes.yi, sizes.vi, measure="RR").studies()
    page = page_text(client, group.get_absolute_url())
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="forest-title forest-desc"' in svg
    assert re.search(r'<title id="forest-title">Forest plot', svg)
    desc = re.search(r'<desc id="forest-desc">(.*?)</desc>', svg, re.S).group(1)
    assert "Pooled:" in desc and "No effect is at 1" in desc
    sides = [float(w) for w in re.findall(r'<rect class="pb-chart__estimate"[^>]*width="([\d.]+)"', svg)]
    weights = [s.weight for s in studies]
    assert len(sides) == 4 and sorted(range(4), key=sides.__getitem__) == sorted(range(4), key=weights.__getitem__)
    assert svg.count("<polygon") == 1  # the pooled diamond
    # Ratios are drawn on a log axis labelled in natural units: the no-effect line sits on the tick "1".
    null_x = re.search(r'<line class="pb-chart__zero" x1="([\d.]+)"', svg).group(1)
    assert re.search(rf'<text x="{re.escape(null_x)}" y="[\d.]+" text-anchor="middle">1</text>', svg)
    table = re.search(r"<table.*?The forest plot in numbers.*?</table>", page, re.S).group(0)
    for study in studies:
        assert f"{study.weight:.1f}%" in table
        assert f"{number(math.exp(study.ci_low))} to {number(math.exp(study.ci_high))}" in table


def test_a_difference_measure_is_drawn_with_no_effect_at_zero(client, councils):
    figures = [("-20", "-27", "-13"), ("-14", "-22", "-6")]
    pilots = recorded_pilots(councils, figures)
    page = page_text(client, group_of(pilots, "GENERIC").get_absolute_url())
    assert "No effect is at 0" in page and "Ratios are on a log scale" not in page


# --- ratings and the list ---------------------------------------------------------------------------------------


def test_each_pilot_is_rated_and_an_amendment_after_results_counts_against_it(client, councils):
    pilots = binary_pilots(councils[:2], COUNTS[:2], **upcoming())  # registered before they start
    council, user = councils[2]
    pilot = make_pilot(council, user, Status.RUNNING, title="Changed its mind", visibility="public",
                       outcome_kind="binary", outcome_unit="percentage points", better_direction="higher",
                       worthwhile_effect=5, **upcoming())
    services.pilot_amend(pilot=pilot, user=user, fields={"hypothesis": "Texts help."}, reason="Rethought",
                         results_seen=True)
    services.result_record(pilot=pilot, user=user, estimate=8, ci_low=2, ci_high=14, sample_size=400)
    pilot.refresh_from_db()
    publish(pilot, user)
    page = page_text(client, group_of([*pilots, pilot]).get_absolute_url())
    changed = re.search(r"Changed its mind</a>.*?</li>", page, re.S).group(0)
    assert "Evidence strength" in changed and "changed after results were seen" in changed
    honest = re.search(r"Texts 0</a>.*?</li>", page, re.S).group(0)
    assert "not changed after results" in honest
    assert re.search(r"Evidence strength: [0-5] out of 5", page)


def test_a_pilots_own_rating_is_the_same_in_every_group(client, councils):
    pilots = binary_pilots(councils[:3], COUNTS[:3])
    ratio = page_text(client, group_of(pilots, "RR").get_absolute_url())
    generic = page_text(client, group_of(pilots, "GENERIC", slug="as-recorded").get_absolute_url())
    for page in (ratio, generic):
        line = re.search(r"Texts 0</a>.*?</li>", page, re.S).group(0)
        assert "no confidence interval" not in line
    assert (re.search(r"Texts 0</a>.*?</li>", ratio, re.S).group(0)
            == re.search(r"Texts 0</a>.*?</li>", generic, re.S).group(0))


def test_the_list_shows_each_groups_pilots_summary_and_rating(client, councils):
    group = group_of(binary_pilots(councils))
    empty = group_of([], slug="empty", title="Nothing yet")
    sizes = effect_sizes.from_counts("RR", *zip(*[(t[0], t[1], c[0], c[1]) for t, c in COUNTS], strict=True))
    expected = meta.pool(sizes.yi, sizes.vi, measure="RR")
    detail = page_text(client, group.get_absolute_url())
    score = re.search(r"Evidence strength: ([0-5]) out of 5", detail).group(1)
    listing = page_text(client, reverse("pooled-groups"))
    row = re.search(rf'<tr [^>]*class="govuk-table__row"><td [^>]*class="govuk-table__cell"><a[^>]*>{group.title}</a>'
                    r'.*?</tr>', listing, re.S).group(0)
    assert ">4<" in row and meta.describe(expected)[0] in row and f"{score}/5" in row
    assert empty.title in listing and "Fewer than two" in listing
