"""Reusable materials: hostile Markdown is neutralised, disguised and oversized files are refused with a clear
message, files are served only through the access-checked download, and the library shows every pilot that
used or adapted a material with its verdict."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotbook.materials import services
from pilotbook.materials.models import FileType, Material, MaterialUse
from pilotbook.materials.sanitise import check_file
from pilotbook.pilots.choices import Status
from pilotbook.web.markdown import render as render_markdown
from tests.conftest import PERSONAS
from tests.factories import make_pilot

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>Hello",
    "[click me](javascript:alert(1))",
    '<img src="x" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">hi</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
])
def test_hostile_markdown_is_neutralised(hostile):
    html = str(render_markdown(hostile)).lower()
    for danger in ("<script", "javascript:", "onerror", "onclick", "<iframe", "<img", "style=", "data:text"):
        assert danger not in html


def test_ordinary_markdown_renders_with_design_system_classes():
    html = str(render_markdown("Dear **resident**,\n\n- pay by phone\n- [online](https://example.gov.uk/pay)"))
    assert '<strong>resident</strong>' in html
    assert 'class="govuk-list govuk-list--bullet"' in html
    assert 'href="https://example.gov.uk/pay"' in html and 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("letter.pdf", PDF, FileType.PDF), ("map.png", PNG, FileType.PNG), ("photo.JPG", b"\xff\xd8\xff\xe0x", "jpeg"),
    ("letter.docx", docx(), FileType.DOCX), ("letter.odt", odt(), FileType.ODT),
    ("sms.txt", "Your bin is due tomorrow – reply STOP".encode(), FileType.TXT),
    ("script.csv", b"step,words\n1,Hello\n", FileType.CSV),
])
def test_allowed_files_are_recognised_by_their_content(name, data, expected):
    assert check_file(name, data, 5_000_000) == expected


@pytest.mark.parametrize(("name", "data", "message"), [
    ("letter.pdf", EXE, "not really a PDF file"),
    ("letter.docx", PDF, "not really a DOCX file"),
    ("letter.odt", docx(), "not really a ODT file"),
    ("notes.txt", EXE, "not really a TXT file"),
    ("image.png", b"\xff\xd8\xff\xe0jpeg", "not really a PNG file"),
    ("tool.exe", EXE, "must be a PDF, DOCX, ODT, PNG, JPEG, TXT or CSV"),
    ("letter", PDF, "must be a PDF"),
    ("empty.pdf", b"", "empty"),
])
def test_disguised_and_unknown_files_are_refused(name, data, message):
    with pytest.raises(Exception, match=message):
        check_file(name, data, 5_000_000)


@pytest.fixture
def pilot(home_council, officer):
    return make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")


def upload(client, pilot, name, data, **fields):
    return client.post(reverse("material-new", args=[pilot.pk]), {
        "title": "Arrears letter", "kind": "letter", "file": SimpleUploadedFile(name, data), **fields})


def test_a_renamed_program_is_refused_with_a_clear_message(persona_client, pilot):
    response = upload(persona_client("officer"), pilot, "letter.pdf", EXE)
    assert response.status_code == 400
    assert "The selected file is not really a PDF file" in response.content.decode()
    assert not Material.objects.exists()


def test_an_oversized_file_is_refused(persona_client, pilot, settings):
    settings.PILOTBOOK_MATERIAL_MAX_BYTES = 1024
    response = upload(persona_client("officer"), pilot, "letter.pdf", PDF + b"0" * 2000)
    assert "The file must be smaller than" in response.content.decode()
    assert not Material.objects.exists()


def test_text_or_a_file_is_needed(persona_client, pilot):
    response = persona_client("officer").post(reverse("material-new", args=[pilot.pk]),
                                              {"title": "Letter", "kind": "letter", "body": "  "})
    assert "Enter the text of the material, or choose a file" in response.content.decode()


def test_a_file_is_downloaded_as_an_attachment_never_sniffed(persona_client, pilot):
    response = upload(persona_client("officer"), pilot, "first letter.pdf", PDF)
    material = Material.objects.get()
    assert response.url == material.get_absolute_url()
    download = persona_client("anonymous").get(reverse("material-download", args=[material.pk]))
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "first letter.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_text_is_shown_sanitised_on_the_material_page(persona_client, pilot, officer):
    material = services.material_add(pilot=pilot, user=officer, title="SMS", kind="text_message",
                                     body="Pay today <script>alert(1)</script>[x](javascript:alert(1))")
    page = persona_client("other_officer").get(material.get_absolute_url()).content.decode()
    assert "Pay today" in page
    assert "<script>alert(1)" not in page and "javascript:alert" not in page


# Who may see a material (and download its file) follows its pilot; only the pilot's council adds one.
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("status", "visibility", "rule"), [
    (Status.DRAFT, "councils", {"own": 200, "moderator": 200, "default": 404}),
    (Status.REGISTERED, "councils", {"anonymous": 404, "default": 200}),
    (Status.PUBLISHED, "public", {"default": 200}),
])
def test_material_visibility_follows_the_pilot(persona, status, visibility, rule, home_council, officer,
                                               persona_client):
    pilot = make_pilot(home_council, officer, status=status, visibility=visibility)
    material = services.material_add(pilot=pilot, user=officer, title="Hailsham reminder letter",
                                     kind="letter", file_name="letter.pdf", file_data=PDF)
    client = persona_client(persona)
    own = persona in ("officer", "champion", "council_admin")
    want = rule.get(persona, rule["own"] if own and "own" in rule else rule["default"])
    assert client.get(material.get_absolute_url()).status_code == want
    assert client.get(reverse("material-download", args=[material.pk])).status_code == want
    assert (material.title in client.get(reverse("material-library")).content.decode()) == (want == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_pilots_council_adds_materials(persona, pilot, persona_client):
    response = persona_client(persona).get(reverse("material-new", args=[pilot.pk]))
    own = persona in ("officer", "champion", "council_admin")
    assert response.status_code == (200 if own else 302 if persona == "anonymous" else 403)


def test_library_lists_every_pilot_that_used_or_adapted_it_with_verdicts(home_council, other_council, officer,
                                                                         other_officer, persona_client, pilot):
    material = services.material_add(pilot=pilot, user=officer, title="Plain arrears letter", kind="letter",
                                     body="Dear tenant")
    theirs = make_pilot(other_council, other_officer, status=Status.REGISTERED, title="Leeds arrears letter")
    response = persona_client("other_officer").post(material.get_absolute_url(), {
        "pilot": str(theirs.pk), "relation": "adapted", "note": "Added a Welsh version"})
    assert response.status_code == 302
    assert MaterialUse.objects.get(pilot=theirs).relation == "adapted"
    page = persona_client("other_officer").get(reverse("material-library")).content.decode()
    assert "Clearer arrears letter" in page and "Leeds arrears letter" in page
    assert "Worked" in page  # the published pilot's verdict
    assert "Adapted it: Added a Welsh version" in page
    # The public sees the published pilot's use, not the registered (members-only) one.
    public = persona_client("anonymous").get(reverse("material-library")).content.decode()
    assert "Clearer arrears letter" in public and "Leeds arrears letter" not in public


def test_nobody_records_a_use_for_another_councils_pilot(home_council, other_council, officer, other_officer,
                                                         persona_client, pilot):
    material = services.material_add(pilot=pilot, user=officer, title="Letter", kind="letter", body="Dear tenant")
    other = make_pilot(home_council, officer, status=Status.REGISTERED, title="Another of ours")
    make_pilot(other_council, other_officer, title="Their own draft")
    response = persona_client("other_officer").post(material.get_absolute_url(), {
        "pilot": str(other.pk), "relation": "used"})
    assert response.status_code == 400  # not one of their pilots: not a valid choice
    assert not MaterialUse.objects.filter(pilot=other).exists()


def test_pilot_page_snippet_lists_materials_and_offers_adding_to_its_council(rf, pilot, officer, other_officer):
    from django.template import Context, Template

    services.material_add(pilot=pilot, user=officer, title="Plain arrears letter", kind="letter", body="Dear tenant")
    template = Template("{% load page_sections %}{% page_sections 'pilot' 'after_result' pilot %}")
    request = rf.get("/")
    request.user = officer
    own = template.render(Context({"request": request, "pilot": pilot}))
    request.user = other_officer
    other = template.render(Context({"request": request, "pilot": pilot}))
    assert "Plain arrears letter" in own and "Plain arrears letter" in other
    assert reverse("material-new", args=[pilot.pk]) in own
    assert reverse("material-new", args=[pilot.pk]) not in other


def test_a_kind_that_is_not_one_of_the_list_is_named_and_every_material_shown(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    services.material_add(pilot=pilot, user=officer, title="Plain arrears letter", kind="letter", body="Dear tenant")
    page = client.get(reverse("material-library"), {"kind": "no-such-kind"}).content.decode()
    assert "govuk-error-summary" in page and 'href="#kind">Choose a kind of material from the list' in page
    assert "Plain arrears letter" in page
