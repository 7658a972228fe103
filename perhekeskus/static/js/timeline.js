/* Resource view: book an empty slot (click it, or with the keyboard), drag an appointment
   to move it, confirm a move that changes more than its time, undo the last move.
   Plain JavaScript; the rows themselves are server-rendered and loaded in chunks.
   Messages and confirmations are shown in the page (a status region and a dialog),
   never in alert() or confirm() pop-ups. */
(function () {
  "use strict";
  var tl = document.getElementById("timeline");
  if (!tl) return;
  var canBook = tl.dataset.canBook === "1";
  var days = +tl.dataset.days, from = +tl.dataset.hourFrom, to = +tl.dataset.hourTo;
  var perDay = to - from, total = days * perDay;
  var firstDay = tl.dataset.firstDay.split("-").map(Number);
  var csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  var statusBox = document.getElementById("tl-status");
  var dialog = document.getElementById("tl-confirm");
  var live = document.getElementById("tl-cursor-live");
  var weekdays = (tl.dataset.weekdays || "").split(",");

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // Local wall-clock time (Helsinki) at an hour offset from the frame's start.
  function timeAtHours(hours) {
    hours = Math.max(0, Math.min(total - 0.25, hours));
    var dayIndex = Math.floor(hours / perDay);
    var minutes = Math.round(((hours - dayIndex * perDay) + from) * 4) * 15;
    if (minutes >= to * 60) minutes = to * 60 - 15;
    var d = new Date(Date.UTC(firstDay[0], firstDay[1] - 1, firstDay[2] + dayIndex));
    return {
      iso: d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
        "T" + pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60),
      text: (weekdays[(d.getUTCDay() + 6) % 7] || "") + " " + d.getUTCDate() + "." + (d.getUTCMonth() + 1) + ". " +
        Math.floor(minutes / 60) + ":" + pad(minutes % 60)
    };
  }
  // ...snapped to 15 minutes at a fraction of the track
  function timeAt(fraction) { return timeAtHours(fraction * total).iso; }
  function fractionOf(track, clientX) {
    var r = track.getBoundingClientRect();
    return (clientX - r.left) / r.width;
  }
  function bookUrl(worker, start) {
    return tl.dataset.newUrl + "?worker=" + worker + "&start=" + encodeURIComponent(start);
  }

  // --- messages in the page ------------------------------------------------------------
  function show(text, kind, undo) {
    statusBox.textContent = "";
    statusBox.className = "tl-status " + (kind || "success");
    var p = document.createElement("span");
    p.textContent = text;
    statusBox.appendChild(p);
    if (undo) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = tl.dataset.msgUndo;
      b.addEventListener("click", function () { b.disabled = true; undo(); });
      statusBox.appendChild(document.createTextNode(" "));
      statusBox.appendChild(b);
    }
  }
  function messagesOf(obj) {
    var out = [];
    Object.keys(obj || {}).forEach(function (k) { out = out.concat(obj[k]); });
    return out;
  }
  // A confirmation in the page: the dialog lists what the move changes.
  function ask(lines) {
    return new Promise(function (resolve) {
      var list = dialog.querySelector("ul");
      list.textContent = "";
      lines.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line;
        list.appendChild(li);
      });
      function done(answer) {
        dialog.removeEventListener("close", onClose);
        if (dialog.open) dialog.close();
        resolve(answer);
      }
      function onClose() { done(false); }
      dialog.addEventListener("close", onClose);
      dialog.querySelector("[data-act=yes]").onclick = function () { done(true); };
      dialog.querySelector("[data-act=no]").onclick = function () { done(false); };
      dialog.showModal();
      dialog.querySelector("[data-act=no]").focus();
    });
  }

  // --- clicking an empty slot ----------------------------------------------------------
  tl.addEventListener("click", function (ev) {
    if (!canBook) return;
    var track = ev.target.closest(".tl-track");
    if (!track || track.dataset.book !== "1" || ev.target.closest(".tl-entry") || ev.target.closest(".tl-cursor")) return;
    window.location = bookUrl(track.dataset.worker, timeAt(fractionOf(track, ev.clientX)));
  });

  // --- dragging ------------------------------------------------------------------------
  var drag = null;
  tl.addEventListener("dragstart", function (ev) {
    if (!canBook) return;
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
    move(drag.id, { start: start, worker: track.dataset.worker }, [track.dataset.worker, drag.fromWorker], true);
    drag = null;
  });
  tl.addEventListener("dragend", function () {
    drag = null;
    document.querySelectorAll(".drop-target").forEach(function (t) { t.classList.remove("drop-target"); });
  });

  function post(id, body) {
    return fetch(tl.dataset.moveUrl.replace("{id}", id), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().then(function (json) { return { status: resp.status, body: json }; },
                              function () { return { status: resp.status, body: {} }; });
    });
  }
  // Move; a move that needs confirming asks in the page; a done move can be undone.
  function move(id, body, rows, undoable) {
    return post(id, body).then(function (res) {
      if (res.status === 200) {
        var prev = res.body.previous;
        var back = prev ? [String(prev.worker), String(prev.pair || "")] : [];
        return refreshRows(rows.concat(back)).then(function () {
          if (!undoable) { show(tl.dataset.msgUndone, "success"); return; }
          show(res.body.message, "success", function () {
            move(id, { start: prev.start, worker: prev.worker, pair: prev.pair, confirm: true },
                 rows.concat(back), false);
          });
        });
      }
      if (res.body.confirm) {
        return ask(messagesOf(res.body.confirm)).then(function (yes) {
          if (yes) return move(id, Object.assign({}, body, { confirm: true }), rows, undoable);
          show(tl.dataset.msgNotMoved, "info");
        });
      }
      show(messagesOf(res.body.errors).join(" ") || tl.dataset.msgFailed, "error");
    }).catch(function () { show(tl.dataset.msgFailed, "error"); });
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
      prepareCursors();
      document.dispatchEvent(new CustomEvent("timeline:refreshed", { detail: ids }));
    });
  }

  // --- the keyboard: one slot cursor a row, one tab stop for the whole timeline --------
  // Arrow keys move half an hour (left, right) or a row (up, down); Page Up / Page Down a
  // day; Home / End the day's start and end; Enter books the slot, or opens the
  // appointment under the cursor.
  var cursorHours = Math.max(0, 8 - from);
  var step = 0.5;
  function cursors() { return Array.prototype.slice.call(tl.querySelectorAll(".tl-cursor")); }
  function entryUnder(cursor) {
    var track = cursor.parentElement, r = track.getBoundingClientRect();
    var x = r.left + (cursorHours + step / 2) / total * r.width;
    var hit = null;
    track.querySelectorAll(".tl-entry").forEach(function (e) {
      var b = e.getBoundingClientRect();
      if (!hit && b.left <= x && x <= b.right) hit = e;
    });
    return hit;
  }
  function place(cursor) {
    cursor.style.left = (cursorHours / total * 100) + "%";
    cursor.style.width = (step / total * 100) + "%";
    var entry = entryUnder(cursor);
    var when = timeAtHours(cursorHours).text;
    var bookable = canBook && cursor.parentElement.dataset.book === "1";
    var label = entry ? (entry.href ? tl.dataset.msgOpen : tl.dataset.msgBusy).replace("%s", entry.getAttribute("title"))
                      : (bookable ? tl.dataset.msgBook : tl.dataset.msgFree).replace("%(worker)s", cursor.dataset.name).replace("%(when)s", when);
    cursor.setAttribute("aria-label", label);
    cursor.classList.toggle("on-entry", !!entry);
    if (document.activeElement === cursor && live) live.textContent = label;
  }
  function prepareCursors() {
    var list = cursors();
    if (!list.length) return;
    var active = list.filter(function (c) { return c.tabIndex === 0; })[0] || list[0];
    list.forEach(function (c) { c.tabIndex = -1; });
    active.tabIndex = 0;
    place(active);  // the others are placed when they get the focus (focusin)
  }
  function focusCursor(cursor) {
    cursors().forEach(function (c) { c.tabIndex = -1; });
    cursor.tabIndex = 0;
    place(cursor);
    cursor.focus();
  }
  tl.addEventListener("focusin", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("tl-cursor")) place(ev.target);
  });
  tl.addEventListener("keydown", function (ev) {
    var cursor = ev.target.closest ? ev.target.closest(".tl-cursor") : null;
    if (!cursor) return;
    var list = cursors(), i = list.indexOf(cursor);
    var dayStart = Math.floor(cursorHours / perDay) * perDay;
    switch (ev.key) {
      case "ArrowRight": cursorHours = Math.min(total - step, cursorHours + step); break;
      case "ArrowLeft": cursorHours = Math.max(0, cursorHours - step); break;
      case "PageDown": cursorHours = Math.min(total - step, cursorHours + perDay); break;
      case "PageUp": cursorHours = Math.max(0, cursorHours - perDay); break;
      case "Home": cursorHours = dayStart; break;
      case "End": cursorHours = dayStart + perDay - step; break;
      case "ArrowDown": if (i + 1 < list.length) { ev.preventDefault(); focusCursor(list[i + 1]); } return;
      case "ArrowUp": if (i > 0) { ev.preventDefault(); focusCursor(list[i - 1]); } return;
      case "Enter": case " ": {
        ev.preventDefault();
        var entry = entryUnder(cursor);
        if (entry) { if (entry.href) window.location = entry.href; return; }
        if (!canBook || cursor.parentElement.dataset.book !== "1") return;
        window.location = bookUrl(cursor.parentElement.dataset.worker, timeAtHours(cursorHours).iso);
        return;
      }
      default: return;
    }
    ev.preventDefault();
    place(cursor);  // only the focused cursor: a region's rows hold thousands of entries
  });
  document.body.addEventListener("htmx:afterSwap", prepareCursors);
  prepareCursors();
})();
