// The guided start on an empty workspace: copy buttons, and a test event sent with the new write key.
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.setAttribute("data-copied", "true");
      });
    });
  });
  var test = document.getElementById("start-test");
  if (!test) return;
  var result = document.getElementById("start-test-result");
  test.addEventListener("click", function () {
    var body = {
      writeKey: test.getAttribute("data-write-key"),
      userId: "first-customer",
      event: "Test Event Sent",
      properties: { from: "guided start" }
    };
    fetch("/v1/track", { method: "POST", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; }); })
      .then(function (outcome) {
        result.textContent = outcome.ok ? test.getAttribute("data-sent") || "✓" : (outcome.answer.message || "✗");
        if (outcome.ok) document.getElementById("start-arrived").hidden = false;
      })
      .catch(function () { result.textContent = "✗"; });
  });
})();
