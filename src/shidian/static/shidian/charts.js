// Render every chart whose ECharts option the server put in a <script type="application/json">.
(function () {
  "use strict";
  function render(el, option) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = "true";
  }
  function boot() {
    document.querySelectorAll("[data-chart-id]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartId);
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      if (el.dataset.geojson) {
        fetch(el.dataset.geojson, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (geo) { echarts.registerMap("shidian-provinces", geo); render(el, option); });
      } else {
        render(el, option);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
})();
