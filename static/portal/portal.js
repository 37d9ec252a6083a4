/* Behaviour that the pages declare with data- attributes, so that no page needs an inline script or an
   inline event handler (the Content-Security-Policy allows neither):
   - <form data-confirm="Question?">: asks before submitting;
   - <select data-autosubmit>: submits its form when the choice changes;
   - <div data-width="42">: a progress bar's width in percent (also in content htmx swaps in). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.requestSubmit();
    }
  });
  function widths(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("[data-width]").forEach(function (bar) {
      bar.style.width = Number(bar.dataset.width) + "%";  // through the CSSOM, which the policy allows
    });
  }
  window.htmx.onLoad(widths);  // the page, then each piece of content htmx swaps in
})();
