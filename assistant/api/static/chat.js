// tbt-assistant web chat: progressive enhancement over plain HTML forms.
// Without this script every form posts to /chat and the page reloads (post/redirect/get).
// With it, the same form is sent with fetch and the server's rendered turn is appended.
(function () {
  "use strict";

  var body = document.body;
  var conversation = document.getElementById("conversation");
  var composer = document.getElementById("composer");
  var textarea = document.getElementById("q");
  var sendButton = document.getElementById("send");
  var busy = false;

  // -- citations: jump to the source and highlight it -------------------------------------
  function highlight(id) {
    var el = document.getElementById(id);
    if (!el || !el.classList.contains("source")) return;
    document.querySelectorAll(".source.highlight").forEach(function (s) {
      s.classList.remove("highlight");
    });
    var details = el.closest("details");
    if (details) details.open = true;
    el.classList.add("highlight");
    el.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.cite");
    if (!link) return;
    event.preventDefault();
    var id = link.getAttribute("href").slice(1);
    if (history.replaceState) history.replaceState(null, "", "#" + id);
    highlight(id);
  });

  if (location.hash) highlight(location.hash.slice(1));

  if (!conversation || !composer || !window.fetch) return;

  // -- composer: Enter sends, Shift+Enter breaks the line, the box grows ------------------
  function autosize() {
    textarea.style.height = "auto";
    textarea.style.height = Math.min(textarea.scrollHeight, window.innerHeight * 0.4) + "px";
  }
  if (textarea) {
    textarea.addEventListener("input", autosize);
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (composer.requestSubmit) composer.requestSubmit();
        else composer.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
      }
    });
    autosize();
  }

  // -- sending ---------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pendingTurn(text) {
    var turn = el("article", "turn pending");
    var user = el("div", "msg user");
    user.appendChild(el("div", "bubble", text));
    var bot = el("div", "msg bot");
    bot.appendChild(el("div", "avatar", "TBT"));
    var wrap = el("div", "body");
    var bubble = el("div", "bubble");
    var typing = el("span", "typing");
    typing.appendChild(el("i"));
    typing.appendChild(el("i"));
    typing.appendChild(el("i"));
    typing.appendChild(document.createTextNode(" " + (body.dataset.sending || "…")));
    bubble.appendChild(typing);
    wrap.appendChild(bubble);
    bot.appendChild(wrap);
    turn.appendChild(user);
    turn.appendChild(bot);
    return turn;
  }

  function clearErrors() {
    composer.querySelectorAll(".form-error").forEach(function (n) { n.remove(); });
  }

  function setBusy(on) {
    busy = on;
    if (sendButton) sendButton.disabled = on;
    conversation.setAttribute("aria-busy", on ? "true" : "false");
  }

  // hidden fields of the form (the workshop page sends view=demo and its scenario)
  function extras(form) {
    var out = {};
    if (!form) return out;
    form.querySelectorAll("input[type=hidden]").forEach(function (input) {
      if (input.name && input.name !== "text") out[input.name] = input.value;
    });
    return out;
  }

  function send(text, form) {
    text = (text || "").toString();
    if (busy) return;
    clearErrors();
    if (!text.trim()) {
      var err = el("p", "form-error", body.dataset.empty || "");
      err.setAttribute("role", "alert");
      composer.insertBefore(err, composer.firstChild);
      return;
    }
    setBusy(true);
    var welcome = document.getElementById("welcome");
    if (welcome) welcome.remove();
    var turn = pendingTurn(text);
    conversation.appendChild(turn);
    turn.scrollIntoView({ behavior: "smooth", block: "end" });
    if (textarea) { textarea.value = ""; autosize(); }

    fetch("/chat", {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: (function () {
        var params = new URLSearchParams(extras(form));
        params.set("text", text);
        return params;
      })(),
      credentials: "same-origin"
    })
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          return { ok: resp.ok, data: data };
        });
      })
      .then(function (result) {
        if (!result.ok || !result.data.html) throw new Error(result.data.error || "");
        var holder = document.createElement("template");
        holder.innerHTML = result.data.html.trim(); // rendered and escaped by the server
        var fresh = holder.content.firstElementChild;
        conversation.querySelectorAll(".quick").forEach(function (q) { q.remove(); });
        turn.replaceWith(fresh);
        fresh.scrollIntoView({ behavior: "smooth", block: "start" });
        document.dispatchEvent(new CustomEvent("tbt:answered", { detail: { text: text, turn: fresh } }));
      })
      .catch(function (error) {
        var bubble = turn.querySelector(".msg.bot .bubble");
        bubble.textContent = "";
        bubble.appendChild(el("span", "error-text", error.message || body.dataset.failed || ""));
        turn.classList.remove("pending");
        if (textarea && !textarea.value) { textarea.value = text; autosize(); }
      })
      .then(function () {
        setBusy(false);
        if (textarea) textarea.focus();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-ask")) return;
    event.preventDefault();
    var submitter = event.submitter;
    var text = submitter && submitter.name === "text" ? submitter.value : new FormData(form).get("text");
    send(text, form);
  });
})();
