"""An editor's round trip in a real browser: by mouse, and by keyboard alone from the login page
to the submission of the assessment; the coordinator closes the round."""

import re
import time

import pytest

from normmonitor.assessments.models import Answer, Assessment
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import ALMERE, PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ACTIVE = "document.activeElement"


def tab_until(page, condition: str, *, backwards: bool = False, limit: int = 600) -> None:
    """Press Tab (or Shift+Tab) until the JavaScript ``condition`` on the focused element
    (``el``) holds, as a keyboard user would; fail if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(el => Boolean({condition}))({ACTIVE})"):
            return
    raise AssertionError(f"never reached by {key}: {condition}")


def wait_until(page, expression: str, timeout: float = 10) -> None:
    """Poll a JavaScript expression (page.wait_for_function would need 'unsafe-eval', which
    the content security policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def focus_is_visible(page) -> bool:
    """The focused element, or the option box around a focused radio button, has an outline."""
    return page.evaluate(
        f"""(el => {{
            const box = el.type === 'radio' ? (el.closest('label') || el) : el;
            const style = getComputedStyle(box);
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        }})({ACTIVE})"""
    )


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


def test_deviation_proposed_right_after_saving_the_item(page, log_in, users, open_round):
    """Without reloading the page: a motivation typed before the item is saved survives the
    save, and the deviation proposed afterwards is accepted (not refused as changed by someone
    else: the save gave the deviation form the item's new version)."""
    errors = []  # htmx reports an out-of-band part without a place on the page as an error
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in("almere")
    page.goto(f"/rondes/{open_round.key}/{ALMERE}/invullen/")
    item = page.locator("#item-4\\.4")
    item.locator("summary", has_text="Een afwijking (maatwerk) voorstellen").click()
    item.get_by_label("Motivering").fill("Wij toetsen via de RIEC-ronde.")
    item.get_by_label("Niet behaald", exact=True).check()
    item.get_by_label("Toelichting").fill("Nog niet ingericht.")
    item.get_by_role("button", name=re.compile("Opslaan")).click()
    item.locator(".alert--success").wait_for()
    answer = Answer.objects.get(
        assessment__round=open_round, assessment__organisation__code=ALMERE, requirement__code="4.4"
    )
    version = "document.querySelector('#item-4\\\\.4 .deviation-form input[name=version]').value"
    wait_until(page, f"{version} === '{answer.version}'")
    assert item.get_by_label("Motivering").input_value() == "Wij toetsen via de RIEC-ronde."
    assert errors == []
    with page.expect_navigation():
        item.get_by_role("button", name="Afwijking voorstellen").click()
    assert "Afwijking voorgesteld aan de werkgroep." in page.locator(".messages").inner_text()
    answer.refresh_from_db()
    assert answer.deviation_status == "proposed"
    assert answer.level.code == "niet-behaald"
    assert axe_violations(page) == []


def test_keyboard_only_from_login_to_submission(page, users, open_round, norm_version):
    """Everything below the first goto is done with the keyboard: Tab, arrows, typing, Enter."""
    assessment = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    achieved = norm_version.scale.get(code="behaald")
    # Filled in earlier, except item 3.1 which is left for now.
    Answer.objects.filter(assessment=assessment).exclude(requirement__code="3.1").update(
        level=achieved, explanation="Op orde.", updated_by=users["almere"], version=1
    )
    fill_url = f"/rondes/{open_round.key}/{ALMERE}/invullen/"

    page.goto("/login/")
    tab_until(page, "el.name === 'login'")
    page.keyboard.type("almere")
    tab_until(page, "el.name === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)

    # The start page: the skip link comes first, and the first stop after it is the task.
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.getAttribute('href')") == "#content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.getAttribute('href')") == fill_url
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/invullen/$"))

    # Item 3.1: choose "Niet behaald" with the arrow keys and save without an explanation.
    tab_until(page, "el.type === 'radio' && el.closest('#item-3\\\\.1')")
    assert focus_is_visible(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    checked = page.locator("#item-3\\.1 input[type=radio]:checked")
    assert checked.evaluate("el => el.closest('label').textContent.trim()") == "Niet behaald"
    tab_until(page, "el.type === 'submit' && el.closest('#item-3\\\\.1')")
    page.keyboard.press("Enter")

    # The error: focus goes to the field, which is marked invalid and described by the message.
    page.locator("#item-3\\.1 [aria-invalid=true]").wait_for()
    wait_until(page, f"{ACTIVE}.getAttribute('aria-invalid') === 'true'")
    assert page.evaluate(f"{ACTIVE}.tagName") == "TEXTAREA"
    described = page.evaluate(f"{ACTIVE}.getAttribute('aria-describedby')").split()
    message = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described)
    assert "Licht toe" in message or "Explain" in message, message
    screenshot(page, "keyboard-fill-in-error", element="#item-3\\.1")
    assert axe_violations(page) == []

    page.keyboard.type("Bibob-beleid wordt in het tweede kwartaal vastgesteld.")
    tab_until(page, "el.type === 'submit' && el.closest('#item-3\\\\.1')")
    page.keyboard.press("Enter")
    page.locator("#item-3\\.1 [role=status]").wait_for()
    # Saved: the focus stays on the item's button and the message is read out.
    wait_until(page, f"{ACTIVE}.type === 'submit' && {ACTIVE}.closest('#item-3\\\\.1')")
    wait_until(page, "document.getElementById('nm-announcer').textContent.trim() !== ''")
    answer = Answer.objects.get(assessment=assessment, requirement__code="3.1")
    assert answer.level.code == "niet-behaald" and answer.explanation.startswith("Bibob")

    # Back up to the submit button, and hand the assessment to the working group.
    tab_until(page, "el.type === 'submit' && el.closest('.assessment-status')", backwards=True)
    assert focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    screenshot(page, "keyboard-submitted")
    assert axe_violations(page) == []


def test_coordinator_closes_the_round(page, log_in, users, open_round):
    log_in("coordinator")
    page.goto(f"/rondes/{open_round.key}/")
    page.get_by_role("button", name=re.compile("Meetmoment sluiten|Close round")).click()
    page.locator(".messages").wait_for()
    open_round.refresh_from_db()
    assert open_round.state == "closed"
    assert page.locator(".utrecht-status-badge.state--closed").is_visible()
    screenshot(page, "coordinator-round-closed")
    assert axe_violations(page) == []
