"""The fill-in page prints each item's inputs itself (assessments/fill.py) instead of through
AnswerForm's widgets, which took most of its time. These tests hold that markup to what the
widgets and normmonitor/_field.html print, and check what the page must keep: the user's input
and errors, the links between fields and messages, every part of an item, and escaping."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from normmonitor.assessments import services
from normmonitor.assessments.fill import ItemForms, item_url, norm_layout
from normmonitor.assessments.forms import AnswerForm
from normmonitor.assessments.models import Answer
from normmonitor.evidence import services as evidence_services
from normmonitor.norms.models import Requirement
from tests.assessments.conftest import answer as answer_of
from tests.conftest import ALMERE
from tests.evidence import samples

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


class _Tokens(HTMLParser):
    """HTML as a list of tokens: tags with their attributes sorted, text with its whitespace
    collapsed; so that two renderings compare equal when a browser sees the same."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[object] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append((tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.tokens.append(f"/{tag}")

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.tokens.append(text)


def tokens(html: str) -> list[object]:
    parser = _Tokens()
    parser.feed(str(html))
    parser.close()
    return parser.tokens


# The rating as the page printed it with Django's RadioSelect, before fill.py.
WIDGET_RATING = Template(
    '<fieldset class="field{% if field.errors %} field--invalid{% endif %}"'
    '{% if field.errors %} aria-describedby="{{ field.auto_id }}_errors"{% endif %}>'
    '<legend class="field__label">{{ field.label }}</legend>'
    '{% if field.errors %}<div class="field__errors" id="{{ field.auto_id }}_errors">'
    "{% for error in field.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}"
    '<div class="radio-row">{% for radio in field %}<label class="radio">{{ radio.tag }} '
    "{{ radio.choice_label }}</label>{% endfor %}</div></fieldset>"
)


def assert_prints_like_the_form(form: AnswerForm) -> None:
    printed = {"version", "level", "explanation", "planned_date", "owner", "last_done_on"}
    assert set(form.fields) <= printed, "fill.py prints no other fields"
    levels = norm_layout(form.answer.requirement.norm_version).levels
    item = ItemForms(form.answer.assessment, levels)(form.answer, form if form.is_bound else None)
    assert tokens(item.version.field()) == tokens(str(form["version"]))
    assert tokens(item.level.field()) == tokens(
        WIDGET_RATING.render(Context({"field": form["level"]}))
    )
    names = ["explanation", "planned_date", "owner", "last_done_on"]
    assert (item.last_done_on is not None) == ("last_done_on" in form.fields)
    for name in names:
        if name in form.fields:
            printed = getattr(item, name).field()
            assert tokens(printed) == tokens(
                render_to_string("normmonitor/_field.html", {"field": form[name]})
            ), name


@pytest.fixture
def item_answers(almere, users, norm_version):
    """Almere's item 3.1 made periodic (it asks when it was last done), 1.1 rated."""
    Requirement.objects.filter(norm_version=norm_version, code="3.1").update(recurrence="P1Y")
    rated = answer_of(almere, "1.1")
    services.answer_update(
        actor=users["almere"],
        answer=rated,
        level=norm_version.scale.get(code="gedeeltelijk"),
        explanation=f'Deels & "half" {XSS}',
        planned_date=date(2026, 3, 1),
        owner=f"Jan {XSS}",
        expected_version=rated.version,
    )
    return {code: answer_of(almere, code) for code in ("1.1", "2.2", "3.1")}


@pytest.mark.parametrize("code", ["1.1", "2.2", "3.1"])
def test_an_unchanged_item_prints_like_its_form(item_answers, code):
    assert_prints_like_the_form(AnswerForm(answer=item_answers[code]))


@pytest.mark.parametrize(
    "posted",
    [
        # Not a date, no explanation for a partial rating, hostile text kept as typed.
        {"level": "gedeeltelijk", "planned_date": "morgen", "owner": XSS, "last_done_on": "x"},
        # A level of no scale, a version that is no number.
        {"level": 999999, "explanation": XSS, "version": "x"},
        # Valid.
        {"level": "behaald", "planned_date": "2026-01-02", "last_done_on": "2025-05-06"},
        # Nothing at all.
        {},
    ],
)
@pytest.mark.parametrize("code", ["1.1", "3.1"])
def test_a_failed_save_prints_like_its_form(item_answers, norm_version, code, posted):
    answer = item_answers[code]
    data = {}
    for name, value in posted.items():
        if name == "level" and isinstance(value, str):
            value = norm_version.scale.get(code=value).pk
        data[f"a{answer.pk}-{name}"] = value
    form = AnswerForm(data, answer=answer)
    form.is_valid()
    form.add_error(None, f"Someone else saved {XSS}")
    assert_prints_like_the_form(form)


def test_item_urls_are_the_reversed_urls(almere):
    for name in ("assessments:answer", "assessments:deviation", "assessments:comments"):
        for pk in (1, 7, 2_147_483_647, 12345678901):
            assert item_url(name, almere)(pk) == reverse(name, args=[almere.round.key, ALMERE, pk])
    assert item_url("evidence:upload", almere)(42) == reverse(
        "evidence:upload", args=[almere.round.key, ALMERE, 42]
    )


def test_the_page_shows_every_part_of_an_item(
    client, users, almere, item_answers, norm_version, settings, tmp_path
):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    Answer.objects.filter(pk=item_answers["2.2"].pk).update(
        carried_over=True, level=norm_version.scale.get(code="behaald")
    )
    deviating = answer_of(almere, "2.3")
    services.deviation_propose(
        actor=users["almere"],
        answer=deviating,
        motivation=f"Wij wijken af {XSS}",
        expected_version=deviating.version,
    )
    commented = answer_of(almere, "3.3")
    services.comment_add(actor=users["almere"], answer=commented, text=f"Vraag {XSS}")
    evidence_services.evidence_add(
        actor=users["almere"],
        answer=commented,
        uploaded_file=samples.upload("beleid.pdf", samples.PDF),
    )
    client.force_login(users["almere"])
    page = client.get(reverse("assessments:fill", args=[almere.round.key, ALMERE]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html
    # Every directly rated item has its form, its documents and its review part.
    rated = Answer.objects.filter(assessment=almere).count()
    assert html.count('class="answer-form"') == rated == html.count('class="item-review"')
    assert html.count('<div class="evidence">') == rated
    # Logout, language and submission; per item the save, the deviation and the comment.
    assert html.count('name="csrfmiddlewaretoken"') == 3 + 3 * rated
    # The stored values, escaped.
    answer = item_answers["1.1"]
    assert f'name="a{answer.pk}-planned_date" value="2026-03-01"' in html
    assert "Deels &amp; &quot;half&quot; &lt;script&gt;" in html
    assert f'name="a{answer.pk}-version" value="{answer.version}"' in html
    # 3.1 is periodic; 2.2 is carried over, to confirm; 2.3 deviates; 3.3 has a thread and a
    # document.
    assert f'name="a{item_answers["3.1"].pk}-last_done_on"' in html
    assert html.count(f'name="a{item_answers["1.1"].pk}-last_done_on"') == 0
    assert "Overgenomen uit het vorige meetmoment" in html
    assert "Wij wijken af &lt;script&gt;" in html
    assert "Vraag &lt;script&gt;" in html
    assert "beleid.pdf" in html
    assert html.count('<label class="radio">') == rated * norm_version.scale.count()
    assert (
        html.count(" checked>")
        == Answer.objects.filter(assessment=almere, level__isnull=False).count()
    )


def test_errors_are_shown_at_their_fields_without_javascript(
    client, users, almere, item_answers, norm_version
):
    client.force_login(users["almere"])
    answer = item_answers["3.1"]
    prefix = f"a{answer.pk}"
    response = client.post(
        reverse("assessments:answer", args=[almere.round.key, ALMERE, answer.pk]),
        {
            f"{prefix}-level": norm_version.scale.get(code="niet-behaald").pk,
            f"{prefix}-owner": f"Eigenaar {XSS}",
            f"{prefix}-last_done_on": "gisteren",
            f"{prefix}-version": answer.version,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>" not in html
    assert 'value="Eigenaar &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in html
    assert 'value="gisteren"' in html
    # Each invalid input is marked and described by its message (and its help text).
    for name, described_by in (
        ("explanation", f"id_{prefix}-explanation_error"),
        ("last_done_on", f"id_{prefix}-last_done_on_helptext id_{prefix}-last_done_on_error"),
    ):
        assert f'aria-invalid="true" aria-describedby="{described_by}" id="id_{prefix}-{name}"' in (
            html
        )
        for message_id in described_by.split():
            assert f'id="{message_id}"' in html
    # The rating kept its choice.
    checked = f'value="{norm_version.scale.get(code="niet-behaald").pk}" id="id_{prefix}-level_2"'
    assert f"{checked} checked>" in html


def test_an_accepted_deviation_leaves_no_empty_disclosure(client, users, almere, item_answers):
    deviating = answer_of(almere, "2.3")
    proposed = services.deviation_propose(
        actor=users["almere"],
        answer=deviating,
        motivation="Geen haven in de gemeente",
        expected_version=deviating.version,
    )
    services.deviation_decide(
        actor=users["coordinator"], answer=proposed, accept=True, expected_version=proposed.version
    )
    client.force_login(users["almere"])
    html = client.get(reverse("assessments:fill", args=[almere.round.key, ALMERE])).content.decode()
    assert "<summary></summary>" not in html
    assert f'id="deviation-version-{deviating.pk}"' not in html  # decided: no form to send
    assert f'id="deviation-version-{answer_of(almere, "1.1").pk}"' in html
