#!/usr/bin/python3
"""Idempotent set-up of the test bed's Keystone and Masakari (called by testbed.sh).

    testbed_setup.py keystone keystone|all   projects, users, roles, catalog, application credential
    testbed_setup.py segment                 the Masakari failover segment "hostwatch"
    testbed_setup.py hosts NAME...           these hosts in the segment (their nova-compute exists)

Facts come from the environment: HW_KEYSTONE_URL, HW_NOVA_URL, HW_MASAKARI_URL, HW_REGION, HW_STATE.
"""
import json
import os
import sys
import time

import requests

KEYSTONE = os.environ["HW_KEYSTONE_URL"]
REGION = os.environ["HW_REGION"]
STATE = os.environ["HW_STATE"]
HEADERS = {"Content-Type": "application/json", "Connection": "close"}
SEGMENT = "hostwatch"


def token(user, password, project, domain="Default"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"name": domain}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": domain}}}}}
    r = requests.post(KEYSTONE + "/auth/tokens", json=body, headers=HEADERS, timeout=30)
    r.raise_for_status()
    return r.headers["X-Subject-Token"], r.json()["token"]


class Api:
    def __init__(self, base, tok):
        self.base = base
        self.headers = dict(HEADERS, **{"X-Auth-Token": tok})

    def call(self, method, path, body=None, ok=(200, 201, 202, 204)):
        r = requests.request(method, self.base + path, headers=self.headers,
                             data=None if body is None else json.dumps(body), timeout=60)
        if r.status_code not in ok:
            raise RuntimeError("%s %s -> %d %s" % (method, path, r.status_code, r.text))
        return r.json() if r.text else {}

    def find(self, collection, key, **query):
        q = "&".join("%s=%s" % kv for kv in query.items())
        items = self.call("GET", "/%s?%s" % (collection, q))[key]
        return items[0] if items else None


def ensure(api, collection, key, name, body, **query):
    found = api.find(collection, collection, name=name, **query)
    if found:
        return found
    return api.call("POST", "/" + collection, {key: dict(body, name=name)})[key]


def keystone(what):
    tok, _ = token("admin", "admin-secret", "admin")
    ks = Api(KEYSTONE, tok)
    domain = ks.call("GET", "/domains?name=Default")["domains"][0]["id"]
    roles = {r["name"]: r["id"] for r in ks.call("GET", "/roles")["roles"]}
    for role in ("admin", "member", "reader", "service"):
        if role not in roles:
            roles[role] = ks.call("POST", "/roles", {"role": {"name": role}})["role"]["id"]
    projects = {}
    for project in ("service", "hostwatch"):
        projects[project] = ensure(ks, "projects", "project", project,
                                   {"domain_id": domain, "description": "test bed"},
                                   domain_id=domain)["id"]

    def user(name, grants):
        u = ensure(ks, "users", "user", name, {"domain_id": domain, "password": name + "-secret"},
                   domain_id=domain)
        # The password again: a bed re-created over an old database keeps the documented one.
        ks.call("PATCH", "/users/" + u["id"], {"user": {"password": name + "-secret"}})
        for project, role in grants:
            ks.call("PUT", "/projects/%s/users/%s/roles/%s" % (projects[project], u["id"], roles[role]))
        return u["id"]

    with open(os.path.join(STATE, "project.id"), "w") as f:
        f.write(projects["hostwatch"] + "\n")
    user("hostwatch", [("hostwatch", "admin"), ("hostwatch", "service")])
    user("hw-reader", [("hostwatch", "reader")])
    user("hw-operator", [("hostwatch", "admin")])
    user("hw-norole", [])
    if what == "all":
        user("nova", [("service", "admin"), ("service", "service")])
        user("masakari", [("service", "admin"), ("service", "service")])
        catalog(ks, "nova", "compute", os.environ["HW_NOVA_URL"])
        catalog(ks, "masakari", "instance-ha", os.environ["HW_MASAKARI_URL"] + "/%(tenant_id)s")
    app_credential()


def catalog(ks, name, kind, url):
    service = ensure(ks, "services", "service", name, {"type": kind, "enabled": True})
    endpoints = ks.call("GET", "/endpoints?service_id=" + service["id"])["endpoints"]
    for interface in ("public", "internal", "admin"):
        mine = [e for e in endpoints if e["interface"] == interface and e.get("region_id") == REGION]
        if not mine:
            ks.call("POST", "/endpoints", {"endpoint": {"service_id": service["id"], "interface": interface,
                                                        "region_id": REGION, "url": url, "enabled": True}})
        elif mine[0]["url"] != url:
            ks.call("PATCH", "/endpoints/" + mine[0]["id"], {"endpoint": {"url": url}})


def app_credential():
    tok, body = token("hostwatch", "hostwatch-secret", "hostwatch")
    uid = body["user"]["id"]
    me = Api(KEYSTONE, tok)
    name = "hostwatch-testbed"
    found = me.call("GET", "/users/%s/application_credentials?name=%s" % (uid, name))["application_credentials"]
    if found:
        cred = found[0]
    else:
        cred = me.call("POST", "/users/%s/application_credentials" % uid, {"application_credential": {
            "name": name, "secret": "hostwatch-appcred-secret",
            "description": "hostwatch's service identity in the test bed"}})["application_credential"]
    with open(os.path.join(STATE, "appcred.id"), "w") as f:
        f.write(cred["id"] + "\n")


def masakari():
    tok, body = token("admin", "admin-secret", "admin")
    url = [e["url"] for s in body["catalog"] if s["type"] == "instance-ha"
           for e in s["endpoints"] if e["interface"] == "public" and e["region_id"] == REGION][0]
    return Api(url, tok)


def segment():
    api = masakari()
    found = [s for s in api.call("GET", "/segments")["segments"] if s["name"] == SEGMENT]
    if not found:
        api.call("POST", "/segments", {"segment": {"name": SEGMENT, "recovery_method": "auto",
                                                   "service_type": "COMPUTE",
                                                   "description": "hostwatch test bed"}})


def hosts(names):
    api = masakari()
    seg = [s for s in api.call("GET", "/segments")["segments"] if s["name"] == SEGMENT][0]["uuid"]
    existing = {h["name"] for h in api.call("GET", "/segments/%s/hosts" % seg)["hosts"]}
    for name in names:
        if name in existing:
            continue
        for attempt in range(30):
            try:
                api.call("POST", "/segments/%s/hosts" % seg, {"host": {
                    "name": name, "type": "COMPUTE", "control_attributes": "SSH"}})
                break
            except RuntimeError as e:
                # Masakari checks the host in Nova; a just-created service is there at once, but
                # keep a bounded retry for a busy machine.
                if attempt == 29:
                    raise
                print("retrying: %s" % e, file=sys.stderr)
                time.sleep(1)


if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "keystone":
        keystone(sys.argv[2])
    elif verb == "segment":
        segment()
    elif verb == "hosts":
        hosts(sys.argv[2:])
    else:
        sys.exit("unknown verb " + verb)
