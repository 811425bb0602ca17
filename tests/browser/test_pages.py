"""Every main page in a real browser: no WCAG 2.1 A/AA violations by axe-core, usable at a
768 px tablet width, a print layout without navigation, and a screenshot of each page in
test-artifacts/screenshots/.

A new page belongs in PAGES (or OTHER_APPS_PAGES for the apps of the other issues), with the
role that sees it."""

import re

import pytest
from django.contrib.auth import get_user_model

from normmonitor.assessments.models import Answer
from normmonitor.norms.models import NormVersion
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db(transaction=True)

# role → the pages that role works with. {round}, {norm}, {user} (almere) and {answer} (Almere's
# item 1.1) are filled in below.
PAGES = {
    "almere": [
        "/",
        "/rondes/",
        "/organisaties/",
        "/organisaties/GM0034/",
        "/rondes/{round}/GM0034/",
        "/rondes/{round}/GM0034/invullen/",
    ],
    "almere_reader": ["/", "/rondes/{round}/GM0034/"],
    "nobody": ["/"],
    "coordinator": [
        "/",
        "/rondes/",
        "/rondes/{round}/",
        "/rondes/nieuw/",
        "/organisaties/",
        "/organisaties/GM0034/",
    ],
    "admin": [
        "/",
        "/beheer/",
        "/beheer/normen/",
        "/beheer/normen/{norm}/",
        "/beheer/organisaties/",
        "/beheer/organisaties/nieuw/",
        "/beheer/organisaties/GM0034/",
        "/beheer/regios/",
        "/beheer/regios/flevoland/",
        "/beheer/gebruikers/",
        "/beheer/gebruikers/nieuw/",
        "/beheer/gebruikers/{user}/",
    ],
}

# Pages of the other issues' apps (analysis, actions, initiatives, resilience scan, documents,
# reports, evidence, review, audit, account, API) that existed when these tests were written.
OTHER_APPS_PAGES: list[tuple[str, list[str]]] = [
    (
        "coordinator",
        [
            "/rondes/{round}/GM0034/beoordelen/",
            "/rondes/{round}/regio-overzicht/",
            "/analyse/",
            "/analyse/vergelijken/",
            "/analyse/regio/flevoland/trends/",
            "/analyse/organisaties/GM0034/trends/",
            "/analyse/rondes/{round}/waterbed/",
            "/analyse/rondes/{round}/tempo/",
        ],
    ),
    (
        "coordinator",
        [
            "/acties/",
            "/knelpunten/flevoland/",
            "/initiatieven/",
            "/initiatieven/nieuw/",
            "/weerbaarheidsscan/",
            "/documenten/",
            "/documenten/regio/flevoland/",
            "/rapporten/",
            "/rapporten/{round}/",
        ],
    ),
    (
        "almere",
        [
            "/rondes/{round}/GM0034/items/{answer}/bewijs/",
            "/documenten/nieuw/GM0034/",
            "/rapporten/{round}/GM0034/",
            "/acties/",
            "/weerbaarheidsscan/",
            "/konto/overzicht/",
            "/konto/2fa/",
            "/api/",
        ],
    ),
    ("admin", ["/audit/"]),
]

TABLET_PAGES = [
    ("almere", "/"),
    ("almere", "/rondes/{round}/GM0034/invullen/"),
    ("admin", "/beheer/gebruikers/{user}/"),
    ("coordinator", "/rondes/{round}/"),
]


def fill(path: str, open_round) -> str:
    norm = NormVersion.objects.get()
    user = get_user_model().objects.get(username="almere")
    answer = Answer.objects.get(
        assessment__round=open_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    )
    return path.format(round=open_round.key, norm=norm.pk, user=user.pk, answer=answer.pk)


def slug(role: str, path: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"
    return f"{role}-{name}"


def visit_all(page, log_in, role: str, paths: list[str], open_round) -> dict[str, list]:
    log_in(role)
    found = {}
    for path in paths:
        url = fill(path, open_round)
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        screenshot(page, slug(role, path))
        violations = axe_violations(page)
        if violations:
            found[url] = violations
    return found


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_wcag_violations(page, log_in, users, open_round, role):
    assert visit_all(page, log_in, role, PAGES[role], open_round) == {}


@pytest.mark.parametrize(
    ("role", "paths"), OTHER_APPS_PAGES, ids=[paths[0] for _, paths in OTHER_APPS_PAGES]
)
def test_other_apps_pages_have_no_wcag_violations(page, log_in, users, open_round, role, paths):
    assert visit_all(page, log_in, role, paths, open_round) == {}


def test_login_and_error_pages_have_no_wcag_violations(page, log_in, users, open_round):
    page.goto("/login/")
    screenshot(page, "login")
    assert axe_violations(page) == []
    # A failed login: the error is announced and the page stays accessible.
    page.get_by_label("Gebruikersnaam").fill("almere")
    page.get_by_label("Wachtwoord").fill("not the password")
    page.locator("main").get_by_role("button", name="Inloggen").click()
    page.locator("[role=alert], [data-error-summary]").first.wait_for()
    screenshot(page, "login-failed")
    assert axe_violations(page) == []
    log_in("almere")
    for path, name in [("/rondes/{round}/", "403"), ("/bestaat-niet/", "404")]:
        page.goto(fill(path, open_round))
        screenshot(page, f"almere-{name}")
        assert axe_violations(page) == [], name


def test_forms_with_errors_have_no_violations_and_link_each_error(page, log_in, users):
    log_in("admin")
    page.goto("/beheer/organisaties/nieuw/")
    page.get_by_role("button", name=re.compile("organisation|organisatie", re.I)).click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    # The summary gets the focus, so that it is read out first; the title says there are errors.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().split(":")[0] in ("Fout", "Error")
    screenshot(page, "admin-organisation-errors")
    assert axe_violations(page) == []
    # Each error links to its field and puts the focus there.
    summary.locator("a").first.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_code"
    field = page.locator("#id_code")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    messages = " ".join(page.locator(f"#{i}").inner_text() for i in described)
    assert "id_code_error" in described and messages.strip()


def test_pages_fit_a_tablet(page, log_in, users, open_round):
    """At 768 px nothing but the marked, scrollable tables is wider than the screen."""
    page.set_viewport_size({"width": 768, "height": 1024})
    for role, path in TABLET_PAGES:
        page.context.clear_cookies()
        log_in(role)
        page.goto(fill(path, open_round))
        screenshot(page, f"tablet-{slug(role, path)}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 768, f"{path} is {width} px wide at 768 px"
    # Reflow can bring its own problems (overlapping targets, clipped text): one full check.
    assert axe_violations(page) == []


def test_print_layout_leaves_out_navigation_and_keeps_the_notice(page, log_in, users, open_round):
    log_in("coordinator")
    page.goto(f"/rondes/{open_round.key}/")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".utrecht-breadcrumb-nav").is_visible()
    assert not page.get_by_role("button", name=re.compile("sluiten|Close", re.I)).is_visible()
    assert page.locator(".heatmap").is_visible()
    assert page.locator(".site-footer").is_visible()  # "confidential"
    path = screenshot(page, "coordinator-round-print")
    pdf = path.with_suffix(".pdf")
    page.pdf(path=str(pdf), format="A4", landscape=True)
    assert pdf.stat().st_size > 10_000


def test_english_interface_keeps_the_norm_text_dutch(page, log_in, users, open_round):
    log_in("admin")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(f"/beheer/normen/{NormVersion.objects.get().pk}/")
    requirement = page.locator(".norm-tree [lang=nl]").first
    assert requirement.inner_text().strip()
    screenshot(page, "admin-norm-tree-en")
    assert axe_violations(page) == []
    page.goto(f"/rondes/{open_round.key}/")
    assert page.locator(".heatmap abbr[lang=nl][title]").count() == 22
    page.goto("/")
    assert page.get_by_role("button", name="Nederlands").get_attribute("lang") == "nl"


def test_skip_link_is_the_first_stop_and_focus_is_visible(page, log_in, users, open_round):
    log_in("almere")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.getAttribute('href')")
    assert skip == "#content"
    assert page.locator(".utrecht-skip-link").is_visible()  # shown on focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # The next stop is in the content (the first task), with a visible focus indicator.
    page.keyboard.press("Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href == f"/rondes/{open_round.key}/{ALMERE}/invullen/"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
