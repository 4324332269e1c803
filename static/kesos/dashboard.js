// The dashboard's charts (templates/reports/dashboard.html). The numbers come from the page's
// json_script block "dasbor-data", keyed by canvas id; the same numbers are in the tables, which stay
// open when this script or Chart.js does not run. Loaded with defer: the CSP allows no inline script.
(function () {
  "use strict";

  var source = document.getElementById("dasbor-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var COLOURS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997", "#ffc107", "#6c757d"];
  var GRADE_COLOURS = ["#198754", "#0d6efd", "#ffc107", "#adb5bd"];
  var numbers = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 });

  window.Chart.defaults.locale = "id-ID";
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  function options(spec) {
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var scales = {};
    if (spec.type !== "doughnut") {
      scales[valueAxis] = {
        beginAtZero: true,
        stacked: Boolean(spec.stacked),
        max: spec.percent ? 100 : undefined,
        ticks: {
          precision: 0,
          callback: function (value) {
            return numbers.format(value) + (spec.percent ? "%" : "");
          },
        },
      };
      scales[horizontal ? "y" : "x"] = { stacked: Boolean(spec.stacked), ticks: { autoSkip: false } };
    }
    return {
      indexAxis: horizontal ? "y" : "x",
      // A tall chart for the 26 PPKS categories; the others keep Chart.js's proportions.
      aspectRatio: horizontal ? 0.8 : 2,
      animation: false,
      scales: scales,
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            title: function (items) {
              var index = items.length ? items[0].dataIndex : 0;
              return spec.titles ? spec.titles[index] : items.length ? items[0].label : "";
            },
            label: function (item) {
              return item.dataset.label + ": " + numbers.format(item.raw) + (spec.percent ? "%" : "");
            },
          },
        },
      },
      onClick: spec.links
        ? function (event, elements) {
            var target = elements.length ? spec.links[elements[0].index] : null;
            if (target) {
              window.location.assign(target);
            }
          }
        : undefined,
      onHover: spec.links
        ? function (event, elements) {
            event.native.target.style.cursor = elements.length ? "pointer" : "default";
          }
        : undefined,
    };
  }

  function datasets(spec) {
    return spec.datasets.map(function (dataset, i) {
      var colour = spec.type === "doughnut" ? GRADE_COLOURS : COLOURS[i % COLOURS.length];
      return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour };
    });
  }

  Object.keys(charts).forEach(function (id) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    var spec = charts[id];
    var card = canvas.closest("[data-grafik-kartu]");
    canvas.closest("[data-grafik-wadah]").classList.remove("d-none");
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec),
    });
    canvas.dataset.digambar = "1";
    // The chart shows the numbers now; its table stays one click away.
    var table = card ? card.querySelector("details[data-grafik-tabel]") : null;
    if (table) {
      table.open = false;
    }
  });
})();
