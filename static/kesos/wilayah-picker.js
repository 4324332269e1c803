// Cascading region picker: choosing a level loads the next one from the JSON endpoint.
// Each [data-wilayah-picker] holds one <select> per level, in order.
(function () {
  "use strict";

  function reset(select) {
    select.length = 1; // keep the prompt option
    select.value = "";
    select.disabled = true;
  }

  function fill(select, rows) {
    for (const row of rows) {
      select.add(new Option(row.name, row.code));
    }
    select.disabled = rows.length === 0;
  }

  function setup(picker) {
    const selects = Array.from(picker.querySelectorAll("select[data-level]"));
    const endpoint = picker.dataset.endpoint;
    selects.forEach(function (select, index) {
      select.addEventListener("change", async function () {
        const below = selects.slice(index + 1);
        below.forEach(reset);
        if (!select.value || below.length === 0) return;
        const next = below[0];
        next.options[0].textContent = "Memuat…";
        try {
          const response = await fetch(endpoint + "?induk=" + encodeURIComponent(select.value), {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
          });
          if (!response.ok) throw new Error(response.status);
          fill(next, await response.json());
          next.options[0].textContent = next.dataset.prompt;
        } catch (error) {
          next.options[0].textContent = "Gagal memuat, pilih ulang";
        }
        picker.dispatchEvent(new CustomEvent("wilayah:loaded", { bubbles: true, detail: { level: index + 2 } }));
      });
    });
    // A level chosen before this script ran (a slow phone, a page still loading) loads the next one now.
    selects.forEach(function (select, index) {
      const next = selects[index + 1];
      if (select.value && next && next.options.length <= 1) {
        select.dispatchEvent(new Event("change"));
      }
    });
  }

  function init(root) {
    root.querySelectorAll("[data-wilayah-picker]:not([data-ready])").forEach(function (picker) {
      picker.dataset.ready = "1";
      setup(picker);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
