/* Line of Sight: the little behaviour htmx does not cover. */
(function () {
  "use strict";

  // Alignment tree: expand a node (loading its children once), collapse it again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle[data-children-url]");
    if (!button) return;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    var expanded = button.getAttribute("aria-expanded") === "true";
    if (expanded) {
      button.setAttribute("aria-expanded", "false");
      panel.hidden = true;
      return;
    }
    button.setAttribute("aria-expanded", "true");
    panel.hidden = false;
    if (panel.dataset.loaded !== "true") {
      panel.innerHTML = '<li class="tree-loading">Loading…</li>';
      htmx.ajax("GET", button.dataset.childrenUrl, { target: panel, swap: "innerHTML" }).then(
        function () { panel.dataset.loaded = "true"; }
      );
    }
  });

  // "Why?" panels: a second click closes an open explanation.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-explain]");
    if (!button) return;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    event.preventDefault();
    if (button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      panel.innerHTML = "";
      return;
    }
    button.setAttribute("aria-expanded", "true");
    htmx.ajax("GET", button.dataset.explain, { target: panel, swap: "innerHTML" });
  });

  // Print buttons (the review packet): no inline handler, which the CSP would refuse.
  document.addEventListener("click", function (event) {
    if (event.target.closest("button[data-print]")) window.print();
  });

  // Cycle switchers submit on change; the button stays for keyboard and no-script use.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  // The alignment picker's search box must not submit the surrounding form on Enter.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("input[data-picker-search]")) {
      event.preventDefault();
    }
  });

  // A refused or failed background request says so instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("request-errors");
    if (!box) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var message = status === 403 ? "You cannot make this change."
      : status === 404 ? "Not found: it may have been removed or is not shared with you."
      : "Something went wrong; please reload the page and try again.";
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "message message-error";
    p.textContent = message;
    box.appendChild(p);
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("request-errors");
    if (box) box.innerHTML = '<p class="message message-error">The server could not be reached.</p>';
  });

  // Cancel buttons inside fragments loaded into a slot simply empty the slot.
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-close-slot]");
    if (!cancel) return;
    var slot = cancel.closest(".checkin-slot, .form-slot");
    if (slot) {
      event.preventDefault();
      slot.innerHTML = "";
    }
  });
})();
