#!/usr/bin/env python3
"""Drives the opm web dashboard in a real headless Chromium through
chromedriver's W3C WebDriver protocol (plain HTTP + JSON, standard library
only), for t-web-browser.sh.

usage: webdriver.py DRIVER_URL DASHBOARD_URL TOKEN SCREENSHOT APP...

Logs in with the token, waits until every APP is in the table and online,
saves a screenshot, clicks the restart button of the first APP and waits
for the page to say it is done. Prints one line per step; exits non-zero
naming the step that failed.
"""
import base64
import json
import sys
import time
import urllib.request


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())["value"]


def main():
    driver, base, token, shot = sys.argv[1:5]
    want = sys.argv[5:]
    caps = {"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,760"]}}}}
    sid = call("POST", driver + "/session", caps)["sessionId"]
    s = driver + "/session/" + sid
    js = lambda code: call("POST", s + "/execute/sync",
                           {"script": code, "args": []})
    try:
        call("POST", s + "/url", {"url": base + "/login?token=" + token})
        rows = {}
        deadline = time.time() + 30
        while time.time() < deadline:
            rows = js("return Object.fromEntries([...document.querySelectorAll("
                      "'tr.app')].map(r => [r.dataset.app, "
                      "r.querySelector('.status').textContent]))") or {}
            if all(rows.get(a) == "online" for a in want):
                break
            time.sleep(0.2)
        print("rows:", json.dumps(rows, sort_keys=True))
        if not all(rows.get(a) == "online" for a in want):
            sys.exit("not every app online in the page: %s" % rows)
        # Let the charts get a few points, then take the picture.
        time.sleep(3)
        js("loadDetail(); return 1")
        time.sleep(1)
        png = base64.b64decode(call("GET", s + "/screenshot"))
        with open(shot, "wb") as f:
            f.write(png)
        print("screenshot:", shot, len(png), "bytes")
        el = call("POST", s + "/element", {
            "using": "css selector",
            "value": 'button.act[data-do="restart"][data-app="%s"]' % want[0]})
        eid = list(el.values())[0]
        call("POST", s + "/element/" + eid + "/click", {})
        deadline = time.time() + 30
        msg = ""
        while time.time() < deadline:
            msg = js("return document.getElementById('msg').textContent")
            if msg.endswith(": done") or "restart " + want[0] + ": " in msg \
                    and not msg.endswith("..."):
                break
            time.sleep(0.2)
        print("message:", msg)
        if msg != "restart %s: done" % want[0]:
            sys.exit("restart button: page says %r" % msg)
    finally:
        call("DELETE", s)


if __name__ == "__main__":
    main()
