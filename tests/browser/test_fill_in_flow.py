"""An editor's round trip in a real browser, by mouse and by keyboard alone."""

import re

import pytest

from normmonitor.assessments.models import Answer
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_finds_task_fills_in_and_sees_the_score(page, log_in, users, open_round):
    log_in("almere")
    screenshot(page, "start-almere")
    page.get_by_role("link", name=re.compile("Almere")).first.click()
    page.wait_for_url(re.compile(r"/invullen/$"))
    item = page.locator("#item-2\\.2")
    item.get_by_label("Behaald", exact=True).check()
    item.get_by_label("Toelichting").fill("Aangesloten op Meld Misdaad Anoniem.")
    item.get_by_role("button", name=re.compile("Opslaan")).click()
    page.locator("#item-2\\.2 .alert--success").wait_for()
    summary = page.locator("#assessment-summary")
    assert "1 / 36" in summary.inner_text()
    screenshot(page, "fill-in-almere")
    answer = Answer.objects.get(
        assessment__round=open_round,
        assessment__organisation__code=ALMERE,
        requirement__code="2.2",
    )
    assert answer.level.code == "behaald"


def test_keyboard_only_fill_in(page, log_in, users, open_round):
    log_in("almere")
    page.goto(f"/rondes/{open_round.key}/{ALMERE}/invullen/")
    # The skip link is the first stop and moves focus to the content.
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")
    # Tab to the first rating radio of item 1.1, choose it with the keyboard, then save.
    first_radio = page.locator("#item-1\\.1 input[type=radio]").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    assert page.evaluate("document.activeElement.name").endswith("-level")
    page.keyboard.press("Space")
    assert first_radio.is_checked()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.locator("#item-1\\.1 .alert--success").wait_for()
    answer = Answer.objects.get(
        assessment__round=open_round,
        assessment__organisation__code=ALMERE,
        requirement__code="1.1",
    )
    assert answer.level.code == "behaald"


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("almere", "/"),
        ("almere", "/rondes/{round}/GM0034/invullen/"),
        ("almere", "/rondes/{round}/GM0034/"),
        ("coordinator", "/rondes/{round}/"),
        ("coordinator", "/organisaties/GM0034/"),
        ("coordinator", "/rondes/nieuw/"),
    ],
)
def test_main_pages_have_no_wcag_violations(page, log_in, users, open_round, username, path):
    log_in(username)
    page.goto(path.format(round=open_round.key))
    slug = path.replace("{round}", "ronde").strip("/").replace("/", "-") or "start"
    screenshot(page, f"{username}-{slug}")
    assert axe_violations(page) == []


def test_login_page_has_no_wcag_violations(page):
    page.goto("/login/")
    assert axe_violations(page) == []
