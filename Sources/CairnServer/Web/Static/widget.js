/*
 * Cairn's survey widget. On any site:
 *   <script src="https://cairn.example.com/static/widget.js" data-write-key="cairn_wk_…" data-survey="TOKEN"
 *           data-user-id="optional" data-lang="optional: en, de, zh or he" data-channel="optional, e.g. app"
 *           data-touchpoint="optional, e.g. checkout" data-order-id="optional" async></script>
 * It asks Cairn for the survey (nothing is shown to a known customer who has not agreed to surveys), shows one
 * question at a time in a small panel (right to left in Hebrew), and posts the answers once the last one is given.
 * Without data-survey but with data-user-id, it asks whether a survey trigger readied a survey for this customer
 * (GET /v1/survey-prompt) and shows that one.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src).origin;
  var key = script.getAttribute("data-write-key");
  var token = script.getAttribute("data-survey");
  if (!key) { return; }
  var userId = script.getAttribute("data-user-id") || "";
  var anonymousId = script.getAttribute("data-anonymous-id") || "";
  var channel = script.getAttribute("data-channel") || "";
  var context = { touchpoint: script.getAttribute("data-touchpoint") || "", orderId: script.getAttribute("data-order-id") || "" };
  var lang = script.getAttribute("data-lang") || (navigator.language || "en").slice(0, 2).toLowerCase();
  var texts = {
    en: { next: "Continue", close: "Close", thanks: "Thank you!", required: "Please answer this question.", error: "Sorry, that did not work. Please try again." },
    de: { next: "Weiter", close: "Schließen", thanks: "Vielen Dank!", required: "Bitte beantworten Sie diese Frage.", error: "Das hat leider nicht geklappt. Bitte erneut versuchen." },
    zh: { next: "继续", close: "关闭", thanks: "谢谢！", required: "请回答此问题。", error: "抱歉，提交失败，请重试。" },
    he: { next: "המשך", close: "סגירה", thanks: "תודה רבה!", required: "נא לענות על שאלה זו.", error: "מצטערים, זה לא הצליח. נסו שוב." }
  };

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function shown(question, answers) {
    var rule = question.showIf;
    if (!rule) { return true; }
    var answer = answers[rule.question];
    if (answer === undefined) { return false; }
    if (typeof answer === "number") {
      if (rule.atLeast !== undefined && answer < rule.atLeast) { return false; }
      if (rule.atMost !== undefined && answer > rule.atMost) { return false; }
      if (rule.values && rule.values.length) { return rule.values.indexOf(String(answer)) >= 0; }
      return true;
    }
    if (Array.isArray(answer)) { return (rule.values || []).some(function (v) { return answer.indexOf(v) >= 0; }); }
    return false;
  }

  var query = "?writeKey=" + encodeURIComponent(key) + "&lang=" + encodeURIComponent(lang) + (userId ? "&userId=" + encodeURIComponent(userId) : "");
  function start(token) {
  fetch(base + "/v1/surveys/" + encodeURIComponent(token) + query).then(function (r) { return r.json(); }).then(function (survey) {
    if (!survey.show) { return; }
    var t = texts[survey.language] || texts.en;
    var host = element("div", { id: "cairn-survey-widget" });
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = element("style", {}, [
      ".panel{position:fixed;bottom:16px;inset-inline-end:16px;width:min(360px,calc(100vw - 32px));background:#fff;color:#14202b;border:1px solid #c9d2db;",
      "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.18);padding:16px;font:15px/1.4 system-ui,sans-serif;z-index:2147483647}",
      "h2{font-size:16px;margin:0 0 8px}p.q{font-weight:600;margin:0 0 10px}.scale{display:flex;flex-wrap:wrap;gap:4px}",
      ".scale button{flex:1 0 26px;min-height:40px;border:2px solid #c9d2db;border-radius:8px;background:#fff;font:inherit;font-weight:600;cursor:pointer}",
      ".scale button[aria-pressed=true]{background:" + survey.colour + ";border-color:" + survey.colour + ";color:#fff}",
      "textarea{width:100%;box-sizing:border-box;font:inherit;min-height:70px}label{display:block;margin:4px 0}",
      ".next{margin-top:12px;width:100%;min-height:40px;border:0;border-radius:8px;background:" + survey.colour + ";color:#fff;font:inherit;font-weight:600;cursor:pointer}",
      ".close{position:absolute;top:6px;inset-inline-end:8px;border:0;background:none;font-size:20px;cursor:pointer}.error{color:#a4161a}"
    ].join(""));
    var panel = element("div", { class: "panel", role: "dialog", "aria-labelledby": "cairn-title", dir: survey.rtl ? "rtl" : "ltr", lang: survey.language });
    root.appendChild(style);
    root.appendChild(panel);
    document.body.appendChild(host);
    var answers = {};
    var index = 0;
    // This response's own id: a retry after a lost connection sends it again, and Cairn stores the answers once.
    var responseId = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() : undefined;

    function close() { host.remove(); }

    function submit(retried) {
      panel.textContent = "";
      fetch(base + "/v1/surveys/" + encodeURIComponent(token) + "/responses", {
        method: "POST", headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body: JSON.stringify({ writeKey: key, responseId: responseId, userId: userId || undefined, anonymousId: anonymousId || undefined, language: survey.language,
                               answers: answers, channel: channel || undefined, touchpoint: context.touchpoint || undefined, orderId: context.orderId || undefined,
                               caseId: context.caseId || undefined })
      }).then(function (r) {
        panel.appendChild(element("p", { class: r.ok ? "done" : "error", role: "status", id: "cairn-result" }, r.ok ? t.thanks : t.error));
        if (r.ok) { setTimeout(close, 2500); }
      }, function () {
        if (!retried && responseId) { setTimeout(function () { submit(true); }, 2000); return; }
        panel.appendChild(element("p", { class: "error", role: "status", id: "cairn-result" }, t.error));
      });
    }

    function render() {
      while (index < survey.questions.length && !shown(survey.questions[index], answers)) { index += 1; }
      if (index >= survey.questions.length) { submit(); return; }
      var question = survey.questions[index];
      panel.textContent = "";
      var closer = element("button", { class: "close", type: "button", "aria-label": t.close }, "×");
      closer.addEventListener("click", close);
      panel.appendChild(closer);
      panel.appendChild(element("h2", { id: "cairn-title" }, survey.title));
      panel.appendChild(element("p", { class: "q", id: "cairn-question" }, question.text));
      var value;
      if (question.min !== undefined) {
        var scale = element("div", { class: "scale", role: "group", "aria-labelledby": "cairn-question" });
        for (var n = question.min; n <= question.max; n += 1) {
          (function (n) {
            var button = element("button", { type: "button", "aria-pressed": "false", "data-value": String(n) }, String(n));
            button.addEventListener("click", function () {
              value = n;
              Array.prototype.forEach.call(scale.children, function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
            });
            scale.appendChild(button);
          })(n);
        }
        panel.appendChild(scale);
      } else if (question.options) {
        question.options.forEach(function (option) {
          var input = element("input", { type: question.type === "multiple_choice" ? "checkbox" : "radio", name: "cairn-choice", value: option.id });
          var label = element("label", {});
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + option.text));
          panel.appendChild(label);
        });
      } else if (question.type === "consent") {
        ["yes", "no"].forEach(function (choice) {
          var label = element("label", {});
          label.appendChild(element("input", { type: "radio", name: "cairn-choice", value: choice }));
          label.appendChild(document.createTextNode(" " + choice));
          panel.appendChild(label);
        });
      } else {
        panel.appendChild(element("textarea", { "aria-labelledby": "cairn-question", maxlength: "5000", id: "cairn-text" }));
      }
      var error = element("p", { class: "error", role: "alert" });
      panel.appendChild(error);
      var next = element("button", { class: "next", type: "button", id: "cairn-next" }, t.next);
      next.addEventListener("click", function () {
        if (question.min === undefined) {
          var checked = Array.prototype.filter.call(panel.querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return i.value; });
          var area = panel.querySelector("textarea");
          if (area) { value = area.value.trim() || undefined; }
          else if (question.type === "consent") { value = checked.length ? checked[0] === "yes" : undefined; }
          else { value = checked.length ? checked : undefined; }
        }
        if (value === undefined && question.required) { error.textContent = t.required; return; }
        if (value !== undefined) { answers[question.id] = value; }
        index += 1;
        render();
      });
      panel.appendChild(next);
    }
    render();
  }, function () { /* no survey: nothing to show */ });
  }

  if (token) {
    start(token);
  } else if (userId) {
    fetch(base + "/v1/survey-prompt?writeKey=" + encodeURIComponent(key) + "&userId=" + encodeURIComponent(userId))
      .then(function (r) { return r.json(); })
      .then(function (prompt) {
        if (!prompt.show || !prompt.survey) { return; }
        context = { touchpoint: prompt.touchpoint || "", orderId: prompt.orderId || "", caseId: prompt.caseId || "" };
        start(prompt.survey);
      }, function () { /* nothing readied */ });
  }
})();
