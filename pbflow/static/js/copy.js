// Copy buttons ([data-copy-target] names a field): shown only when JavaScript runs; the text stays selectable without it.
(function () {
  "use strict";

  function reveal(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (!navigator.clipboard) { return; }
    root.querySelectorAll("[data-copy-target][hidden]").forEach(function (button) { button.hidden = false; });
  }

  function announce(name) {
    var region = document.getElementById("copy-status");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = region.getAttribute("data-" + name) || ""; }, 50);
  }

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) { return; }
    navigator.clipboard.writeText(field.value !== undefined ? field.value : field.textContent).then(
      function () { announce("copied"); },
      function () { field.focus(); field.select(); announce("failed"); });
  });
})();
