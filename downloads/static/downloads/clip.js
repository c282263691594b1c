// Clip panel of the video page: in/out points bound to the player, timecodes,
// preview of the selection, and the clip job with its progress bar.
// The server checks everything again; this only makes it quick to use.
(function () {
  "use strict";
  var panel = document.getElementById("clip-panel");
  var player = document.getElementById("player");
  if (!panel || !player) return;

  var fps = parseFraction(panel.dataset.fps);
  var duration = parseFloat(panel.dataset.duration);
  var maxSeconds = parseFloat(panel.dataset.max);
  var inputIn = panel.querySelector("input[name=in]");
  var inputOut = panel.querySelector("input[name=out]");
  var lengthOut = panel.querySelector("output[name=length]");
  var message = panel.querySelector(".clip-message");
  var job = panel.querySelector(".clip-job");
  var bar = job.querySelector("progress");
  var percent = job.querySelector(".clip-percent");
  var link = job.querySelector(".clip-download");
  var methodNote = job.querySelector(".clip-method");
  var requestButton = panel.querySelector("[data-action=request]");
  var csrf = panel.querySelector("input[name=csrfmiddlewaretoken]").value;
  var previewEnd = null;
  var polling = null;

  function parseFraction(text) {
    var parts = String(text || "25").split("/");
    return parts.length === 2 ? parseFloat(parts[0]) / parseFloat(parts[1]) : parseFloat(parts[0]);
  }
  function pad(n, width) { n = String(n); while (n.length < width) n = "0" + n; return n; }
  function format(seconds) {
    var ms = Math.round(seconds * 1000);
    return pad(Math.floor(ms / 3600000), 2) + ":" + pad(Math.floor(ms / 60000) % 60, 2) + ":" +
      pad(Math.floor(ms / 1000) % 60, 2) + "." + pad(ms % 1000, 3);
  }
  // HH:MM:SS.mmm or HH:MM:SS:FF; returns seconds or null.
  function parse(text) {
    var m = /^(\d{1,2}):([0-5]\d):([0-5]\d)(?:[.,](\d{1,3}))?$/.exec(text.trim());
    if (m) return (+m[1]) * 3600 + (+m[2]) * 60 + (+m[3]) + (m[4] ? parseInt((m[4] + "00").slice(0, 3), 10) / 1000 : 0);
    m = /^(\d{1,2}):([0-5]\d):([0-5]\d)[:;](\d{1,3})$/.exec(text.trim());
    if (m && +m[4] < Math.round(fps)) return (+m[1]) * 3600 + (+m[2]) * 60 + (+m[3]) + (+m[4]) / Math.round(fps);
    return null;
  }
  // The start time of the frame on screen (currentTime lies inside it).
  function frameTime(t) { return Math.floor(t * fps + 1e-3) / fps; }

  function say(text, isError) {
    message.textContent = text || "";
    message.classList.toggle("error", !!isError);
  }
  function check() {
    var a = parse(inputIn.value), b = parse(inputOut.value);
    inputIn.setAttribute("aria-invalid", a === null);
    inputOut.setAttribute("aria-invalid", b === null && inputOut.value !== "");
    if (a === null || b === null) { lengthOut.textContent = "—"; return inputOut.value ? panel.dataset.msgFormat : ""; }
    lengthOut.textContent = b > a ? format(b - a) : "—";
    showSize(b > a ? b - a : 0);
    if (b <= a) return panel.dataset.msgOrder;
    if (b > duration + 1e-6) return panel.dataset.msgPast;
    if (b - a > maxSeconds) return panel.dataset.msgLong;
    return "";
  }
  // Expected file size of the chosen format (bytes per second from the page).
  var formatSelect = panel.querySelector("select[name=format]");
  var sizeOut = panel.querySelector("output[name=size]");
  function showSize(seconds) {
    if (!formatSelect || !sizeOut) return;
    var rate = parseFloat(formatSelect.selectedOptions[0].dataset.rate || "0");
    sizeOut.textContent = rate && seconds ? (rate * seconds / 1e6).toFixed(rate * seconds < 1e7 ? 1 : 0) + " MB" : "—";
  }
  if (formatSelect) formatSelect.addEventListener("change", refresh);
  function refresh() { var problem = check(); say(problem, !!problem); requestButton.disabled = !!problem || !inputOut.value; }

  function setIn() { inputIn.value = format(frameTime(player.currentTime)); refresh(); }
  function setOut() {
    // The out point is exclusive: the frame on screen is the last one kept.
    inputOut.value = format(Math.min(frameTime(player.currentTime) + 1 / fps, duration)); refresh();
  }

  panel.querySelector("[data-action=set-in]").addEventListener("click", setIn);
  panel.querySelector("[data-action=set-out]").addEventListener("click", setOut);
  inputIn.addEventListener("input", refresh);
  inputOut.addEventListener("input", refresh);
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "i" || event.key === "I") { setIn(); event.preventDefault(); }
    if (event.key === "o" || event.key === "O") { setOut(); event.preventDefault(); }
  });

  panel.querySelector("[data-action=preview]").addEventListener("click", function () {
    var a = parse(inputIn.value), b = parse(inputOut.value);
    if (a === null || b === null || b <= a) { refresh(); return; }
    previewEnd = b;
    player.currentTime = a;
    player.play();
  });
  player.addEventListener("timeupdate", function () {
    if (previewEnd !== null && player.currentTime >= previewEnd) { player.pause(); previewEnd = null; }
  });

  function show(state) {
    job.hidden = false;
    bar.value = state.progress || 0;
    percent.textContent = (state.progress || 0) + "%";
    if (state.status === "ready") {
      link.href = state.download_url;
      link.hidden = false;
      bar.value = 100; percent.textContent = "100%";
      methodNote.textContent = state.method === "smart" ? panel.dataset.msgSmart : panel.dataset.msgReencode;
      say(panel.dataset.msgReady);
      requestButton.disabled = false;
      return true;
    }
    if (state.status === "failed") { say(state.error || panel.dataset.msgFailed, true); requestButton.disabled = false; return true; }
    say(state.status === "running" ? panel.dataset.msgRunning : panel.dataset.msgQueued);
    return false;
  }
  function poll(url) {
    clearTimeout(polling);
    fetch(url, { headers: { "Accept": "application/json", "Accept-Language": panel.dataset.lang }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { say(res.body.error || panel.dataset.msgFailed, true); requestButton.disabled = false; return; }
        if (!show(res.body)) polling = setTimeout(function () { poll(url); }, 500);
      })
      .catch(function () { polling = setTimeout(function () { poll(url); }, 2000); });
  }

  requestButton.addEventListener("click", function () {
    var problem = check();
    if (problem) { say(problem, true); return; }
    requestButton.disabled = true;
    link.hidden = true; methodNote.textContent = "";
    fetch(panel.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf, "Accept-Language": panel.dataset.lang },
      body: JSON.stringify({
        video: panel.dataset.video,
        start: parse(inputIn.value), end: parse(inputOut.value),
        rendition: panel.querySelector("select[name=rendition]").value,
        format: formatSelect ? formatSelect.value : "master"
      })
    })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { say(res.body.error, true); requestButton.disabled = false; return; }
        if (!show(res.body)) poll(res.body.url);
      })
      .catch(function () { say(panel.dataset.msgNetwork, true); requestButton.disabled = false; });
  });

  player.addEventListener("loadedmetadata", function () {
    if (!inputOut.value) { inputOut.value = format(Math.min(duration, 10)); }
    refresh();
  });
  if (player.readyState >= 1 && !inputOut.value) { inputOut.value = format(Math.min(duration, 10)); }
  refresh();
})();
