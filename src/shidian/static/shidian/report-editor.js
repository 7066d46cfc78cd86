// Rich-text boxes for the report form (moved out of the page: the Content-Security-Policy forbids inline scripts).
// Progressive enhancement: without JavaScript the plain textareas stay; with it, each becomes a small
// rich-text box whose HTML is copied into the hidden textarea (the server keeps only a safe subset).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var suffix = form.dataset.guideSuffix || "";
  document.querySelectorAll("#report-form textarea").forEach(function (area) {
    var editor = document.querySelector('.rich-editor[data-for="' + area.id + '"]');
    var box = editor.querySelector(".rich-area");
    var guide = document.querySelector('[data-guide-for="' + area.id + '"]');
    var limit = parseInt(area.dataset.guide || "0", 10);
    editor.hidden = false;
    area.hidden = true;
    function update() {
      var length = box.innerText.replace(/\s/g, "").length;
      guide.textContent = length + " / " + limit + suffix;
      guide.classList.toggle("over", length > limit);
    }
    function sync() {
      area.value = box.innerHTML;
      update();
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    box.addEventListener("input", sync);
    editor.querySelectorAll("[data-command]").forEach(function (button) {
      button.addEventListener("click", function () { box.focus(); document.execCommand(button.dataset.command); sync(); });
    });
    update();
  });
})();
