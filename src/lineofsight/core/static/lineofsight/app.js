/* Line of Sight: the little behaviour htmx does not cover. */
(function () {
  "use strict";

  // Alignment tree: expand a node (loading its children once), collapse it again.
  function expandNode(button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return Promise.resolve();
    button.setAttribute("aria-expanded", "true");
    panel.hidden = false;
    if (panel.dataset.loaded === "true") return Promise.resolve();
    if (panel.dataset.loading) return panel.loading;
    panel.dataset.loading = "true";
    panel.innerHTML = '<li class="tree-loading">Loading…</li>';
    // Done once the children are in the page (after htmx settles the swap), or, if the
    // request fails, once it has answered.
    panel.loading = new Promise(function (resolve) {
      var finished = false;
      function finish(loaded) {
        if (finished) return;
        finished = true;
        panel.removeEventListener("htmx:afterSettle", settled);
        if (loaded) panel.dataset.loaded = "true";
        delete panel.dataset.loading;
        resolve();
      }
      function settled(event) { if (event.target === panel) finish(true); }
      panel.addEventListener("htmx:afterSettle", settled);
      htmx.ajax("GET", button.dataset.childrenUrl, { target: panel, swap: "innerHTML" }).then(
        function () { setTimeout(function () { finish(panel.querySelector(".tree-loading") === null); }, 500); },
        function () { finish(false); }
      );
    });
    return panel.loading;
  }
  function collapseNode(button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", "false");
    if (panel) panel.hidden = true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle[data-children-url]");
    if (!button) return;
    if (button.getAttribute("aria-expanded") === "true") collapseNode(button);
    else expandNode(button);
  });

  // A long level comes a page at a time: its "Show more" row is replaced by the next page.
  function loadMore(button) {
    var row = button.closest("li");
    if (row.dataset.loading) return Promise.resolve();
    row.dataset.loading = "true";
    return htmx.ajax("GET", button.getAttribute("hx-get"), { target: row, swap: "outerHTML" }).then(
      function () { return new Promise(function (resolve) { setTimeout(resolve, 50); }); },
      function () { delete row.dataset.loading; }
    );
  }

  // Expand all: open every node, level by level, loading what is not loaded yet (every
  // page of a long level).
  function expandAll(tree) {
    var rounds = 0;
    function round() {
      var closed = Array.prototype.filter.call(
        tree.querySelectorAll("button.toggle[data-children-url]"),
        function (b) {
          var panel = document.getElementById(b.getAttribute("aria-controls"));
          return b.getAttribute("aria-expanded") !== "true" || (panel && panel.dataset.loaded !== "true");
        }
      );
      var more = Array.prototype.slice.call(tree.querySelectorAll("button[data-tree-more]"));
      if ((!closed.length && !more.length) || rounds++ > 40) return Promise.resolve();
      return Promise.all(closed.map(expandNode).concat(more.map(loadMore))).then(round);
    }
    return round();
  }

  // The filter: objectives whose title or owner contains the words typed, with the path
  // down to them; everything else is hidden until the filter is cleared.
  function applyFilter(tree, status, words) {
    var nodes = tree.querySelectorAll(".tree-node");
    var extras = tree.querySelectorAll(".tree-hidden, .tree-empty, .tree-more");
    Array.prototype.forEach.call(nodes, function (node) {
      node.classList.remove("tree-match", "tree-filtered-out");
    });
    Array.prototype.forEach.call(extras, function (li) { li.classList.remove("tree-filtered-out"); });
    tree.classList.toggle("tree-filtering", !!words);
    if (!words) { status.textContent = ""; return; }
    var matches = 0;
    Array.prototype.forEach.call(nodes, function (node) {
      if ((node.dataset.filter || "").indexOf(words) !== -1) {
        node.classList.add("tree-match");
        matches++;
      }
    });
    Array.prototype.forEach.call(nodes, function (node) {
      var keep = node.classList.contains("tree-match") || node.querySelector(".tree-match");
      if (!keep) node.classList.add("tree-filtered-out");
    });
    Array.prototype.forEach.call(extras, function (li) { li.classList.add("tree-filtered-out"); });
    status.textContent = matches
      ? matches + (matches === 1 ? " objective matches" : " objectives match") + " \u201c" + words + "\u201d."
      : "No objective matches \u201c" + words + "\u201d.";
  }

  function setUpTree(tools) {
    var tree = document.querySelector("[data-tree]");
    if (!tree) return;
    var input = tools.querySelector("[data-tree-filter]");
    var status = tools.querySelector("[data-tree-status]");
    var timer = null;
    tools.hidden = false;
    tools.querySelector("[data-tree-expand]").addEventListener("click", function () {
      status.textContent = "Opening every objective…";
      expandAll(tree).then(function () {
        var words = input.value.trim().toLowerCase();
        applyFilter(tree, status, words);
        if (!words) status.textContent = "Every objective is open.";
      });
    });
    tools.querySelector("[data-tree-collapse]").addEventListener("click", function () {
      Array.prototype.forEach.call(tree.querySelectorAll("button.toggle[data-children-url]"), collapseNode);
      status.textContent = "";
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var words = input.value.trim().toLowerCase();
        if (!words) { applyFilter(tree, status, ""); return; }
        expandAll(tree).then(function () { applyFilter(tree, status, input.value.trim().toLowerCase()); });
      }, 200);
    });
    // Enter in the filter must not reload the page.
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
  }

  // The navigation's menu button on narrow screens (without a script the menu stays open).
  function setUpMenu(button) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("is-open");
        button.focus();
      }
    });
  }

  function ready() {
    var tools = document.querySelector("[data-tree-tools]");
    if (tools) setUpTree(tools);
    var menu = document.querySelector("[data-menu-button]");
    if (menu) setUpMenu(menu);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();

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

  // The search box in the navigation: htmx fills the list as you type; the arrow keys move
  // between the results, Escape closes the list, Enter opens the focused result.
  function searchParts(el) {
    var form = el && el.closest(".site-search");
    if (!form) return null;
    return { form: form, input: form.querySelector("[data-search-input]"),
             box: form.querySelector("[data-search-results]") };
  }
  function closeSearch(parts) {
    parts.box.innerHTML = "";
    parts.input.setAttribute("aria-expanded", "false");
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var parts = searchParts(event.target);
    if (!parts || event.target !== parts.box) return;
    var open = parts.box.querySelector("[data-search-popup]") !== null;
    parts.input.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    var parts = searchParts(event.target);
    if (!parts) return;
    var links = Array.prototype.slice.call(parts.box.querySelectorAll("[data-search-result]"));
    var at = links.indexOf(event.target);
    if (event.key === "Escape") {
      if (!links.length) return;
      event.preventDefault();
      closeSearch(parts);
      parts.input.focus();
    } else if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) parts.input.focus();
      else links[at - 1].focus();
    }
  });
  document.addEventListener("focusout", function (event) {
    var parts = searchParts(event.target);
    if (!parts) return;
    setTimeout(function () {
      if (!parts.form.contains(document.activeElement)) closeSearch(parts);
    }, 150);
  });
  // Comments: suggest people who may see the subject while "@name" is being typed.
  function mentionAt(field) {
    var before = field.value.slice(0, field.selectionStart);
    var match = /(^|[^\w@])@([\w.+-]{1,40})$/.exec(before);
    return match ? match[2] : null;
  }
  function mentionList(field) {
    var form = field.closest("form");
    return form ? form.querySelector("[data-mention-list]") : null;
  }
  var mentionTimer = null;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-mention-input]")) return;
    var list = mentionList(field);
    if (!list) return;
    var query = mentionAt(field);
    clearTimeout(mentionTimer);
    if (!query) { list.hidden = true; list.innerHTML = ""; return; }
    mentionTimer = setTimeout(function () {
      var url = list.dataset.mentionUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          list.innerHTML = html;
          list.hidden = !list.querySelector("[data-username]");
        });
    }, 150);
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-username]");
    if (!option) return;
    var list = option.closest("[data-mention-list]");
    var field = list && list.closest("form").querySelector("[data-mention-input]");
    if (!field) return;
    var at = field.selectionStart;
    var before = field.value.slice(0, at).replace(/@[\w.+-]*$/, "@" + option.dataset.username + " ");
    field.value = before + field.value.slice(at);
    field.focus();
    field.setSelectionRange(before.length, before.length);
    list.hidden = true;
    list.innerHTML = "";
  });
})();
