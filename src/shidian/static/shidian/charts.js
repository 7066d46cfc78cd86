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
          .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
          .then(function (geo) { echarts.registerMap("shidian-provinces", geo); render(el, option); })
          .catch(function () {
            el.dataset.rendered = "failed";
            el.textContent = el.dataset.failedText || "地图边界文件加载失败，请联系系统管理员。";
          });
      } else {
        render(el, option);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
})();
