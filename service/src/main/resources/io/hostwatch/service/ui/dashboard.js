// hostwatch dashboard: polls the REST API of the server that served this page and redraws.
// No framework and nothing from elsewhere; the Keystone token, when one is given, stays in this
// tab's sessionStorage and is sent as X-Auth-Token with every request.
//
// Light on a large fleet: every second it reads the detector, the groups' counts per state and,
// per group, only the members that are not RUNNING (?except=RUNNING); a group's full member list
// is read when its counts change, when a member drawn as not RUNNING has left that list, and at
// least every FULL_EVERY_MILLIS. A group's tiles are rebuilt only when what it shows changed.
(function () {
  "use strict";
  var POLL_MILLIS = 1000;
  var FULL_EVERY_MILLIS = 30000;
  var TOKEN_KEY = "hostwatch.token";
  var selected = null; // {group, host} of the member shown in the detail panel
  var known = {}; // group -> {counts, at, generation, members: the full list with fresher non-RUNNING entries}
  var drawn = {}; // group -> signature of what its section shows
  var generation = 0;

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function api(path) {
    var headers = { "Accept": "application/json" };
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) { headers["X-Auth-Token"] = token; }
    return fetch(path, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { throw new Error("authentication required: enter a Keystone token (X-Auth-Token) above"); }
      if (r.status === 403) { throw new Error("this token lacks the reader role"); }
      if (!r.ok) { throw new Error(path + ": HTTP " + r.status); }
      return r.json();
    });
  }

  function ago(iso) {
    if (!iso) { return ""; }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) { return s + "s ago"; }
    if (s < 7200) { return Math.round(s / 60) + "m ago"; }
    return Math.round(s / 3600) + "h ago";
  }

  function showError(message) {
    var e = $("error");
    e.hidden = !message;
    e.textContent = message || "";
  }

  function drawDetector(d) {
    $("leader").textContent = d.leaderInstance || (d.leader ? d.instance : "none");
    $("epoch").textContent = d.epoch;
    $("judging").textContent = d.judging ? "yes" : "no";
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    var brakes = Object.keys(d.brakes || {}).filter(function (g) { return d.brakes[g].engaged; });
    var b = $("brakes");
    b.hidden = brakes.length === 0;
    b.replaceChildren.apply(b, brakes.map(function (g) {
      var r = d.brakes[g];
      return el("span", { "class": "brake", "data-group": g,
        text: "BRAKE engaged in " + g + ": " + (r.reason || (r.lost + " of " + r.members + " lost")) +
          " (verdicts held non-actionable until an operator releases it)" });
    }));
  }

  function tile(v) {
    var classes = "tile state-" + v.state + (v.actionable ? " actionable" : "");
    var t = el("div", { "class": classes, "data-host": v.host, "data-state": v.state,
      "data-actionable": String(!!v.actionable), title: v.reason || "" }, [
      el("div", { "class": "host", text: v.host }),
      el("div", { "class": "state", text: v.state }),
      el("div", { "class": "since", "data-since": v.since || "", text: "since " + ago(v.since) }),
      el("div", { "class": "reason", text: v.reason || "" })
    ]);
    t.addEventListener("click", function () { select(v.group, v.host); });
    return t;
  }

  function section(list) {
    var counts = {};
    list.members.forEach(function (v) { counts[v.state] = (counts[v.state] || 0) + 1; });
    var summary = Object.keys(counts).sort().map(function (s) { return counts[s] + " " + s; }).join(", ");
    return el("section", { "class": "group", "data-group": list.group }, [
      el("h2", { text: list.group }, [el("span", { "class": "counts", text: summary })]),
      el("div", { "class": "tiles" }, list.members.map(tile))
    ]);
  }

  // Rebuilds the sections whose signature changed; elsewhere only the "since" texts move on.
  function drawGroups(lists) {
    var main = $("groups");
    var old = {};
    Array.prototype.forEach.call(main.children, function (s) { old[s.getAttribute("data-group")] = s; });
    var next = {};
    var sections = lists.map(function (list) {
      next[list.group] = list.signature;
      if (old[list.group] && drawn[list.group] === list.signature) { return old[list.group]; }
      return section(list);
    });
    drawn = next;
    main.replaceChildren.apply(main, sections);
    Array.prototype.forEach.call(main.querySelectorAll(".since[data-since]"), function (e) {
      var text = "since " + ago(e.getAttribute("data-since"));
      if (e.textContent !== text) { e.textContent = text; }
    });
  }

  function full(g, base) {
    return api(base).then(function (list) {
      generation += 1;
      known[g.name] = { counts: g.counts, at: Date.now(), generation: generation, members: list.members };
      return { group: g.name, members: list.members, signature: "full " + generation };
    });
  }

  // One group's members: the full list when needed, else the cached one with fresh non-RUNNING entries.
  function membersOf(g) {
    var base = "../v1/groups/" + encodeURIComponent(g.name) + "/members";
    var k = known[g.name];
    if (!k || k.counts !== g.counts || Date.now() - k.at > FULL_EVERY_MILLIS) { return full(g, base); }
    return api(base + "?except=RUNNING").then(function (list) {
      var fresh = {};
      list.members.forEach(function (v) { fresh[v.host] = v; });
      var hosts = {};
      k.members.forEach(function (v) { hosts[v.host] = true; });
      var moved = k.members.some(function (v) { return v.state !== "RUNNING" && !fresh[v.host]; }) ||
        list.members.some(function (v) { return !hosts[v.host]; });
      if (moved) { return full(g, base); }
      k.members = k.members.map(function (v) { return fresh[v.host] || v; });
      return { group: g.name, members: k.members,
        signature: "full " + k.generation + " " + JSON.stringify(list.members.map(function (v) {
          return [v.host, v.state, v.since, v.actionable, v.reason];
        })) };
    });
  }

  function row(label, value) {
    if (value === undefined || value === null || value === "") { return []; }
    return [el("dt", { text: label }), el("dd", { text: String(value) })];
  }

  function evidenceText(e) {
    if (!e) { return ""; }
    return Object.keys(e).filter(function (k) { return e[k] !== null && e[k] !== undefined; })
      .map(function (k) { return k + "=" + (Array.isArray(e[k]) ? e[k].join(",") : e[k]); }).join("  ");
  }

  function drawDetail(v, history) {
    $("detail").hidden = false;
    $("detail-title").textContent = v.group + "/" + v.host + ": " + v.state + (v.actionable ? " *" : "");
    var ev = v.evidence || {};
    var dl = el("dl");
    [].concat(
      row("reason", v.reason), row("since", v.since + " (" + ago(v.since) + ")"), row("actionable", v.actionable),
      row("safeToRecoverAt", v.safeToRecoverAt), row("address", v.address), row("incarnation", v.incarnation),
      row("epoch", v.epoch), row("holds", (v.holds || []).join(", ")),
      row("heartbeat", evidenceText(ev.heartbeat)), row("ping", evidenceText(ev.ping)),
      row("storage", evidenceText(ev.storage)), row("nova", v.nova ? JSON.stringify(v.nova) : "")
    ).forEach(function (n) { dl.appendChild(n); });
    $("detail-body").replaceChildren(dl);
    var body = $("history").tBodies[0];
    body.replaceChildren.apply(body, (history.transitions || []).map(function (h) {
      return el("tr", {}, [el("td", { text: h.since || h.updatedAt }), el("td", { text: h.state }),
        el("td", { text: String(h.epoch) }), el("td", { text: h.reason || "" })]);
    }));
  }

  function select(group, host) {
    selected = { group: group, host: host };
    refreshDetail();
  }

  function refreshDetail() {
    if (!selected) { return Promise.resolve(); }
    var base = "../v1/groups/" + encodeURIComponent(selected.group) + "/members/" + encodeURIComponent(selected.host);
    return Promise.all([api(base), api(base + "/history?limit=20")])
      .then(function (r) { drawDetail(r[0], r[1]); });
  }

  function refresh() {
    return Promise.all([api("../v1/detector"), api("../v1/groups")]).then(function (r) {
      drawDetector(r[0]);
      var groups = r[1].groups || [];
      var names = {};
      groups.forEach(function (g) { names[g.name] = true; g.counts = g.members + " " + JSON.stringify(g.states); });
      Object.keys(known).forEach(function (n) { if (!names[n]) { delete known[n]; } });
      return Promise.all(groups.map(membersOf));
    }).then(function (lists) {
      drawGroups(lists);
      return refreshDetail();
    }).then(function () { showError(null); }, function (e) { showError(e.message); });
  }

  // Every second, or twice as long as the last refresh took: a large fleet or a slow link backs off.
  function loop() {
    var started = Date.now();
    refresh().then(function () { setTimeout(loop, Math.max(POLL_MILLIS, 2 * (Date.now() - started))); });
  }

  $("token").value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("auth").addEventListener("submit", function (e) {
    e.preventDefault();
    var t = $("token").value.trim();
    if (t) { sessionStorage.setItem(TOKEN_KEY, t); } else { sessionStorage.removeItem(TOKEN_KEY); }
    refresh();
  });
  $("close-detail").addEventListener("click", function () { selected = null; $("detail").hidden = true; });
  loop();
}());
