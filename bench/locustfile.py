"""Load test: logged-in unit staff read the cockpit, the project table, project pages and chart
JSON, and submit progress reports. Each successful submission's unique text is written to a file
so that ``bench/load_test`` can check afterwards that every one reached the database.

Only ever run against a server on this machine (127.0.0.1): bench/load_test starts it.
"""

import itertools
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

PLAN = os.environ["LOAD_PLAN_CODE"]
PASSWORD = os.environ.get("LOAD_PASSWORD", "scale-test-2025")
PERIOD = os.environ.get("LOAD_PERIOD", "2025Q4")
SUBMISSIONS = os.environ.get("LOAD_SUBMISSIONS", "/tmp/load-submissions.txt")
numbers = itertools.count()


@events.test_start.add_listener
def start(environment, **kwargs):
    open(SUBMISSIONS, "w").close()


class UnitStaff(HttpUser):
    wait_time = between(0.05, 0.3)

    def on_start(self):
        # One account per simulated person, each in a different unit: no two edit one project.
        self.username = f"{PLAN}-user{next(numbers):04d}"
        self.client.get("/accounts/login/")
        response = self.client.post("/accounts/login/", {
            "username": self.username, "password": PASSWORD,
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken"),
        }, allow_redirects=False, name="login")  # fmt: skip
        if response.status_code != 302:
            raise RuntimeError(f"login failed for {self.username}: {response.status_code}")
        mine = self.client.get("/projects/mine/", name="/projects/mine/")
        self.projects = sorted(set(re.findall(r'href="/projects/(\d+)/"', mine.text)))

    @task(4)
    def cockpit(self):
        self.client.get("/", name="cockpit")

    @task(3)
    def project_table(self):
        self.client.get(f"/projects/?page={random.randint(1, 20)}", name="project table")

    @task(3)
    def project_page(self):
        self.client.get(f"/projects/{random.choice(self.projects)}/", name="project page")

    @task(2)
    def chart(self):
        self.client.get("/cockpit/task-progress.json", name="chart JSON")

    @task(1)
    def submit_report(self):
        project = random.choice(self.projects)
        form = self.client.get(f"/projects/{project}/report/", name="report form").text
        version = re.search(r'name="version" value="(\d+)"', form).group(1)
        percent = re.search(r'name="percent_complete" value="(\d+)"', form).group(1)
        token = f"负载测试 {uuid.uuid4()}"
        data = {
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken"), "version": version,
            "period": PERIOD, "status": "in_progress", "percent_complete": percent,
            "progress": token, "reason": "负载测试", "replace": "on", "confirm_investment": "on",
        }  # fmt: skip
        with self.client.post(f"/projects/{project}/report/", data, allow_redirects=False,
                              name="submit report", catch_response=True) as response:  # fmt: skip
            if response.status_code == 302:
                with open(SUBMISSIONS, "a", encoding="utf-8") as log:
                    log.write(f"{project}\t{token}\n")
            else:
                response.failure(f"report not saved: {response.status_code}")
