// The live stream page: new events appear as they are ingested (Server-Sent Events). No framework, no build step.
(function () {
  "use strict";
  var list = document.getElementById("live-events");
  var status = document.getElementById("live-status");
  if (!list || !window.EventSource) { return; }
  var params = new URLSearchParams(window.location.search);
  var query = new URLSearchParams();
  ["type", "channel", "event"].forEach(function (name) { if (params.get(name)) { query.set(name, params.get(name)); } });
  var source = new EventSource("/api/v1/events/stream?" + query.toString());
  source.onopen = function () { status.textContent = status.dataset.connected; };
  source.onerror = function () { status.textContent = status.dataset.reconnecting; };
  function show(message) {
    var event = JSON.parse(message.data);
    var item = document.createElement("li");
    item.className = "live-event";
    var when = document.createElement("span");
    when.className = "muted";
    when.textContent = new Date(event.timestamp).toISOString().replace("T", " ").slice(0, 19) + " UTC";
    var name = document.createElement("strong");
    name.textContent = event.name || event.kind;
    var who = document.createElement("span");
    who.textContent = event.userId || event.anonymousId || "";
    item.append(when, " · ", name, " · ", event.channel, " · ", who);
    list.prepend(item);
    while (list.children.length > 200) { list.removeChild(list.lastChild); }
  }
  ["identify", "track", "page", "screen", "group", "alias"].forEach(function (kind) { source.addEventListener(kind, show); });
})();
