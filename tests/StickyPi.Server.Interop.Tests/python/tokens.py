"""Tokens across servers: a token is itsdangerous URLSafeTimedSerializer({"id": user id}) signed with SECRET_API_KEY.

usage: run-python tokens.py --secret S --user U --password PW --ours PORT [--upstream PORT] --out FILE

Checks, on our server: its token verifies with itsdangerous and names the user's id; a token minted with
itsdangerous (as upstream's server mints them) is accepted; a tampered or foreign-key token is refused (401).
With --upstream: a token from upstream's server works on ours and the reverse (same secret and same user id).
"""
import argparse, json, sys

import requests
from itsdangerous import URLSafeTimedSerializer

from sticky_pi_api.client import RemoteClient


def token_of(port, user, password):
    r = requests.post("http://127.0.0.1:%d/get_token" % port, auth=(user, password))
    return r.status_code, (r.json() if r.status_code == 200 else None)


def use(port, token):
    """A call with the token as the Basic user name and an empty password, as upstream's client makes it."""
    r = requests.post("http://127.0.0.1:%d/get_users" % port, json=[{}], auth=(token, ""))
    names = sorted(u["username"] for u in r.json()) if r.status_code == 200 else None
    return {"status": r.status_code, "www_authenticate": r.headers.get("WWW-Authenticate"), "users_seen": names}


def whoami(port, token):
    """The id the server resolves a token to: the id inside the fresh token it issues for it."""
    r = requests.post("http://127.0.0.1:%d/get_token" % port, auth=(token, ""))
    if r.status_code != 200:
        return {"status": r.status_code}
    return {"status": 200, "id": URLSafeTimedSerializer("unused").loads_unsafe(r.json()["token"])[1]["id"]}


def user_id(port, token, name):
    r = requests.post("http://127.0.0.1:%d/get_users" % port, json=[{"username": name}], auth=(token, ""))
    return r.json()[0]["id"] if r.status_code == 200 and r.json() else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secret", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--ours", type=int, required=True)
    ap.add_argument("--upstream", type=int)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = {}
    serializer = URLSafeTimedSerializer(a.secret)

    status, ours = token_of(a.ours, a.user, a.password)
    out["ours_get_token_status"] = status
    ours_id = user_id(a.ours, ours["token"], a.user) if ours else None
    out["ours_user_id_known"] = ours_id is not None
    try:
        out["ours_token_verifies_with_itsdangerous"] = serializer.loads(ours["token"], max_age=86400) == {"id": ours_id}
    except Exception as e:
        out["ours_token_verifies_with_itsdangerous"] = "refused: %s" % e
    if ours_id is not None:
        minted = serializer.dumps({"id": ours_id})
        out["itsdangerous_token_on_ours"] = use(a.ours, minted)
        out["itsdangerous_token_resolves_to_the_user"] = whoami(a.ours, minted).get("id") == ours_id
        head, ts, sig = minted.split(".")
        tampered = ".".join([head, ts, ("A" if sig[0] != "A" else "B") + sig[1:]])
        out["tampered_token_on_ours"] = use(a.ours, tampered)["status"]
        out["foreign_key_token_on_ours"] = use(a.ours, URLSafeTimedSerializer(a.secret + "-other").dumps({"id": ours_id}))["status"]
        out["unknown_user_token_on_ours"] = use(a.ours, serializer.dumps({"id": 987654}))["status"]
    # a whole client session on a minted token: the client only ever sends it as the Basic user name
    if a.upstream:
        status, up = token_of(a.upstream, a.user, a.password)
        out["upstream_get_token_status"] = status
        up_id = user_id(a.upstream, up["token"], a.user) if up else None
        out["same_user_id_on_both"] = up_id == ours_id
        out["upstream_token_on_ours"] = use(a.ours, up["token"]) if up else None
        out["ours_token_on_upstream"] = use(a.upstream, ours["token"]) if ours else None
        out["upstream_token_resolves_on_ours_to_the_user"] = whoami(a.ours, up["token"]).get("id") == ours_id if up else None
    json.dump(out, open(a.out, "w"), indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
