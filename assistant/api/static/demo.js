// Workshop mode: confirm the reset, tick scenario steps as they are answered, replay recorded
// chats one message at a time. The pages work without it (every message shown, no ticks).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-confirm")) return;
    if (!window.confirm(form.dataset.confirm || "")) event.preventDefault();
  }, true);

  // -- scenario steps: the step whose text was just answered is done, the next one is marked ---
  function markSteps(text) {
    var next = null;
    document.querySelectorAll(".steps .step").forEach(function (li) {
      var button = li.querySelector("button.step-btn");
      if (button && button.value === text) li.classList.add("done");
    });
    document.querySelectorAll(".steps .step").forEach(function (li) {
      li.classList.remove("next");
      if (!next && !li.classList.contains("done")) next = li;
    });
    if (next) next.classList.add("next");
  }
  document.addEventListener("tbt:answered", function (event) { markSteps(event.detail.text); });
  markSteps(null);

  // -- replay: one message per click (or the right arrow / space), or all at once -------------
  var chat = document.getElementById("phone-chat");
  var nextButton = document.getElementById("replay-next");
  var allButton = document.getElementById("replay-all");
  if (!chat || !nextButton) return;
  var messages = Array.prototype.slice.call(chat.querySelectorAll(".pmsg"));
  var shown = 0;
  messages.forEach(function (m) { m.hidden = true; });

  function reveal() {
    if (shown >= messages.length) return;
    var m = messages[shown];
    m.hidden = false;
    m.classList.add("appear");
    shown += 1;
    m.scrollIntoView({ behavior: "smooth", block: "end" });
    if (shown >= messages.length) nextButton.disabled = true;
  }
  nextButton.addEventListener("click", reveal);
  if (allButton) allButton.addEventListener("click", function () { while (shown < messages.length) reveal(); });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("textarea, input, button")) return;
    if (event.key === "ArrowRight" || event.key === " ") { event.preventDefault(); reveal(); }
  });
  reveal();
})();
