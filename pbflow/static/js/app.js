// pbflow: the little JavaScript there is. No inline scripts anywhere (CSP).
(function () {
  "use strict";

  function flash(message) {
    var region = document.getElementById("flash");
    if (!region) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message;
    region.replaceChildren(p);
  }

  // Translated messages travel on <main>, which every boosted navigation replaces.
  function message(name) {
    var main = document.getElementById("main");
    return (main && main.getAttribute("data-" + name)) || name;
  }

  // Boosted navigation swaps only <body>: keep <html lang> in step with the page
  // (logging in can change the language to the one saved in the profile).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.boosted || !event.detail.xhr) { return; }
    var match = /<html[^>]*\slang="([A-Za-z-]+)"/.exec(event.detail.xhr.responseText);
    if (match) { document.documentElement.lang = match[1]; }
  });

  // A boosted navigation replaces <body>, so the flash region arrives already filled and
  // screen readers would not announce it: empty it and put the messages back a moment later.
  function announceFlash() {
    var region = document.getElementById("flash");
    if (!region || !region.children.length) { return; }
    var messages = Array.prototype.slice.call(region.children);
    region.replaceChildren();
    window.setTimeout(function () { messages.forEach(function (m) { region.appendChild(m); }); }, 100);
  }

  // Keep keyboard and screen-reader users oriented after a swap: an error summary
  // first, then the first invalid field, then (on boosted navigation) the main region.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt || document;
    var target = null;
    if (root.matches && root.matches("[data-focus-on-swap]")) { target = root; }
    target = target || (root.querySelector && (root.querySelector("[data-focus-on-swap]") || root.querySelector("[aria-invalid=true]")));
    if (target) { target.focus(); return; }
    if (event.detail.boosted) {
      announceFlash();
      var main = document.getElementById("main");
      var heading = main && main.querySelector("h1");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); } else if (main) { main.focus(); }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 500) { flash(message("error-server")); }
  });
  document.addEventListener("htmx:sendError", function () { flash(message("error-network")); });

  // The main menu (9 entries for a visitor, 20 for a coordinator) would fill a phone's first screen: there it
  // folds behind its "Menu" button ([data-menu-toggle], rendered hidden); on a wide screen it stays open.
  var phone = window.matchMedia("(max-width: 40rem)");
  function fitMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) { return; }
    toggle.hidden = !phone.matches;
    toggle.setAttribute("aria-expanded", String(!phone.matches));
    menu.hidden = phone.matches;
  }
  document.addEventListener("DOMContentLoaded", fitMenu);
  document.addEventListener("htmx:load", function (event) {  // a boosted navigation brings a new header
    if (event.detail.elt.querySelector && event.detail.elt.querySelector("[data-menu-toggle]")) { fitMenu(); }
  });
  phone.addEventListener("change", fitMenu);
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (!toggle) { return; }
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById(toggle.getAttribute("aria-controls")).hidden = !open;
  });

  // Print buttons ([data-print]) need JavaScript, so they stay hidden without it.
  function revealPrintButtons(root) {
    if (!root || !root.querySelectorAll) { return; }
    root.querySelectorAll("[data-print][hidden]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { revealPrintButtons(document); });
  document.addEventListener("htmx:load", function (event) { revealPrintButtons(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });

  // A live answer (the proposal form's totals, asked for when a field is left) can grow or shrink the page; if it
  // lands while the mouse button is down on "Save", the button moves from under the pointer and the click is
  // lost. While the main button is pressed, a swap scrolls the page by what it moved the pressed element.
  var pressed = null;
  var pressedTop = null;
  document.addEventListener("pointerdown", function (event) {
    pressed = event.isPrimary && event.button === 0 && event.target instanceof Element ? event.target : null;
  }, true);
  function release() { pressed = null; }
  ["pointerup", "pointercancel", "dragstart", "contextmenu"].forEach(function (name) {
    document.addEventListener(name, release, true);
  });
  window.addEventListener("blur", release);
  document.addEventListener("htmx:beforeSwap", function () {
    pressedTop = pressed && pressed.isConnected ? pressed.getBoundingClientRect().top : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (pressedTop !== null && pressed && pressed.isConnected) {
      window.scrollBy(0, pressed.getBoundingClientRect().top - pressedTop);
    }
    pressedTop = null;
  });

  // Uploads that take a while ([data-upload-progress] names a <progress>): show how much has been sent.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-progress]");
    if (!form || !event.detail.lengthComputable) { return; }
    var bar = document.getElementById(form.getAttribute("data-upload-progress"));
    if (!bar) { return; }
    bar.parentElement.hidden = false;
    bar.value = Math.round(event.detail.loaded / event.detail.total * 100);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-upload-progress]");
    var bar = form && document.getElementById(form.getAttribute("data-upload-progress"));
    if (bar) { bar.parentElement.hidden = true; bar.value = 0; }
  });
})();
