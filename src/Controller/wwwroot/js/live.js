// Live updates for pages that show nodes (the node list, a node page). The page is complete without this script;
// the script only keeps it current. The server sends each changed node as JSON ("node" events) with every figure
// already worded in the page's language; this script copies the words into the elements marked data-f, sets the
// condition (data-c) that colours the row, and adds or removes rows that start or stop matching the page's filter.
// A node page's stream also sends "command" events (a command line, worded like the server-rendered one: an
// acknowledgement turns "pending" into "done", and the "command sent" announcement follows it) and "security" events
// (the node's refusals, shown in the alert panel) and "audio" events (the output's state and the play reports; a stop
// button whose play is no longer sounding is hidden). Each list row carries its sort key (data-k, [group, value, id]):
// a row that appears, or whose key changes, is put where a reload would put it.
// EventSource reconnects by itself after most drops; when it gives up (an error answer, e.g. from a proxy while
// the controller restarts), the script starts a new one, backing off up to 30 s. The banner says so meanwhile.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var banner = document.getElementById("live-status");
  var template = document.getElementById("node-row-template");
  var rows = document.getElementById("node-rows");
  var delay = 1000;
  var source = null;
  // Every node's condition, from the stream (which starts with the whole fleet), for the counts above the list.
  var conditions = {};

  function setBanner(reconnecting) { if (banner) { banner.hidden = !reconnecting; } }

  function fill(element, node) {
    element.setAttribute("data-c", node.c);
    if (node.k && node.k.length) { element.setAttribute("data-k", JSON.stringify(node.k)); }
    element.querySelectorAll("[data-f]").forEach(function (field) {
      var value = node.f[field.getAttribute("data-f")];
      if (value !== undefined && field.textContent !== value) { field.textContent = value; }
    });
    element.querySelectorAll("a[data-link]").forEach(function (link) {
      link.href = "/nodes/" + encodeURIComponent(node.id);
      link.textContent = node.id;
    });
  }

  function recount() {
    document.querySelectorAll("[data-total]").forEach(function (total) {
      total.textContent = total.getAttribute("data-format").replace("{0}", String(Object.keys(conditions).length));
    });
    document.querySelectorAll("[data-count]").forEach(function (count) {
      var wanted = count.getAttribute("data-count");
      count.textContent = String(Object.keys(conditions).filter(function (id) { return conditions[id] === wanted; }).length);
    });
  }

  function part(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // The server's order: group ascending (unknown figures last), value in the page's direction, then id ascending.
  function compare(a, b) {
    var descending = rows && rows.getAttribute("data-desc") === "true";
    return part(a[0], b[0]) || part(a[1], b[1]) * (descending ? -1 : 1) || part(a[2], b[2]);
  }

  function place(row) {
    var key = JSON.parse(row.getAttribute("data-k") || "null");
    if (!key) { if (!row.parentNode) { rows.appendChild(row); } return; }
    var before = null;
    for (var other = rows.firstElementChild; other; other = other.nextElementSibling) {
      var otherKey = other !== row && JSON.parse(other.getAttribute("data-k") || "null");
      if (otherKey && compare(key, otherKey) < 0) { before = other; break; }
    }
    if (before !== row.nextElementSibling || !row.parentNode) {
      // Moving the row that holds the focus would lose it; it is put back where it was.
      var focused = row.contains(document.activeElement) ? document.activeElement : null;
      rows.insertBefore(row, before);
      if (focused) { focused.focus(); }
    }
  }

  function apply(node) {
    var found = document.querySelectorAll("[data-node='" + CSS.escape(node.id) + "']");
    if (!node.show) {
      found.forEach(function (element) { if (element.tagName === "TR") { element.remove(); } });
    } else if (found.length === 0 && template && rows) {
      var row = template.content.firstElementChild.cloneNode(true);
      row.setAttribute("data-node", node.id);
      fill(row, node);
      place(row);
    } else {
      found.forEach(function (element) {
        var keyBefore = element.getAttribute("data-k");
        fill(element, node);
        if (element.tagName === "TR" && rows && element.getAttribute("data-k") !== keyBefore) { place(element); }
      });
      heartbeatInput(node);
    }
  }

  // The heartbeat field shows the node's interval; once the node reports a new one, so does the field, unless the
  // technician is typing in it.
  function heartbeatInput(node) {
    var input = document.getElementById("heartbeat-seconds");
    var seconds = node.f.heartbeat && node.f.heartbeat.match(/\d+/);
    if (input && seconds && document.activeElement !== input && input.value === input.defaultValue) {
      input.defaultValue = seconds[0];
      input.value = seconds[0];
    }
  }

  function command(line) {
    var sent = document.querySelector("[data-sent='" + CSS.escape(line.id) + "']");
    if (sent) {
      sent.setAttribute("data-s", line.s);
      sent.querySelector("[data-f='outcome']").textContent = line.f.outcome;
    }
    var list = document.getElementById("command-rows");
    var commandTemplate = document.getElementById("command-template");
    if (!list) { return; }
    var item = list.querySelector("[data-cmd='" + CSS.escape(line.id) + "']");
    if (!item) {
      if (!commandTemplate) { return; }
      item = commandTemplate.content.firstElementChild.cloneNode(true);
      item.setAttribute("data-cmd", line.id);
      list.insertBefore(item, list.firstElementChild);
      document.querySelectorAll("[data-no-commands]").forEach(function (empty) { empty.hidden = true; });
    }
    item.setAttribute("data-s", line.s);
    item.querySelectorAll("[data-f]").forEach(function (field) {
      var value = line.f[field.getAttribute("data-f")];
      if (value !== undefined && field.textContent !== value) { field.textContent = value; }
    });
    var identity = item.querySelector("[data-identity]");
    if (identity && identity.children.length !== line.identity.length) {
      identity.textContent = "";
      line.identity.forEach(function (pair) {
        var row = document.createElement("div");
        var term = document.createElement("dt");
        var value = document.createElement("dd");
        term.textContent = pair[0];
        value.textContent = pair[1];
        row.appendChild(term);
        row.appendChild(value);
        identity.appendChild(row);
      });
    }
  }

  function security(summary) {
    var panel = document.querySelector("[data-security]");
    if (!panel) { return; }
    panel.hidden = summary.count === 0;
    panel.querySelector("[data-f='headline']").textContent = summary.headline;
    panel.querySelector("[data-f='since']").textContent = summary.since;
    var list = panel.querySelector("[data-list]");
    list.textContent = "";
    summary.lines.forEach(function (line) {
      var item = document.createElement("li");
      var time = document.createElement("time");
      var reason = document.createElement("strong");
      var detail = document.createElement("small");
      item.setAttribute("data-code", line.code);
      time.setAttribute("datetime", line.iso);
      time.textContent = line.at;
      reason.textContent = line.reason;
      detail.textContent = line.text;
      item.appendChild(time);
      item.appendChild(document.createTextNode(" — "));
      item.appendChild(reason);
      item.appendChild(document.createElement("br"));
      item.appendChild(detail);
      list.appendChild(item);
    });
  }

  function audio(panel) {
    var state = document.querySelector("[data-audio-state]");
    if (state && panel.state !== null) {
      state.setAttribute("data-audio-state", panel.stateCode);
      state.textContent = panel.state;
    }
    var list = document.querySelector("[data-play-reports]");
    if (!list) { return; }
    list.textContent = "";
    panel.reports.forEach(function (line) {
      var item = document.createElement("li");
      var time = document.createElement("time");
      if (line.play !== null) { item.setAttribute("data-play", line.play); }
      item.setAttribute("data-code", line.code);
      time.setAttribute("datetime", line.iso);
      time.textContent = line.at;
      item.appendChild(time);
      item.appendChild(document.createTextNode(" — " + line.sentence));
      list.appendChild(item);
    });
    document.querySelectorAll("[data-no-reports]").forEach(function (empty) { empty.hidden = panel.reports.length > 0; });
    document.querySelectorAll("[data-stop]").forEach(function (button) {
      var id = button.getAttribute("data-stop");
      var newest = panel.reports.filter(function (line) { return line.play === id; })[0];
      if (newest && !newest.sounding) { button.closest("form").hidden = true; }
    });
  }

  function connect() {
    source = new EventSource(live.getAttribute("data-live"));
    source.addEventListener("open", function () { delay = 1000; setBanner(false); });
    source.addEventListener("node", function (event) {
      var node = JSON.parse(event.data);
      conditions[node.id] = node.c;
      apply(node);
      recount();
    });
    source.addEventListener("command", function (event) { command(JSON.parse(event.data)); });
    source.addEventListener("security", function (event) { security(JSON.parse(event.data)); });
    source.addEventListener("audio", function (event) { audio(JSON.parse(event.data)); });
    source.addEventListener("error", function () {
      setBanner(true);
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      }
    });
  }

  connect();
})();
