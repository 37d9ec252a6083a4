/* Searchable selects (portal.autocomplete.AutocompleteSelect): Tom Select, filled from the
   select's data-autocomplete-url as the user types. Only rows the user may see come back. */
(function () {
  "use strict";

  function start(select) {
    if (select.tomselect || typeof TomSelect === "undefined") {
      return;
    }
    const url = select.dataset.autocompleteUrl;
    const noResults = select.dataset.noResults || "";
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 50,
      closeAfterSelect: true,
      allowEmptyOption: false,
      placeholder: select.dataset.placeholder || "",
      plugins: {clear_button: {title: select.dataset.clear || ""}},
      preload: "focus",
      loadThrottle: 250,
      // Leave the field once a row is chosen, so that a late answer to an earlier search does not
      // open the list again over the page.
      onItemAdd: function () { this.blur(); },
      load: function (query, callback) {
        fetch(url + "?q=" + encodeURIComponent(query), {headers: {Accept: "application/json"}, credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : {results: []}; })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () {
          const div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noResults;
          return div;
        },
      },
    });
  }

  function startAll(root) {
    root.querySelectorAll("select[data-autocomplete-url]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { startAll(document); });
  } else {
    startAll(document);
  }
  document.addEventListener("htmx:load", function (event) { startAll(event.target); });
})();
