"""Fuzzing the filter parameters of every list page, export, feed and API endpoint (found by the walk in
tests/test_hostile_parameters.py): any text in any parameter, or several at once, is an answer below 500, and a
control character is a 400. The 500s of issue 15 are explicit seeds.
"""

from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.test_hostile_parameters import walk, world  # noqa: F401 (fixtures)

CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x00", "x\x00", "x" * 5000, "9" * 30, "-1", "0", "1e400", "NaN", "'\"<>&", "%00",
                     "England ", "waste\n", "../../etc/passwd", "２０２６"]),
)
# (address index or "address parameter", value) pairs; several parameters go in one request.
targets = st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), values), min_size=1, max_size=3)


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(targets=targets)
@example(targets=[("/evidence/ service_area", "\x00")])
@example(targets=[("/evidence/ nation", "\x00")])
@example(targets=[("/evidence/ verdict", "\x00")])
@example(targets=[("/evidence/ council_type", "\x00")])
@example(targets=[("/api/councils/ nation", "\x00")])
@example(targets=[("/export/evidence.json nation", "x" * 5000), ("/export/evidence.json year", "9" * 30)])
def test_no_value_in_any_filter_parameter_is_a_server_error(walk, targets):  # noqa: F811
    client, addresses = walk
    pairs = [(address, name) for address, names in addresses for name in sorted(names)]
    address = None
    query = []
    for target, value in targets:
        if isinstance(target, str):
            where, name = target.split(" ")
        else:
            where, name = pairs[target % len(pairs)]
        address = address or where
        if where == address:
            query.append((name, value))
    response = client.get(f"{address}?{urlencode(query)}")
    assert response.status_code < 500, (address, query)
    if any(set(name + value) & CONTROL for name, value in query):
        assert response.status_code == 400, (address, query)
