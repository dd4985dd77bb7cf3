/* The check-in screen: Enter saves the row it is typed in, and after a save the focus moves
   to the next row (or to the first field in error). Without this script the screen is one
   ordinary form and every button still works. */
(function () {
  "use strict";

  function firstField(row) {
    return row && row.querySelector(".checkin-fields input:not([type=hidden]), .checkin-fields select");
  }

  function nextRow(row) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".checkin-row"));
    var index = rows.indexOf(row);
    return index >= 0 ? rows[index + 1] || null : null;
  }

  // Enter in a row's field saves that row, not the whole form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    var field = event.target;
    if (!field.matches || !field.matches(".checkin-row input, .checkin-row select")) return;
    var row = field.closest(".checkin-row");
    var button = row && row.querySelector("[data-row-save]");
    if (!button) return;
    event.preventDefault();
    button.click();
  });

  // After a row is swapped in: on success go to the next row, on an error to the bad field.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    if (!target || !target.classList) return;
    var row = target.classList.contains("checkin-row") ? target : null;
    if (row) {
      if (row.dataset.saved === "true") {
        var next = firstField(nextRow(row));
        if (next) { next.focus(); return; }
        var saveAll = document.querySelector("#checkin-rows .checkin-actions-top button");
        if (saveAll) saveAll.focus();
        return;
      }
      var bad = row.querySelector(".has-error input, .has-error select") || firstField(row);
      if (bad) bad.focus();
      return;
    }
    if (target.id === "checkin-rows") {
      var firstBad = target.querySelector(".has-error input, .has-error select, .form-errors");
      var notice = target.querySelector(".checkin-notice .message");
      if (firstBad && firstBad.focus) { firstBad.focus(); return; }
      if (notice) { notice.setAttribute("tabindex", "-1"); notice.focus(); }
    }
  });
})();
