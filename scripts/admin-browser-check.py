#!/usr/bin/env python3
"""Drives the operator page in headless Chromium (Debian's chromium + chromium-driver, through
Selenium) for Tests/MediaDaemonTests/AdminBrowserTests.swift, which starts `serve`, seeds the
database and asserts each check this prints: one JSON object per line,
{"check": NAME, "ok": BOOL, "detail": TEXT}.

Offline: Selenium Manager is off (SE_OFFLINE), the browser gets no background networking and
resolves no name but loopback.

usage: admin-browser-check.py BASE_URL OPERATOR_TOKEN USER PASSWORD DEAD_JOB_ID MEDIA_ID QUARANTINED_KEY OUTPUT_DIR HIDDEN_POST_ID
"""

import json
import os
import sys
import tempfile
import urllib.error
import urllib.request

os.environ["SE_OFFLINE"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

base, token, user, password, job_id, media_id, key, output, post_id = sys.argv[1:10]
os.makedirs(output, exist_ok=True)


def report(check, ok, detail=""):
    print(json.dumps({"check": check, "ok": bool(ok), "detail": str(detail)[:2000]}), flush=True)


def browser():
    options = webdriver.ChromeOptions()
    binary = "/usr/lib/chromium/chromium"
    options.binary_location = binary if os.path.exists(binary) else "/usr/bin/chromium"
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage",
        "--disable-gpu", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--window-size=1280,900", "--user-data-dir=" + tempfile.mkdtemp(prefix="md-chromium-"),
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))


def severe(driver):
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def act(driver, button):
    """Clicks an action's button, accepts its confirmation and waits for the reload that
    follows the action's success (a new document, without the mark set on this one)."""
    driver.execute_script("window.mdBefore = true")
    button.click()
    WebDriverWait(driver, 10).until(EC.alert_is_present())
    driver.switch_to.alert.accept()
    WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.mdBefore === undefined && document.readyState === 'complete'"))


def public_status(path):
    """The status the public API answers for `path`, asked outside the browser (a 404 there
    would log a console error)."""
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def shoot(driver, name):
    for label, (width, height) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        driver.set_window_size(width, height)
        driver.save_screenshot(os.path.join(output, f"{name}-{label}.png"))
    driver.set_window_size(1280, 900)


driver = browser()
wait = WebDriverWait(driver, 20)
try:
    driver.get(base + "/admin")
    report("refused_without_credentials", driver.current_url.endswith("/admin/login"), driver.current_url)

    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login").click()
    wait.until(lambda d: d.find_elements(By.ID, "login-error"))
    refused = "not an operator" in driver.find_element(By.ID, "login-error").text
    driver.get(base + "/admin")
    report("refused_ordinary_user", refused and driver.current_url.endswith("/admin/login"), driver.current_url)
    severe(driver)  # the refusals above log their 401 and 403: start the clean count here

    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "token-login").click()
    wait.until(lambda d: d.current_url.rstrip("/").endswith("/admin") and d.find_elements(By.ID, "lanes"))
    report("logged_in_as_operator", "Overview" in driver.find_element(By.TAG_NAME, "h1").text, driver.title)

    first = driver.find_element(By.ID, "updated").text
    wait.until(lambda d: d.find_element(By.ID, "updated").text != first)
    report("overview_updates_live", True, first + " -> " + driver.find_element(By.ID, "updated").text)
    wait.until(lambda d: d.execute_script("const c = document.getElementById('chart'); return c.complete && c.naturalWidth > 0"))
    shoot(driver, "overview")

    driver.get(base + "/admin/jobs?state=dead")
    rows = driver.find_elements(By.CSS_SELECTOR, f'tr[data-job="{job_id}"]')
    report("failing_job_listed", rows and "bad_input" in rows[0].text, rows[0].text if rows else "no row")
    act(driver, rows[0].find_element(By.CSS_SELECTOR, "button.retry"))

    def succeeded(d):
        d.get(f"{base}/admin/jobs/{job_id}")
        return "succeeded" in d.find_element(By.ID, "job").text

    WebDriverWait(driver, 120, poll_frequency=1).until(succeeded)
    report("retried_job_succeeded", True, driver.find_element(By.ID, "job").text.splitlines()[0])
    shoot(driver, "job")

    driver.get(base + "/admin/failures")
    act(driver, driver.find_element(By.XPATH, f'//table[@id="quarantine"]//tr[contains(., "{key}")]//button'))
    wait.until(lambda d: key not in d.find_element(By.ID, "quarantine").text)
    report("quarantine_lifted", True, key)

    driver.get(f"{base}/admin/media/{media_id}")
    wait.until(lambda d: d.execute_script("const i = document.querySelector('img.thumb'); return i && i.complete"))
    width = driver.execute_script("return document.querySelector('img.thumb').naturalWidth")
    report("thumbnail_loaded", width == 150, width)
    shoot(driver, "media")

    hidden_before = public_status(f"/api/v1/posts/{post_id}")
    driver.get(base + "/admin/moderation")
    rows = driver.find_elements(By.CSS_SELECTOR, f'#pending tr[data-post="{post_id}"]')
    report("reported_post_listed", rows and hidden_before == 404 and "pending" in rows[0].text,
           f"{hidden_before} " + (rows[0].text if rows else "no row"))
    shoot(driver, "moderation")
    act(driver, rows[0].find_element(By.CSS_SELECTOR, "button.restore"))
    gone = not driver.find_elements(By.CSS_SELECTOR, f'#pending tr[data-post="{post_id}"]')
    # Asked outside the browser too: the browser would also ask for /favicon.ico, a 404.
    shown = public_status(f"/api/v1/posts/{post_id}")
    report("reported_post_restored", gone and shown == 200, f"pending row gone: {gone}, public status {shown}")

    errors = severe(driver)
    report("no_console_errors", not errors, errors)

    driver.get("data:text/html,<script>console.error('control error')</script>")
    caught = [entry for entry in severe(driver) if "control error" in entry.get("message", "")]
    report("control_error_caught", caught, caught)
except Exception as error:  # a failed step is a failed check the Swift test names
    report("exception", False, f"{type(error).__name__}: {getattr(error, 'msg', None) or error}")
finally:
    driver.quit()
