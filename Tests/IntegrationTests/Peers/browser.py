#!/usr/bin/env python3
"""Drives Debian's Chromium (headless, through chromium-driver and Selenium) against the dashboard page.

  browser.py --url URL --request-id ID --department TEXT --screenshot FILE.png

Prints JSON lines: {"event":"live"} once the page's event stream is open (the test then submits the request),
{"event":"row",…} when the screening appears without a reload, {"event":"danish",…} after the language switch,
{"event":"report",…} from the MED report the row links to.
Exits 2 when Chromium or its driver is not installed, 1 on any failed step (with {"event":"error","message"}).
"""
import argparse
import json
import os
import shutil
import sys
import time


def say(**members):
    print(json.dumps(members), flush=True)


def wait_for(what, predicate, timeout):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{what} within {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--request-id", required=True)
    parser.add_argument("--department", required=True)
    parser.add_argument("--screenshot", required=True)
    args = parser.parse_args()
    browser = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not browser or not driver_path:
        say(event="skip", message="chromium or chromium-driver is not installed (scripts/setup installs them)")
        sys.exit(2)
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.get(args.url)
        wait_for("the live badge", lambda: driver.find_element(By.ID, "live").text == "live", 20)
        say(event="live", title=driver.find_element(By.ID, "title").text)

        def row():
            for tr in driver.find_elements(By.CSS_SELECTOR, "#latest tbody tr"):
                if tr.get_attribute("data-request-id") == args.request_id:
                    return tr
            return None

        tr = wait_for("the submitted screening in the page", row, 20)
        try:
            alert = driver.switch_to.alert.text
        except NoAlertPresentException:
            alert = None
        scripts_in_table = driver.execute_script("return document.querySelectorAll('#latest script, #by-department script').length")
        say(event="row", department=tr.find_element(By.CSS_SELECTOR, "td.department").text,
            verdict=tr.find_element(By.CSS_SELECTOR, "td.verdict").text, alert=alert, scripts=scripts_in_table,
            reloaded=driver.execute_script("return performance.getEntriesByType('navigation').length"))
        driver.find_element(By.ID, "lang-da").click()
        wait_for("Danish labels", lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "da", 5)
        tr = wait_for("the row after the switch", row, 5)
        say(event="danish", title=driver.find_element(By.ID, "title").text,
            verdict=tr.find_element(By.CSS_SELECTOR, "td.verdict").text,
            department=tr.find_element(By.CSS_SELECTOR, "td.department").text,
            heading=driver.find_element(By.CSS_SELECTOR, "#latest-section h2").text,
            live=driver.find_element(By.ID, "live").text)
        driver.save_screenshot(args.screenshot)
        say(event="screenshot", path=args.screenshot, bytes=os.path.getsize(args.screenshot))

        # The MED report: the row's request id links to it, in the page's language.
        link = tr.find_element(By.CSS_SELECTOR, "td.request a")
        href = link.get_attribute("href")
        link.click()
        wait_for("the MED report", lambda: "/screenings/" in driver.current_url and driver.find_elements(By.TAG_NAME, "h1"), 10)
        try:
            alert = driver.switch_to.alert.text
        except NoAlertPresentException:
            alert = None
        cells = {row.find_element(By.TAG_NAME, "td").text: row.find_elements(By.TAG_NAME, "td")[-1].text
                 for row in driver.find_elements(By.CSS_SELECTOR, "table.facts-table tr")}
        report_shot = args.screenshot.replace(".png", "-report.png")
        driver.save_screenshot(report_shot)
        say(event="report", href=href, lang=driver.find_element(By.TAG_NAME, "html").get_attribute("lang"),
            kicker=driver.find_element(By.CSS_SELECTOR, "p.kicker").text,
            verdict=driver.find_element(By.CSS_SELECTOR, ".verdict .label").text,
            headings=[h.text for h in driver.find_elements(By.TAG_NAME, "h2")],
            department=cells.get("Afdeling / magistratsafdeling"), alert=alert,
            scripts=driver.execute_script("return document.scripts.length"),
            images=driver.execute_script("return document.images.length"),
            styled=driver.execute_script("return getComputedStyle(document.querySelector('.verdict')).borderTopStyle"),
            screenshot=report_shot, bytes=os.path.getsize(report_shot))
    except Exception as error:  # report, then fail
        say(event="error", message=f"{type(error).__name__}: {error}")
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
