/* Printing a list: the print view (?print=1) opens the browser's print dialog once loaded, and any
   [data-print-now] button prints the page. The layout is static/portal/print.css. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print-now]")) {
      window.print();
    }
  });
  if (document.body.dataset.autoprint) {
    window.addEventListener("load", function () { window.setTimeout(function () { window.print(); }, 100); });
  }
})();
