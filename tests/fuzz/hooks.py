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


@schemathesis.hook
def map_query(context, query):
    """A follower may wait up to 60 s at the feed's head; the fuzzer's calls wait at most 1 s, so
    that its bounded run is spent on cases rather than on waiting."""
    if query and str(query.get("wait", "")).strip().isdigit() and int(str(query["wait"]).strip()) > 1:
        query["wait"] = 1
    return query
