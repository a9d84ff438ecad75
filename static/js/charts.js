/* Draws every <canvas data-chart-url="..."> with Chart.js 4 from our own static files.
 * The data comes from a JSON view of the same server; nothing here is inline in a page, so a
 * Content-Security-Policy without 'unsafe-inline' allows it. */
(function () {
  "use strict";

  var FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var COLOURS = {
    actual: "#0b4f8a",
    target: "#2f855a",
    original: "#9aa5b1",
    not_started: "#9aa5b1",
    in_progress: "#3182ce",
    completed: "#2f855a",
    lagging: "#c53030",
    suspended: "#b7791f",
    bar: "#0b4f8a",
    line: "#c53030"
  };

  function axisTitle(text) {
    return { display: Boolean(text), text: text || "", font: { family: FONT } };
  }

  // Each bar's value written at its end (in the chart's unit).
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var data = chart.config.options.plugins.valueLabels;
      if (!data) { return; }
      var ctx = chart.ctx, meta = chart.getDatasetMeta(0);
      ctx.save();
      ctx.font = "12px " + FONT;
      ctx.textAlign = "center";
      meta.data.forEach(function (bar, i) {
        var value = chart.data.datasets[0].data[i];
        // A bar without a value has its reason in its axis label (e.g. "（无项目）").
        if (value !== null && value !== undefined) {
          ctx.fillStyle = "#1f2937";
          ctx.fillText(value + (data.unit || ""), bar.x, bar.y - 4);
        }
      });
      ctx.restore();
    }
  };

  function configFor(type, data) {
    var base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        title: { display: true, text: data.title, font: { family: FONT, size: 15 } },
        legend: { display: data.legend !== false, labels: { font: { family: FONT } } },
        tooltip: { titleFont: { family: FONT }, bodyFont: { family: FONT } }
      }
    };
    if (type === "indicator") {
      return {
        type: "line",
        data: {
          labels: data.labels,
          // A legend only for the series drawn: a target line without values is left out.
          datasets: data.datasets.filter(function (d) {
            return d.data.some(function (v) { return v !== null && v !== undefined; });
          }).map(function (d) {
            return {
              label: d.label,
              data: d.data,
              borderColor: COLOURS[d.kind],
              backgroundColor: COLOURS[d.kind],
              borderDash: d.kind === "original" ? [6, 4] : [],
              pointRadius: d.kind === "actual" ? 4 : 2,
              spanGaps: true
            };
          })
        },
        options: Object.assign(base, {
          scales: {
            x: { title: axisTitle(data.x_title) },
            y: { reverse: Boolean(data.reverse), beginAtZero: !data.reverse, title: axisTitle(data.unit) }
          }
        })
      };
    }
    if (type === "doughnut") {
      return {
        type: "doughnut",
        data: {
          labels: data.labels,
          datasets: [{ data: data.values, backgroundColor: data.keys.map(function (k) { return COLOURS[k]; }) }]
        },
        options: base
      };
    }
    // "bars": horizontal bars in percent, with a 100% line where asked.
    var datasets = [{ type: "bar", label: data.label, data: data.values, backgroundColor: COLOURS.bar }];
    if (data.goal !== undefined) {
      datasets.push({
        type: "line", label: data.goal_label, data: data.labels.map(function () { return data.goal; }),
        borderColor: COLOURS.line, borderDash: [6, 4], pointRadius: 0
      });
    }
    base.plugins.valueLabels = { unit: data.unit || "", empty: data.empty_label || "" };
    base.layout = { padding: { top: 16 } };
    return {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      plugins: [valueLabels],
      options: Object.assign(base, {
        scales: {
          x: { title: axisTitle(data.x_title), ticks: { font: { family: FONT } } },
          y: { beginAtZero: true, min: 0, suggestedMax: 100, title: axisTitle(data.unit) }
        }
      })
    };
  }

  function draw(canvas) {
    fetch(canvas.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("chart data: " + response.status); }
        return response.json();
      })
      .then(function (data) {
        canvas.chart = new window.Chart(canvas, configFor(canvas.dataset.chartType, data));
        canvas.dataset.drawn = "true";
      })
      .catch(function (error) {
        canvas.insertAdjacentText("afterend", canvas.dataset.failText || "Chart unavailable");
        throw error;
      });
  }

  document.querySelectorAll("canvas[data-chart-url]").forEach(draw);
}());
