"""Debian's headless Chromium driven through chromedriver (python3-selenium),
as the browser tests open pages: a fixed window, the console kept, and
full-page screenshots into an artifacts directory."""
import os

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


class Browser:
    def __init__(self, language="en-US"):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,1600", "--lang=" + language):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def console(self):
        return self.driver.get_log("browser")

    def screenshot(self, directory, name):
        """The whole page, however long, as directory/name; returns its path."""
        os.makedirs(directory, exist_ok=True)
        height = self.js("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, min(height + 100, 16000))
        path = os.path.join(directory, name)
        self.driver.save_screenshot(path)
        self.driver.set_window_size(1280, 1600)
        return path

    def quit(self):
        self.driver.quit()
