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
    // Each value is isolated (<bdi>), so an English event name and a time keep their order on a Hebrew page.
    function isolated(text, className) {
      var element = document.createElement("bdi");
      if (className) { element.className = className; }
      element.textContent = text;
      return element;
    }
    var when = isolated(new Date(event.timestamp).toISOString().replace("T", " ").slice(0, 19) + " UTC", "muted");
    var name = document.createElement("strong");
    name.append(isolated(event.name || event.kind));
    item.append(when, " · ", name, " · ", isolated(event.channel || ""), " · ", isolated(event.userId || event.anonymousId || ""));
    list.prepend(item);
    while (list.children.length > 200) { list.removeChild(list.lastChild); }
  }
  ["identify", "track", "page", "screen", "group", "alias"].forEach(function (kind) { source.addEventListener(kind, show); });
})();
