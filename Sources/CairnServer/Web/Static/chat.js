/*
 * Cairn's chat widget. On any site:
 *   <script src="https://cairn.example.com/static/chat.js" data-write-key="cairn_wk_…" data-lang="optional: en, de, zh or he"
 *           data-identity-token="optional: a token your server signed" data-name="optional" data-email="optional"
 *           data-team="optional: a team's id" data-skill="optional, e.g. returns" async></script>
 * It draws itself in a shadow root (the host element is #cairn-chat-host), so the site's styles leave it alone.
 * A button opens a panel (the whole screen on a phone, right to left in Hebrew). The bot answers first; when it hands
 * over, the panel shows the place in the queue and the expected wait, then the agent's replies as they come (pushed as
 * Server-Sent Events; read every two seconds where that fails). The conversation survives a page change within the tab. Texts are set as text, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src).origin;
  var key = script.getAttribute("data-write-key");
  if (!key) { return; }
  var lang = (script.getAttribute("data-lang") || navigator.language || "en").slice(0, 2).toLowerCase();
  if (["en", "de", "zh", "he"].indexOf(lang) < 0) { lang = "en"; }
  var identityToken = script.getAttribute("data-identity-token") || "";
  var texts = {
    en: { open: "Chat with us", close: "Close", placeholder: "Write a message", send: "Send", title: "Chat", bot: "Assistant", agent: "Agent", you: "You",
          waiting: "You are number {position} in the queue, about {minutes} min.", email: "We will answer by email.", error: "Sorry, that did not work. Please try again." },
    de: { open: "Chatten Sie mit uns", close: "Schließen", placeholder: "Nachricht schreiben", send: "Senden", title: "Chat", bot: "Assistent", agent: "Mitarbeiter:in", you: "Sie",
          waiting: "Sie sind Nummer {position} in der Warteschlange, etwa {minutes} Min.", email: "Wir antworten per E-Mail.", error: "Das hat leider nicht geklappt. Bitte erneut versuchen." },
    zh: { open: "在线咨询", close: "关闭", placeholder: "输入消息", send: "发送", title: "在线客服", bot: "智能助手", agent: "客服", you: "您",
          waiting: "您在队列中排第 {position} 位，约 {minutes} 分钟。", email: "我们将通过电子邮件回复您。", error: "抱歉，发送失败，请重试。" },
    he: { open: "צ׳אט איתנו", close: "סגירה", placeholder: "כתבו הודעה", send: "שליחה", title: "צ׳אט", bot: "עוזר", agent: "נציג/ה", you: "את/ה",
          waiting: "את/ה מספר {position} בתור, כ־{minutes} דקות.", email: "נענה בדוא״ל.", error: "מצטערים, זה לא הצליח. נסו שוב." }
  }[lang];
  var storageKey = "cairn-chat-" + key.slice(-8);
  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(storageKey) || "null"); } catch (e) { saved = null; }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // The widget lives in a shadow root of its own host element: the site's CSS cannot restyle it, nor its CSS the site.
  var host = element("div", { id: "cairn-chat-host" });
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var root = element("div", { id: "cairn-chat", lang: lang, dir: lang === "he" ? "rtl" : "ltr" });
  var style = element("style", {}, [
    ":host{all:initial}",
    "#cairn-chat{position:fixed;inset-block-end:16px;inset-inline-end:16px;z-index:2147483000;font:16px/1.4 system-ui,sans-serif;color:#1d2430}",
    "#cairn-chat button{font:inherit;min-height:44px;border-radius:22px;border:0;padding:0 18px;background:#1f5fa8;color:#fff;cursor:pointer}",
    "#cairn-chat .panel{display:none;flex-direction:column;width:360px;max-width:calc(100vw - 32px);height:520px;max-height:calc(100vh - 96px);background:#fff;border:1px solid #c9d1da;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.18);overflow:hidden}",
    "#cairn-chat.open .panel{display:flex}#cairn-chat.open .launcher{display:none}",
    "#cairn-chat header{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;background:#1f5fa8;color:#fff}",
    "#cairn-chat header button{background:transparent;border:1px solid #fff;min-height:36px}",
    "#cairn-chat ol{list-style:none;margin:0;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px}",
    "#cairn-chat li{max-width:85%;padding:8px 10px;border-radius:10px;background:#eef2f6;white-space:pre-wrap;overflow-wrap:anywhere}",
    "#cairn-chat li.customer{align-self:flex-end;background:#dceaff}#cairn-chat li .who{display:block;font-size:12px;color:#56606b}",
    "#cairn-chat .status{padding:4px 12px;font-size:14px;color:#56606b;min-height:20px}",
    "#cairn-chat form{display:flex;gap:8px;padding:8px;border-top:1px solid #e1e6eb}#cairn-chat textarea{flex:1;font:inherit;min-height:44px;max-height:120px;padding:8px;border:1px solid #c9d1da;border-radius:8px;resize:none}",
    "@media (max-width:600px){#cairn-chat.open{inset:0}#cairn-chat.open .panel{width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}}"
  ].join("\n"));
  var launcher = element("button", { type: "button", "class": "launcher", id: "cairn-chat-open" }, texts.open);
  var panel = element("section", { "class": "panel", role: "dialog", "aria-label": texts.title });
  var header = element("header");
  header.appendChild(element("strong", {}, texts.title));
  var close = element("button", { type: "button", id: "cairn-chat-close" }, texts.close);
  header.appendChild(close);
  var list = element("ol", { id: "cairn-chat-messages", "aria-live": "polite" });
  var status = element("p", { "class": "status", id: "cairn-chat-status" });
  var form = element("form", { id: "cairn-chat-form" });
  var input = element("textarea", { id: "cairn-chat-input", rows: "1", placeholder: texts.placeholder, "aria-label": texts.placeholder, dir: "auto" });
  var send = element("button", { type: "submit", id: "cairn-chat-send" }, texts.send);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(list);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);
  shadow.appendChild(style);
  shadow.appendChild(root);
  document.body.appendChild(host);

  var conversation = saved ? saved.id : null, chatToken = saved ? saved.token : null, shown = {}, timer = null;

  function render(view) {
    (view.messages || []).forEach(function (message) {
      if (shown[message.id]) { return; }
      shown[message.id] = true;
      var item = element("li", { "class": message.author, "data-author": message.author });
      item.appendChild(element("span", { "class": "who" }, message.author === "customer" ? texts.you : message.author === "bot" ? texts.bot : (view.agentName || texts.agent)));
      item.appendChild(element("bdi", { dir: "auto" }, message.body));
      list.appendChild(item);
      list.scrollTop = list.scrollHeight;
    });
    if (view.state === "waiting" && view.queuePosition) {
      status.textContent = texts.waiting.replace("{position}", view.queuePosition).replace("{minutes}", view.expectedWaitMinutes || 1);
    } else if (view.state === "email") {
      status.textContent = texts.email;
    } else {
      status.textContent = "";
    }
    root.setAttribute("data-state", view.state);
  }

  function request(method, path, body) {
    var options = { method: method, headers: { "Content-Type": "application/json" } };
    if (body) { body.writeKey = key; options.body = JSON.stringify(body); }
    var url = base + path + (method === "GET" ? (path.indexOf("?") < 0 ? "?" : "&") + "writeKey=" + encodeURIComponent(key) : "");
    return fetch(url, options).then(function (response) {
      return response.json().then(function (json) { if (!response.ok) { throw json; } return json; });
    });
  }

  // Live: the conversation is pushed as Server-Sent Events the moment it changes (an agent's reply, a hand-over);
  // where EventSource is missing or keeps failing, it is read every two seconds instead.
  var source = null, failures = 0;
  function stop() {
    clearTimeout(timer);
    if (source) { source.close(); source = null; }
  }
  function poll() {
    if (!conversation) { return; }
    request("GET", "/v1/chat/conversations/" + conversation + "?token=" + encodeURIComponent(chatToken))
      .then(render).catch(function () {}).then(function () { timer = setTimeout(poll, 2000); });
  }
  function listen() {
    stop();
    if (!conversation) { return; }
    if (!window.EventSource || failures >= 3) { poll(); return; }
    source = new EventSource(base + "/v1/chat/conversations/" + conversation + "/stream?writeKey=" + encodeURIComponent(key) +
                             "&token=" + encodeURIComponent(chatToken));
    source.addEventListener("conversation", function (event) {
      failures = 0;
      try { render(JSON.parse(event.data)); } catch (e) {}
    });
    source.addEventListener("access-ended", function () { stop(); });
    source.onerror = function () {
      failures += 1;
      if (failures >= 3) { listen(); }
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    send.disabled = true;
    var done = function () { send.disabled = false; input.focus(); };
    if (!conversation) {
      var body = { message: text, language: lang };
      if (identityToken) { body.identityToken = identityToken; }
      if (script.getAttribute("data-name")) { body.name = script.getAttribute("data-name"); }
      if (script.getAttribute("data-email")) { body.email = script.getAttribute("data-email"); }
      if (script.getAttribute("data-team")) { body.team = script.getAttribute("data-team"); }
      if (script.getAttribute("data-skill")) { body.skill = script.getAttribute("data-skill"); }
      request("POST", "/v1/chat/conversations", body).then(function (started) {
        conversation = started.view.conversationId;
        chatToken = started.token;
        try { sessionStorage.setItem(storageKey, JSON.stringify({ id: conversation, token: chatToken })); } catch (e) {}
        input.value = "";
        render(started.view);
        listen();
      }).catch(function () { status.textContent = texts.error; }).then(done);
    } else {
      request("POST", "/v1/chat/conversations/" + conversation + "/messages", { token: chatToken, message: text }).then(function (view) {
        input.value = "";
        render(view);
      }).catch(function () { status.textContent = texts.error; }).then(done);
    }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  launcher.addEventListener("click", function () { root.classList.add("open"); input.focus(); if (conversation) { listen(); } });
  close.addEventListener("click", function () { root.classList.remove("open"); stop(); launcher.focus(); });
})();
