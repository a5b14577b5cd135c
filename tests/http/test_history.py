#!/usr/bin/env python3
"""GET /api/v1/incidents/{id}/history: the changes of an incident (create, update, attach)
from the audit log, for whoever may see the incident, and for nobody else (404, as for the
incident itself)."""
from harness import Server, setup_world, incident, eq, check, finish

srv = Server()
srv.start()
try:
    w = setup_world(srv)
    a = srv.login("a-analyst")
    b = srv.login("b-analyst")
    st, inc = a.post("/api/v1/incidents", incident("history test", distribution="own-org"))
    eq(st, 201, "create")
    iid = inc["id"]
    st, upd = a.patch(f"/api/v1/incidents/{iid}", {"narrative": "more facts", "version": inc["version"]})
    eq(st, 200, "update")
    a.get(f"/api/v1/incidents/{iid}")  # a read is audited but is not history
    st, h = a.get(f"/api/v1/incidents/{iid}/history")
    eq(st, 200, "history of an own incident")
    eq([e["action"] for e in h["items"]], ["create", "update"], "actions, oldest first")
    check(all(e["username"] == "a-analyst" and e["time"] for e in h["items"]), "who and when")
    eq(b.get(f"/api/v1/incidents/{iid}/history")[0], 404, "another organisation, not shared")
    st, _ = a.patch(f"/api/v1/incidents/{iid}", {"distribution": "sharing-group",
                                                   "sharing_group_id": w["group"],
                                                   "version": upd["version"]})
    eq(st, 200, "share with the group")
    st, h = b.get(f"/api/v1/incidents/{iid}/history")
    eq(st, 200, "a member of the group sees the history")
    eq(len(h["items"]), 3, "create and two updates")
    eq(srv.login("c-analyst").get(f"/api/v1/incidents/{iid}/history")[0], 404, "outside the group")
finally:
    srv.stop()
    srv.cleanup()
finish()
