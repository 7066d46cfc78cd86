// Small behaviours the templates ask for with data- attributes, so that pages need no inline script or
// style attribute (the Content-Security-Policy allows neither).
(function () {
  "use strict";
  // <select data-autosubmit>: submit the form when the choice changes (a <noscript> button covers no-JS).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLElement && el.hasAttribute("data-autosubmit") && el.form) { el.form.submit(); }
  });
  // data-pos-left / data-pos-width: percentages for timeline bars, set through the CSSOM (allowed by CSP).
  function place(root) {
    root.querySelectorAll("[data-pos-left], [data-pos-width]").forEach(function (el) {
      if (el.dataset.posLeft) { el.style.left = el.dataset.posLeft + "%"; }
      if (el.dataset.posWidth) { el.style.width = el.dataset.posWidth + "%"; }
    });
  }
  function boot() { place(document); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
  document.addEventListener("htmx:afterSettle", function (event) { place(event.target); });
})();
