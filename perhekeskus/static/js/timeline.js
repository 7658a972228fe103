/* Resource view: click an empty slot to book, drag an appointment to move it.
   Plain JavaScript; the rows themselves are server-rendered and loaded in chunks. */
(function () {
  "use strict";
  var tl = document.getElementById("timeline");
  if (!tl || tl.dataset.canBook !== "1") return;
  var days = +tl.dataset.days, from = +tl.dataset.hourFrom, to = +tl.dataset.hourTo;
  var perDay = to - from, total = days * perDay;
  var firstDay = tl.dataset.firstDay.split("-").map(Number);
  var csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // Local wall-clock time (Helsinki) at a fraction of the track, snapped to 15 minutes.
  function timeAt(fraction) {
    var hours = Math.max(0, Math.min(total - 0.25, fraction * total));
    var dayIndex = Math.floor(hours / perDay);
    var minutes = Math.round(((hours - dayIndex * perDay) + from) * 4) * 15;
    if (minutes >= to * 60) minutes = to * 60 - 15;
    var d = new Date(Date.UTC(firstDay[0], firstDay[1] - 1, firstDay[2] + dayIndex));
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      "T" + pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }
  function fractionOf(track, clientX) {
    var r = track.getBoundingClientRect();
    return (clientX - r.left) / r.width;
  }

  tl.addEventListener("click", function (ev) {
    var track = ev.target.closest(".tl-track");
    if (!track || track.dataset.book !== "1" || ev.target.closest(".tl-entry")) return;
    var start = timeAt(fractionOf(track, ev.clientX));
    window.location = tl.dataset.newUrl + "?worker=" + track.dataset.worker + "&start=" + encodeURIComponent(start);
  });

  var drag = null;
  tl.addEventListener("dragstart", function (ev) {
    var entry = ev.target.closest(".tl-entry[draggable=true]");
    if (!entry) return;
    var r = entry.getBoundingClientRect();
    drag = { id: entry.dataset.id, grab: ev.clientX - r.left,
             fromWorker: entry.closest(".tl-track").dataset.worker };
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", entry.dataset.id);
  });
  tl.addEventListener("dragover", function (ev) {
    var track = ev.target.closest(".tl-track[data-book='1']");
    if (!drag || !track) return;
    ev.preventDefault();
    document.querySelectorAll(".drop-target").forEach(function (t) { if (t !== track) t.classList.remove("drop-target"); });
    track.classList.add("drop-target");
  });
  tl.addEventListener("drop", function (ev) {
    var track = ev.target.closest(".tl-track[data-book='1']");
    if (!drag || !track) return;
    ev.preventDefault();
    track.classList.remove("drop-target");
    var start = timeAt(fractionOf(track, ev.clientX - drag.grab));
    move(drag.id, start, track.dataset.worker, drag.fromWorker, false);
    drag = null;
  });
  tl.addEventListener("dragend", function () {
    drag = null;
    document.querySelectorAll(".drop-target").forEach(function (t) { t.classList.remove("drop-target"); });
  });

  function messagesOf(obj) {
    var out = [];
    Object.keys(obj || {}).forEach(function (k) { out = out.concat(obj[k]); });
    return out.join("\n");
  }
  function move(id, start, worker, fromWorker, confirmed) {
    fetch(tl.dataset.moveUrl.replace("{id}", id), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ start: start, worker: worker, confirm: confirmed })
    }).then(function (resp) {
      return resp.json().then(function (body) { return { status: resp.status, body: body }; });
    }).then(function (res) {
      if (res.status === 200) return refreshRows([worker, fromWorker]);
      if (res.body.confirm) {
        if (window.confirm(messagesOf(res.body.confirm) + "\n\n" + tl.dataset.msgConfirm)) move(id, start, worker, fromWorker, true);
        return;
      }
      window.alert(messagesOf(res.body.errors) || tl.dataset.msgFailed);
    }).catch(function () { window.alert(tl.dataset.msgFailed); });
  }
  function refreshRows(workerIds) {
    var ids = workerIds.filter(function (v, i, a) { return v && a.indexOf(v) === i; });
    var url = tl.dataset.rowsUrl + "?" + tl.dataset.query + (tl.dataset.query ? "&" : "") + "ids=" + ids.join(",");
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      holder.querySelectorAll(".tl-row").forEach(function (row) {
        var old = document.getElementById(row.id);
        if (old) old.replaceWith(row);
      });
      document.dispatchEvent(new CustomEvent("timeline:refreshed", { detail: ids }));
    });
  }
})();
