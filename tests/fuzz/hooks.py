"""Schemathesis hooks for tieuchuan: the fuzzer signs in as the admin the run script created, and
signs in again every few seconds, since fuzzed calls may revoke its token (a role change of its own
account bumps the token version). The sign-in limit is 10 a minute per username."""

import os

import requests
import schemathesis


@schemathesis.auth(refresh_interval=8)
class AdminToken:
    def get(self, case, context):
        base = os.environ["FUZZ_BASE"]
        answer = requests.post(
            f"{base}/api/v1/auth/login",
            json={"username": os.environ["FUZZ_ADMIN"], "password": os.environ["FUZZ_PASSWORD"]},
            timeout=30,
        )
        return answer.json().get("access_token", "")

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
