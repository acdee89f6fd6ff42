// Draws the Vega-Lite chart whose spec the page holds, with the vendored Vega.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("chart");
  var spec = document.getElementById("chart-spec");
  if (!holder || !spec || !window.vega || !window.vegaLite) { return; }
  var compiled = vegaLite.compile(JSON.parse(spec.textContent)).spec;
  var view = new vega.View(vega.parse(compiled), {renderer: "svg", container: holder, hover: true});
  view.runAsync().then(function () { holder.setAttribute("data-drawn", "yes"); });
});
