// The agent console: keyboard shortcuts, and a case's new messages shown as they arrive (read every 4 seconds
// through the API with the page's session). Text is always set with textContent, never as HTML.
(function () {
  'use strict';
  function typing(event) {
    var el = event.target;
    return el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
  }

  // Queue: j/k move between cases, x checks the current one, n opens the new-case form.
  var links = Array.prototype.slice.call(document.querySelectorAll('#cases a.case-link'));
  if (links.length || document.getElementById('new-case')) {
    var current = -1;
    document.addEventListener('keydown', function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if ((event.key === 'j' || event.key === 'k') && links.length) {
        current = event.key === 'j' ? Math.min(links.length - 1, current + 1) : Math.max(0, current - 1);
        links[current].focus();
        event.preventDefault();
      } else if (event.key === 'x' && current >= 0) {
        var box = links[current].closest('tr').querySelector('input[type=checkbox]');
        if (box) { box.checked = !box.checked; }
        event.preventDefault();
      } else if (event.key === 'n') {
        var details = document.getElementById('new-case');
        if (details) { details.open = true; var first = details.querySelector('input[name=contact]'); if (first) first.focus(); event.preventDefault(); }
      }
    });
  }

  // A case: r replies, i switches to an internal note, Ctrl+Enter sends, s goes to the status.
  var conversation = document.getElementById('conversation');
  if (!conversation) return;
  var body = document.getElementById('reply-body');
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && body && event.target === body) {
      document.getElementById('reply-form').requestSubmit();
      event.preventDefault();
      return;
    }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'r' && body) { body.focus(); event.preventDefault(); }
    else if (event.key === 'i') { var box = document.getElementById('reply-internal'); if (box) { box.checked = !box.checked; event.preventDefault(); } }
    else if (event.key === 's') { var status = document.getElementById('case-status-select'); if (status) { status.focus(); event.preventDefault(); } }
  });

  // A canned reply fills the reply box, to be edited before sending.
  var canned = document.getElementById('reply-canned');
  if (canned && body) {
    canned.addEventListener('change', function () {
      var option = canned.options[canned.selectedIndex];
      var text = option && option.getAttribute('data-text');
      if (text) { body.value = text; body.focus(); }
    });
  }

  var id = conversation.getAttribute('data-case');
  var shown = parseInt(conversation.getAttribute('data-count') || '0', 10);
  var list = document.getElementById('messages');
  var notice = document.getElementById('new-messages');
  var labels = {
    customer: conversation.getAttribute('data-label-customer') || 'customer',
    bot: conversation.getAttribute('data-label-bot') || 'bot',
    agent: conversation.getAttribute('data-label-agent') || 'agent',
    note: conversation.getAttribute('data-label-note') || 'note'
  };
  function add(message) {
    var item = document.createElement('li');
    item.className = 'message message-' + message.author + ' message-new';
    item.setAttribute('data-author', message.author);
    item.setAttribute('data-message', message.id);
    var meta = document.createElement('p');
    meta.className = 'meta';
    var who = document.createElement('bdi');
    who.textContent = labels[message.author] || message.author;
    var strong = document.createElement('strong');
    strong.appendChild(who);
    var when = document.createElement('bdi');
    when.textContent = message.at.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
    meta.appendChild(strong);
    meta.appendChild(document.createTextNode(' · '));
    meta.appendChild(when);
    var text = document.createElement('p');
    text.className = 'body';
    text.setAttribute('dir', 'auto');
    text.textContent = message.body;
    item.appendChild(meta);
    item.appendChild(text);
    list.appendChild(item);
  }
  function show(thread) {
    if (!thread || !thread.messages) return;
    var known = {};
    Array.prototype.forEach.call(list.querySelectorAll('[data-message]'), function (el) { known[el.getAttribute('data-message')] = true; });
    var added = 0;
    thread.messages.forEach(function (message) { if (!known[message.id]) { add(message); added += 1; } });
    if (added > 0) { shown += added; if (notice) notice.hidden = false; }
  }
  function poll() {
    fetch('/api/v1/cases/' + encodeURIComponent(id), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(show)
      .catch(function () {})
      .then(function () { setTimeout(poll, 4000); });
  }
  // New messages are pushed (Server-Sent Events) as soon as they are stored; without EventSource, or after it keeps
  // failing, the page reads the case every four seconds.
  var failures = 0;
  if (window.EventSource) {
    var source = new EventSource('/api/v1/cases/' + encodeURIComponent(id) + '/stream');
    source.addEventListener('case', function (event) { failures = 0; try { show(JSON.parse(event.data)); } catch (e) {} });
    source.addEventListener('access-ended', function () { source.close(); });
    source.onerror = function () { failures += 1; if (failures >= 3) { source.close(); setTimeout(poll, 4000); } };
  } else {
    setTimeout(poll, 4000);
  }
})();
