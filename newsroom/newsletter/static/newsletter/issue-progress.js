// The live progress bar of a newsletter issue being sent: polls the issue's
// small JSON endpoint and updates the counts, the bar and the Pause/Resume
// buttons. A static file, as the site's Content-Security-Policy requires.
(function () {
  "use strict";

  function formatSeconds(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes ? minutes + " min " + rest + " s" : rest + " s";
  }

  function show(panel, data) {
    panel.dataset.status = data.status;
    var done = data.sent + data.failed + data.skipped;
    var bar = panel.querySelector("progress");
    bar.max = Math.max(data.total, 1);
    bar.value = done;
    panel.querySelectorAll("[data-field]").forEach(function (cell) {
      var name = cell.dataset.field;
      if (name === "eta") {
        cell.textContent = data.remaining === 0 ? cell.dataset.done : data.eta === null ? cell.dataset.unknown : formatSeconds(data.eta);
      } else if (name in data) {
        cell.textContent = data[name];
      }
    });
    panel.querySelectorAll("[data-show-when]").forEach(function (form) {
      form.hidden = form.dataset.showWhen !== data.status;
    });
  }

  function start(panel) {
    var url = panel.dataset.progressUrl;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          show(panel, data);
          if (data.status !== "sent") {
            window.setTimeout(poll, data.status === "paused" ? 3000 : 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("issue-progress");
    if (panel) {
      start(panel);
    }
  });
})();
