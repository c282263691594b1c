// The clip workspace of the video page: frame-exact transport (keys only while
// focus is in the workspace), timeline with draggable in/out over a filmstrip,
// timecodes in HH:MM:SS:FF from the master's start timecode, the shot list,
// and the list of the person's own clips (one row per request, kept by the
// server, so it survives reloads). The server checks everything again.
(function () {
  "use strict";
  var ws = document.getElementById("workspace");
  var player = document.getElementById("player");
  if (!ws || !player) return;
  var d = ws.dataset;

  // --- Frames and timecodes ------------------------------------------------
  var rate = (function (text) {
    var p = String(text || "25").split("/");
    return p.length === 2 ? { num: +p[0], den: +p[1] } : { num: +p[0], den: 1 };
  })(d.fps);
  var fps = rate.num / rate.den;
  var base = Math.max(Math.round(fps), 1); // frames per timecode second (non-drop)
  var total = Math.max(Math.round(parseFloat(d.duration) * fps), 1); // frames in the video
  var maxFrames = Math.floor(parseFloat(d.max) * fps + 1e-6);
  var origin = framesOfTimecode(d.startTc) || 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function framesOfTimecode(text) {
    var m = /^\s*(\d{1,2}):([0-5]\d):([0-5]\d)(?:[:;](\d{1,3}))?\s*$/.exec(text || "");
    if (!m || (m[4] && +m[4] >= base)) return null;
    return (((+m[1]) * 60 + (+m[2])) * 60 + (+m[3])) * base + (m[4] ? +m[4] : 0);
  }
  function timecode(frame, relative) {
    var t = frame + (relative ? 0 : origin);
    var s = Math.floor(t / base);
    return pad(Math.floor(s / 3600) % 24) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60) + ":" + pad(t % base);
  }
  // The frame on screen: currentTime lies inside its display interval.
  function frameAt(seconds) { return clamp(Math.floor(seconds * fps + 1e-3), 0, total - 1); }
  function clamp(n, lo, hi) { return Math.min(Math.max(n, lo), hi); }
  function current() { return frameAt(player.currentTime); }
  // Seek to the frame's centre: never on a boundary the decoder could round either way.
  function seekFrame(frame) {
    frame = clamp(frame, 0, total - 1);
    player.currentTime = (frame + 0.5) * rate.den / rate.num;
    draw(frame);
  }
  function secondsOf(frame) { return frame * rate.den / rate.num; }

  // --- Elements ------------------------------------------------------------
  var readout = document.getElementById("timecode-now");
  var timeline = document.getElementById("timeline");
  var strip = timeline.querySelector(".filmstrip");
  var selection = timeline.querySelector(".selection");
  var playhead = timeline.querySelector(".playhead");
  var handleIn = timeline.querySelector(".handle-in");
  var handleOut = timeline.querySelector(".handle-out");
  var form = document.getElementById("clip-form");
  var inputIn = document.getElementById("clip-in");
  var inputOut = document.getElementById("clip-out");
  var errorIn = document.getElementById("clip-in-error");
  var errorOut = document.getElementById("clip-out-error");
  var lengthOut = document.getElementById("clip-length");
  var sizeOut = document.getElementById("clip-size");
  var formatSelect = document.getElementById("clip-format");
  // Expected size: the chosen format's bytes per second (data-rate) times the length.
  function updateSize(ok) {
    if (!sizeOut || !formatSelect) return;
    var option = formatSelect.options[formatSelect.selectedIndex];
    var perSecond = option ? +option.getAttribute("data-rate") : 0;
    if (!ok || !perSecond) { sizeOut.textContent = "—"; return; }
    var bytes = perSecond * secondsOf(mark.out + 1 - mark.in);
    sizeOut.textContent = bytes >= 1e9 ? (bytes / 1e9).toFixed(1) + " GB" : Math.max(0.1, bytes / 1e6).toFixed(1) + " MB";
  }
  var message = document.getElementById("clip-message");
  var requestButton = form.querySelector("[data-action=request]");
  var rows = document.getElementById("clip-rows");
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");

  // In and out frames (out is the last frame included).
  var mark = { in: 0, out: Math.min(total - 1, Math.max(0, Math.round(10 * fps) - 1)) };

  [handleIn, handleOut].forEach(function (h) { h.setAttribute("aria-valuemax", total - 1); });

  function pct(frame) { return (frame / total * 100) + "%"; }
  function draw(frame) {
    if (frame === undefined) frame = current();
    readout.textContent = timecode(frame);
    playhead.style.left = pct(frame + 0.5);
    highlightShot(frame);
  }
  function drawMarks() {
    handleIn.style.left = pct(mark.in);
    handleOut.style.left = pct(mark.out + 1);
    selection.style.left = pct(mark.in);
    selection.style.width = pct(Math.max(mark.out + 1 - mark.in, 0));
    handleIn.setAttribute("aria-valuenow", mark.in);
    handleIn.setAttribute("aria-valuetext", timecode(mark.in));
    handleOut.setAttribute("aria-valuenow", mark.out);
    handleOut.setAttribute("aria-valuetext", timecode(mark.out));
  }

  // --- Validation ----------------------------------------------------------
  function fieldError(input, box, text) {
    box.textContent = text || "";
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }
  // Reads the typed timecodes; returns true when the selection can be sent.
  function check() {
    var a = framesOfTimecode(inputIn.value), b = framesOfTimecode(inputOut.value);
    var problemIn = "", problemOut = "";
    if (a === null) problemIn = d.msgFormat;
    else if (a < origin) problemIn = d.msgBefore;
    if (b === null) problemOut = d.msgFormat;
    else if (b < origin) problemOut = d.msgBefore;
    if (!problemIn && !problemOut) {
      a -= origin; b -= origin;
      if (b < a) problemOut = d.msgOrder;
      else if (b > total - 1) problemOut = d.msgPast;
      else if (b + 1 - a > maxFrames) problemOut = d.msgLong;
      if (!problemOut && a <= total - 1) { mark.in = a; mark.out = b; drawMarks(); }
    }
    fieldError(inputIn, errorIn, problemIn);
    fieldError(inputOut, errorOut, problemOut);
    var ok = !problemIn && !problemOut;
    lengthOut.textContent = ok ? timecode(mark.out + 1 - mark.in, true) : "—";
    updateSize(ok);
    if (requestButton) requestButton.disabled = !ok;
    return ok;
  }
  function setMark(which, frame) {
    frame = clamp(frame, 0, total - 1);
    if (which === "in") { mark.in = frame; if (mark.out < frame) mark.out = frame; }
    else { mark.out = frame; if (mark.in > frame) mark.in = frame; }
    inputIn.value = timecode(mark.in);
    inputOut.value = timecode(mark.out);
    drawMarks();
    check();
  }
  inputIn.addEventListener("input", check);
  inputOut.addEventListener("input", check);
  if (formatSelect) formatSelect.addEventListener("change", check);

  // --- Transport -----------------------------------------------------------
  var reverse = { speed: 0, timer: null };
  function stopReverse() { clearInterval(reverse.timer); reverse.timer = null; reverse.speed = 0; }
  function pause() { stopReverse(); player.pause(); player.playbackRate = 1; }
  function step(frames) { var f = current(); pause(); seekFrame(f + frames); }
  function shuttle(direction) {
    if (direction > 0) {
      stopReverse();
      player.playbackRate = player.paused ? 1 : Math.min(player.playbackRate * 2, 8);
      player.play();
    } else {
      player.pause();
      player.playbackRate = 1;
      reverse.speed = reverse.speed ? Math.min(reverse.speed * 2, 8) : 1;
      if (!reverse.timer) {
        reverse.timer = setInterval(function () {
          var t = player.currentTime - reverse.speed * 0.04;
          if (t <= 0) { stopReverse(); t = 0; }
          player.currentTime = t;
          draw(frameAt(t));
        }, 40);
      }
    }
  }
  function togglePlay() { if (player.paused && !reverse.timer) player.play(); else pause(); }

  function editing(target) {
    return target.matches("input, select, textarea, [contenteditable]");
  }
  ws.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || editing(e.target)) return;
    var key = e.key, onHandle = e.target === handleIn || e.target === handleOut;
    var onButton = e.target.matches("button, a, summary");
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var n = (key === "ArrowLeft" ? -1 : 1) * (e.shiftKey ? base : 1);
      if (onHandle) {
        var which = e.target === handleIn ? "in" : "out";
        pause();
        setMark(which, mark[which] + n);
        seekFrame(mark[which]);
      } else {
        step(n);
      }
    } else if (onHandle && (key === "Home" || key === "End")) {
      setMark(e.target === handleIn ? "in" : "out", key === "Home" ? 0 : total - 1);
    } else if (key === " " && !onButton) {
      togglePlay();
    } else if (key === "j" || key === "J") { shuttle(-1); }
    else if (key === "k" || key === "K") { pause(); seekFrame(current()); }
    else if (key === "l" || key === "L") { shuttle(1); }
    else if (key === "i" || key === "I") {
      if (e.shiftKey) { pause(); seekFrame(mark.in); } else setMark("in", current());
    } else if (key === "o" || key === "O") {
      if (e.shiftKey) { pause(); seekFrame(mark.out); } else setMark("out", current());
    } else return;
    e.preventDefault();
    // The player's own controls would also act on the key (they listen on the
    // element itself): keep it from reaching them.
    if (e.target === player) e.stopPropagation();
  }, true);

  form.querySelector("[data-action=set-in]").addEventListener("click", function () { setMark("in", current()); });
  form.querySelector("[data-action=set-out]").addEventListener("click", function () { setMark("out", current()); });

  // Readout follows every presented frame while playing, else every seek.
  function onFrame(now, meta) {
    draw(frameAt(meta.mediaTime));
    if (previewing && frameAt(meta.mediaTime) >= mark.out) stopPreview();
    player.requestVideoFrameCallback(onFrame);
  }
  if ("requestVideoFrameCallback" in player) player.requestVideoFrameCallback(onFrame);
  player.addEventListener("seeked", function () { draw(); });
  player.addEventListener("timeupdate", function () {
    if (!("requestVideoFrameCallback" in player)) {
      draw();
      if (previewing && current() >= mark.out) stopPreview();
    }
  });

  // --- Preview: plays the selection and stops on the out frame -------------
  var previewing = false;
  function stopPreview() {
    previewing = false;
    pause();
    seekFrame(mark.out);
  }
  form.querySelector("[data-action=preview]").addEventListener("click", function () {
    if (!check()) return;
    pause();
    seekFrame(mark.in);
    previewing = true;
    player.play();
  });
  player.addEventListener("pause", function () { if (previewing && player.currentTime < secondsOf(mark.out)) previewing = false; });

  // --- Timeline: click to seek, drag the handles ---------------------------
  function frameOfPointer(e) {
    var box = timeline.getBoundingClientRect();
    return clamp(Math.floor((e.clientX - box.left) / box.width * total), 0, total - 1);
  }
  var dragging = null;
  timeline.addEventListener("pointerdown", function (e) {
    dragging = e.target === handleIn ? "in" : e.target === handleOut ? "out" : "playhead";
    timeline.setPointerCapture(e.pointerId);
    pause();
    move(e);
    e.preventDefault();
  });
  function move(e) {
    if (!dragging) return;
    var frame = frameOfPointer(e);
    if (dragging !== "playhead") {
      // The out handle sits at the end of its frame: grab by the frame before.
      if (dragging === "out") frame = clamp(frame, mark.in, total - 1);
      else frame = clamp(frame, 0, mark.out);
      setMark(dragging, frame);
    }
    seekFrame(frame);
  }
  timeline.addEventListener("pointermove", move);
  timeline.addEventListener("pointerup", function (e) {
    if (dragging && dragging !== "playhead") (dragging === "in" ? handleIn : handleOut).focus();
    dragging = null;
    timeline.releasePointerCapture(e.pointerId);
  });

  // --- Filmstrip: tiles of one sprite sheet, placed by the WebVTT track ----
  function parseVtt(text) {
    var cues = [], re = /(\d+):(\d\d):(\d\d)\.(\d{3})\s+-->\s+(\d+):(\d\d):(\d\d)\.(\d{3})\s*\n([^\n]+)/g, m;
    function sec(h, mi, s, ms) { return (+h) * 3600 + (+mi) * 60 + (+s) + (+ms) / 1000; }
    while ((m = re.exec(text))) {
      var xywh = /#xywh=(\d+),(\d+),(\d+),(\d+)/.exec(m[9]);
      if (xywh) cues.push({ start: sec(m[1], m[2], m[3], m[4]), end: sec(m[5], m[6], m[7], m[8]), x: +xywh[1], y: +xywh[2], w: +xywh[3], h: +xywh[4] });
    }
    return cues;
  }
  function buildStrip(cues) {
    if (!cues.length) return;
    var width = timeline.clientWidth, height = timeline.clientHeight;
    var scale = height / cues[0].h, tileWidth = cues[0].w * scale;
    var count = Math.max(1, Math.round(width / tileWidth));
    var duration = parseFloat(d.duration);
    strip.textContent = "";
    for (var i = 0; i < count; i++) {
      var at = (i + 0.5) / count * duration, cue = cues[cues.length - 1];
      for (var c = 0; c < cues.length; c++) { if (at < cues[c].end) { cue = cues[c]; break; } }
      var tile = document.createElement("div");
      tile.className = "tile";
      tile.style.backgroundImage = "url(\"" + d.filmstripSheet + "\")";
      tile.style.backgroundPosition = (-cue.x * scale) + "px " + (-cue.y * scale) + "px";
      tile.style.backgroundSize = "auto " + (height * sheetRows(cues)) + "px";
      strip.appendChild(tile);
    }
  }
  function sheetRows(cues) {
    var rowsSeen = {};
    cues.forEach(function (c) { rowsSeen[c.y] = true; });
    return Object.keys(rowsSeen).length;
  }
  if (d.filmstripTrack) {
    fetch(d.filmstripTrack, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (text) { var cues = parseVtt(text); buildStrip(cues); window.addEventListener("resize", function () { buildStrip(cues); }); })
      .catch(function () {});
  }

  // --- Shot list: seek, or use a shot as the selection -------------------
  var shots = Array.prototype.slice.call(document.querySelectorAll(".shots li[data-start]"));
  function shotFrames(li) {
    var first = Math.ceil(parseFloat(li.dataset.start) * fps - 1e-6);
    var end = Math.ceil(parseFloat(li.dataset.end) * fps - 1e-6);
    return { first: clamp(first, 0, total - 1), last: clamp(end - 1, first, total - 1) };
  }
  function highlightShot(frame) {
    shots.forEach(function (li) {
      var f = shotFrames(li);
      li.classList.toggle("current", frame >= f.first && frame <= f.last);
    });
  }
  shots.forEach(function (li) {
    li.querySelector("[data-action=seek-shot]").addEventListener("click", function () { pause(); seekFrame(shotFrames(li).first); });
    li.querySelector("[data-action=use-shot]").addEventListener("click", function () {
      var f = shotFrames(li);
      pause();
      setMark("in", f.first);
      setMark("out", f.last);
      seekFrame(f.first);
      inputIn.focus();
    });
  });

  // --- Clip requests: one row each, from the server ------------------------
  function say(text, isError) {
    message.textContent = text || "";
    message.classList.toggle("error", !!isError);
  }
  function api(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ "Accept": "application/json", "Accept-Language": d.lang }, options.headers || {});
    if (options.method && options.method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = csrfInput.value;
    }
    return fetch(url, options).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    });
  }
  function statusText(state) {
    if (state.status === "ready") return d.msgReady;
    if (state.status === "failed") return state.error || d.msgFailed;
    if (state.status === "expired") return d.msgExpired;
    if (state.status === "running") return d.msgRunning + " " + state.progress + " %";
    return d.msgQueued;
  }
  function formatDate(iso) {
    return new Date(iso).toLocaleString(d.lang, { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  }
  var byId = {};
  function renderRow(state) {
    var row = byId[state.id];
    if (!row) {
      row = document.createElement("li");
      row.className = "clip-item";
      row.dataset.id = state.id;
      row.innerHTML =
        '<div><label class="visually-hidden"></label><input type="text" maxlength="200" autocomplete="off" class="clip-name">' +
        '<p class="field-error"></p><div class="clip-facts"><span class="timecode clip-range"></span> · <span class="clip-format"></span></div></div>' +
        '<div class="clip-state"><span class="clip-status" tabindex="-1"></span><progress max="100" value="0"></progress>' +
        '<a class="button small clip-download" download hidden></a><span class="clip-expires hint"></span></div>';
      var input = row.querySelector(".clip-name"), label = row.querySelector("label"), err = row.querySelector(".field-error");
      input.id = "clip-name-" + state.id;
      err.id = input.id + "-error";
      label.htmlFor = input.id;
      label.textContent = d.msgName;
      input.setAttribute("aria-describedby", err.id);
      input.addEventListener("change", function () {
        api(state.url, { method: "PATCH", body: JSON.stringify({ name: input.value }) }).then(function (res) {
          fieldError(input, err, res.ok ? "" : res.body.error);
          if (res.ok) { input.value = res.body.name; announce(d.msgRenamed); }
        }).catch(function () { fieldError(input, err, d.msgNetwork); });
      });
      byId[state.id] = row;
    }
    var previous = row.dataset.status;
    row.dataset.status = state.status;
    var nameInput = row.querySelector(".clip-name");
    if (document.activeElement !== nameInput) nameInput.value = state.name;
    row.querySelector(".clip-range").textContent = state.timecode_in + " – " + state.timecode_out + " (" + state.duration + ")";
    row.querySelector(".clip-format").textContent = state.format === "mp4" ? d.msgFormatMp4 : d.msgFormatMaster;
    row.querySelector(".clip-status").textContent = statusText(state);
    var bar = row.querySelector("progress");
    bar.value = state.status === "ready" ? 100 : state.progress;
    bar.hidden = state.status !== "queued" && state.status !== "running";
    bar.setAttribute("aria-label", state.name);
    var link = row.querySelector(".clip-download");
    link.hidden = !state.download_url;
    if (state.download_url) {
      link.href = state.download_url;
      link.textContent = d.msgSave;
      link.setAttribute("aria-label", d.msgSave + " – " + state.name);
    }
    row.querySelector(".clip-expires").textContent = state.expires && state.status === "ready" ? d.msgExpires + " " + formatDate(state.expires) : "";
    if (previous && previous !== state.status && state.status === "ready") announce(d.msgIsReady + " " + state.name);
    else if (previous && previous !== state.status && state.status === "failed") announce(statusText(state) + " – " + state.name);
    if (state.status === "queued" || state.status === "running") poll(state);
    return row;
  }
  function announce(text) { say(""); setTimeout(function () { say(text); }, 50); }
  var timers = {};
  function poll(state) {
    clearTimeout(timers[state.id]);
    timers[state.id] = setTimeout(function () {
      api(state.url).then(function (res) { if (res.ok) renderRow(res.body); })
        .catch(function () { poll(state); });
    }, 600);
  }
  if (rows) {
    api(d.api + "?video=" + encodeURIComponent(d.video)).then(function (res) {
      if (!res.ok) return;
      res.body.clips.forEach(function (state) { rows.appendChild(renderRow(state)); });
    }).catch(function () {});
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!requestButton || !check()) { (inputOut.getAttribute("aria-invalid") === "true" ? inputOut : inputIn).focus(); return; }
    requestButton.disabled = true;
    api(d.api, {
      method: "POST",
      body: JSON.stringify({
        video: d.video,
        start: secondsOf(mark.in),
        end: secondsOf(mark.out + 1),
        rendition: form.querySelector("select[name=rendition]").value,
        format: form.querySelector("select[name=format]").value,
        name: form.querySelector("input[name=name]").value
      })
    }).then(function (res) {
      requestButton.disabled = false;
      if (!res.ok) { say(res.body.error, true); return; }
      form.querySelector("input[name=name]").value = "";
      var row = renderRow(res.body);
      rows.insertBefore(row, rows.firstChild);
      row.querySelector(".clip-status").focus();
      say(d.msgRequested + " " + res.body.name);
    }).catch(function () { requestButton.disabled = false; say(d.msgNetwork, true); });
  });

  // --- Start ---------------------------------------------------------------
  inputIn.value = timecode(mark.in);
  inputOut.value = timecode(mark.out);
  drawMarks();
  check();
  draw(0);
})();
