/* The gradient-descent explorer: the reader sets the learning rate, the number of updates
 * and (on the SGD page) the batch size, and sees gradient descent on the MSE live.
 *
 * A page holds <div class="gd-explorer"> with a <script type="application/json"> written by
 * one of its code cells: the page's own data, initial values, threshold and UI strings.
 * Nothing is requested; nothing but this file and gd_explorer.css is needed.
 *
 * The arithmetic is NumPy's, in float64 and in the same order:
 *   error = W * x + b - y;  dW = 2 * mean(error * x);  db = 2 * mean(error)
 *   W = W - lr * dW;  b = b - lr * db
 * With a batch size B smaller than the data, update k uses the next B samples in data order
 * (no shuffling), the last batch of an epoch holding what is left, as Keras cuts batches.
 * The result after N updates is on the <output> element: data-w, data-b, data-cost (the cost
 * on all the data after the last update), data-diverged, data-threshold.
 */
(function () {
  "use strict";

  var LR_MIN = 0.001, LR_MAX = 0.2, SLIDER_STEPS = 1000;
  var LOG_MIN = Math.log(LR_MIN), LOG_SPAN = Math.log(LR_MAX) - LOG_MIN;
  var SVGNS = "http://www.w3.org/2000/svg";
  var counter = 0;

  // ---- arithmetic ------------------------------------------------------------------

  function mean(values) {
    // np.mean of fewer than 8 values: a left-to-right sum from 0, divided by the count.
    var sum = 0;
    for (var i = 0; i < values.length; i++) sum += values[i];
    return sum / values.length;
  }

  function cost(x, y, w, b) {
    var sq = [];
    for (var i = 0; i < x.length; i++) {
      var e = w * x[i] + b - y[i];
      sq.push(e * e);
    }
    return mean(sq);
  }

  /* N updates from (w0, b0): the path of (W, b) and the cost on all data, N + 1 values each. */
  function descend(data, lr, n, batch) {
    var x = data.x, y = data.y, m = x.length, w = data.w0, b = data.b0, start = 0;
    var ws = [w], bs = [b], costs = [cost(x, y, w, b)];
    for (var k = 0; k < n; k++) {
      var xs = x.slice(start, start + batch), ys = y.slice(start, start + batch);
      start += batch;
      if (start >= m) start = 0;
      var ex = [], es = [];
      for (var i = 0; i < xs.length; i++) {
        var e = w * xs[i] + b - ys[i];
        es.push(e);
        ex.push(e * xs[i]);
      }
      var dw = 2 * mean(ex), db = 2 * mean(es);
      w = w - lr * dw;
      b = b - lr * db;
      ws.push(w);
      bs.push(b);
      costs.push(cost(x, y, w, b));
    }
    return { ws: ws, bs: bs, costs: costs };
  }

  function hessian(xs) {
    var n = xs.length, sxx = 0, sx = 0;
    for (var i = 0; i < n; i++) { sxx += xs[i] * xs[i]; sx += xs[i]; }
    return [2 / n * sxx, 2 / n * sx, 2];  // [[a, c], [c, d]] as [a, c, d]
  }

  function eigen(h) {
    // The eigenvalues (largest first) and unit eigenvectors of [[a, c], [c, d]].
    var a = h[0], c = h[1], d = h[2], mid = (a + d) / 2, r = Math.hypot((a - d) / 2, c);
    var l1 = mid + r, l2 = mid - r, v = c !== 0 ? [l1 - d, c] : (a >= d ? [1, 0] : [0, 1]);
    var len = Math.hypot(v[0], v[1]);
    v = [v[0] / len, v[1] / len];
    return { l1: l1, l2: l2, v1: v, v2: [-v[1], v[0]] };
  }

  /* The spectral radius of one epoch of updates: above 1, the run diverges. */
  function epochRadius(x, lr, batch) {
    var p = [1, 0, 0, 1];  // row-major 2x2
    for (var s = 0; s < x.length; s += batch) {
      var h = hessian(x.slice(s, s + batch));
      var q = [1 - lr * h[0], -lr * h[1], -lr * h[1], 1 - lr * h[2]];
      p = [q[0] * p[0] + q[1] * p[2], q[0] * p[1] + q[1] * p[3], q[2] * p[0] + q[3] * p[2], q[2] * p[1] + q[3] * p[3]];
    }
    var tr = (p[0] + p[3]) / 2, det = p[0] * p[3] - p[1] * p[2], disc = tr * tr - det;
    return disc >= 0 ? Math.max(Math.abs(tr + Math.sqrt(disc)), Math.abs(tr - Math.sqrt(disc))) : Math.sqrt(det);
  }

  /* The smallest learning rate in the slider's range above which the run diverges. */
  function threshold(data, batch) {
    if (batch >= data.x.length) {
      return data.threshold != null ? data.threshold : 2 / eigen(hessian(data.x)).l1;
    }
    var lo = LR_MIN, hi = null;
    for (var i = 1; i <= 400; i++) {
      var lr = Math.exp(LOG_MIN + LOG_SPAN * i / 400);
      if (epochRadius(data.x, lr, batch) > 1) { hi = lr; break; }
      lo = lr;
    }
    if (hi === null) return null;
    for (var j = 0; j < 80; j++) {
      var midLr = (lo + hi) / 2;
      if (epochRadius(data.x, midLr, batch) > 1) hi = midLr; else lo = midLr;
    }
    return lo;
  }

  // ---- formatting ------------------------------------------------------------------

  function fmt(v, digits) {
    if (isNaN(v)) return "NaN";
    if (!isFinite(v)) return v > 0 ? "∞" : "−∞";
    var a = Math.abs(v);
    var s = a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(digits - 1) : v.toPrecision(digits);
    return s.replace("-", "−");
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function sliderPosition(lr) {
    return Math.round((Math.log(lr) - LOG_MIN) / LOG_SPAN * SLIDER_STEPS);
  }

  // ---- drawing (SVG) ------------------------------------------------------------------

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text != null) node.textContent = text;
    return node;
  }

  var W = 320, H = 240, PAD = { l: 56, r: 12, t: 12, b: 42 };

  /* A chart: an <svg> with a frame, scales from data to pixels, and a clip for the plot area. */
  function chart(svg, xr, yr, labels) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var id = svg.getAttribute("data-clip");
    var clip = svgEl("clipPath", { id: id });
    clip.appendChild(svgEl("rect", { x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b }));
    svg.appendChild(clip);
    var sx = function (v) { return PAD.l + (v - xr[0]) / (xr[1] - xr[0]) * (W - PAD.l - PAD.r); };
    var sy = function (v) { return H - PAD.b - (v - yr[0]) / (yr[1] - yr[0]) * (H - PAD.t - PAD.b); };
    svg.appendChild(svgEl("rect", { class: "gd-frame", x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b }));
    svg.appendChild(svgEl("text", { class: "gd-axis", x: (PAD.l + W - PAD.r) / 2, y: H - 4, "text-anchor": "middle" }, labels[0]));
    var mid = (PAD.t + H - PAD.b) / 2;
    var yTitle = svgEl("text", { class: "gd-axis", x: 14, y: mid, "text-anchor": "middle", transform: "rotate(-90 14 " + mid + ")" }, labels[1]);
    svg.appendChild(yTitle);
    var plot = svgEl("g", { "clip-path": "url(#" + id + ")" });
    svg.appendChild(plot);
    return { sx: sx, sy: sy, plot: plot, svg: svg, yTitle: yTitle, mid: mid };
  }

  function tick(c, axis, value, text) {
    if (axis === "x") {
      c.svg.appendChild(svgEl("text", { class: "gd-tick", x: c.sx(value), y: H - PAD.b + 18, "text-anchor": "middle" }, text));
    } else {
      var label = svgEl("text", { class: "gd-tick", x: PAD.l - 6, y: c.sy(value) + 4, "text-anchor": "end" }, text);
      c.svg.appendChild(label);
      clearOf(c, label);
    }
  }

  /* The y-axis title stands left of every y tick label with a gap: a wide label ("1e-10") moves it
   * left, never under the label. Measured in the drawing's own units; the title's right edge is
   * where its rotated text ends. */
  function clearOf(c, label) {
    if (!label.getBBox) return;
    var left = label.getBBox().x, title = c.yTitle.getBBox();
    var x = Number(c.yTitle.getAttribute("x"));
    var right = x + (title.y + title.height - Number(c.yTitle.getAttribute("y")));
    if (right > left - 4) {
      x = Math.max(title.height / 2, x - (right - left + 4));
      c.yTitle.setAttribute("x", x);
      c.yTitle.setAttribute("transform", "rotate(-90 " + x + " " + c.mid + ")");
    }
  }

  function polyline(c, xs, ys, cls) {
    var pts = [];
    for (var i = 0; i < xs.length; i++) {
      if (!isFinite(xs[i]) || !isFinite(ys[i])) break;
      // Far outside the plot, clamp so that the browser draws the line in the right direction.
      var px = Math.max(-1e5, Math.min(1e5, c.sx(xs[i]))), py = Math.max(-1e5, Math.min(1e5, c.sy(ys[i])));
      pts.push(px.toFixed(2) + "," + py.toFixed(2));
    }
    c.plot.appendChild(svgEl("polyline", { class: cls, points: pts.join(" ") }));
  }

  function dot(c, x, y, r, cls) {
    if (isFinite(x) && isFinite(y)) c.plot.appendChild(svgEl("circle", { class: cls, cx: c.sx(x), cy: c.sy(y), r: r }));
  }

  function niceTicks(lo, hi, count) {
    // A step of 1, 2 or 5 times a power of ten, giving at most count + 1 ticks.
    var raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw))), norm = raw / mag;
    var step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    var ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) ticks.push(Math.round(v / step) * step);
    return ticks;
  }

  function drawContour(svg, data, run, text) {
    var x = data.x, y = data.y, m = x.length, sxx = 0, sx = 0, sxy = 0, sy = 0;
    for (var i = 0; i < m; i++) { sxx += x[i] * x[i]; sx += x[i]; sxy += x[i] * y[i]; sy += y[i]; }
    var det = sxx * m - sx * sx;
    var wStar = (sxy * m - sx * sy) / det, bStar = (sxx * sy - sx * sxy) / det;
    var cMin = cost(x, y, wStar, bStar), e = eigen(hessian(x));
    var half = Math.max(Math.abs(data.w0 - wStar), Math.abs(data.b0 - bStar) / 0.75, 0.1) * 1.35;
    var c = chart(svg, [wStar - half, wStar + half], [bStar - half * 0.75, bStar + half * 0.75], ["W", "b"]);
    niceTicks(wStar - half, wStar + half, 4).forEach(function (v) { tick(c, "x", v, fmt(v, 2)); });
    niceTicks(bStar - half * 0.75, bStar + half * 0.75, 4).forEach(function (v) { tick(c, "y", v, fmt(v, 2)); });
    var d0 = cost(x, y, data.w0, data.b0) - cMin;
    for (var k = -8; k <= 3; k++) {
      var dc = d0 * Math.pow(3, k), ws = [], bs = [];
      for (var j = 0; j <= 72; j++) {
        var phi = j / 72 * 2 * Math.PI, r = Math.sqrt(2 * dc);
        var u = Math.cos(phi) / Math.sqrt(e.l1), v = Math.sin(phi) / Math.sqrt(e.l2);
        ws.push(wStar + r * (e.v1[0] * u + e.v2[0] * v));
        bs.push(bStar + r * (e.v1[1] * u + e.v2[1] * v));
      }
      polyline(c, ws, bs, "gd-level");
    }
    c.plot.appendChild(svgEl("path", { class: "gd-min", d: "M" + (c.sx(wStar) - 5) + "," + c.sy(bStar) + "h10M" + c.sx(wStar) + "," + (c.sy(bStar) - 5) + "v10" }));
    polyline(c, run.ws, run.bs, "gd-path");
    dot(c, data.w0, data.b0, 4, "gd-start");
    dot(c, run.ws[run.ws.length - 1], run.bs[run.bs.length - 1], 4, "gd-now");
  }

  function drawCosts(svg, run, text) {
    var logs = [], n = run.costs.length - 1;
    for (var i = 0; i <= n; i++) {
      var v = run.costs[i];
      if (!isFinite(v)) break;
      logs.push(Math.log10(Math.max(v, 1e-300)));
    }
    var lo = Math.floor(Math.min.apply(null, logs)), hi = Math.ceil(Math.max.apply(null, logs));
    if (hi - lo < 1) { lo -= 1; hi += 1; }
    var c = chart(svg, [0, Math.max(n, 1)], [lo, hi], [text.axis_update, text.axis_cost]);
    var stride = Math.max(1, Math.ceil((hi - lo) / 5));
    for (var p = lo; p <= hi; p += stride) tick(c, "y", p, p === 0 ? "1" : "1e" + p);
    niceTicks(0, Math.max(n, 1), 4).forEach(function (v) { tick(c, "x", v, String(v)); });
    var xs = logs.map(function (_, k) { return k; });
    polyline(c, xs, logs, "gd-curve");
  }

  function drawData(svg, data, run, text) {
    var x = data.x, y = data.y, at = data.predict_at || [];
    var w = run.ws[run.ws.length - 1], b = run.bs[run.bs.length - 1];
    var xmax = Math.max.apply(null, x.concat(at)) + 1, xmin = Math.min(0, Math.min.apply(null, x) - 1);
    var ylo = Math.min.apply(null, y), yhi = Math.max.apply(null, y), span = Math.max(yhi - ylo, 1);
    // Room for the predictions of a good fit: the data's range stretched to xmax, plus a margin.
    ylo -= span * 0.6 + 0.5;
    yhi += span * 0.6 + 0.5;
    var c = chart(svg, [xmin, xmax], [ylo, yhi], ["x", "y"]);
    niceTicks(xmin, xmax, 5).forEach(function (v) { tick(c, "x", v, String(v)); });
    niceTicks(ylo, yhi, 4).forEach(function (v) { tick(c, "y", v, String(v)); });
    polyline(c, [xmin, xmax], [w * xmin + b, w * xmax + b], "gd-line");
    for (var i = 0; i < x.length; i++) dot(c, x[i], y[i], 4, "gd-point");
    at.forEach(function (a) { dot(c, a, w * a + b, 5, "gd-prediction"); });
  }

  // ---- the widget ------------------------------------------------------------------

  function build(root) {
    var source = root.querySelector("script[type='application/json']");
    if (!source) return;
    var data = JSON.parse(source.textContent), text = data.text, m = data.x.length;
    var id = "gd-explorer-" + (++counter);
    var fallback = root.querySelector(".gd-explorer-fallback");
    if (fallback) fallback.remove();
    var batches = data.batch_sizes && data.batch_sizes.length ? data.batch_sizes : [m];
    var state = {
      lr: data.learning_rate, n: data.updates, batch: batches.indexOf(m) >= 0 ? m : batches[0]
    };

    var lrRange = el("input", { type: "range", id: id + "-lr", min: 0, max: SLIDER_STEPS, step: 1 });
    var lrNumber = el("input", {
      type: "number", id: id + "-lr-number", min: LR_MIN, max: LR_MAX, step: "any", inputmode: "decimal"
    });
    var scale = el("div", { class: "gd-scale", "aria-hidden": "true" });
    [0.001, 0.01, 0.1, 0.2].forEach(function (v) {
      var t = el("span", { class: "gd-scale-tick" }, [String(v)]);
      t.style.setProperty("--gd-at", sliderPosition(v) / SLIDER_STEPS);
      scale.appendChild(t);
    });
    var mark = el("span", { class: "gd-threshold-mark" });
    scale.appendChild(mark);
    var nRange = el("input", { type: "range", id: id + "-n", min: 1, max: data.max_updates || 1000, step: 1 });
    var nNumber = el("input", {
      type: "number", id: id + "-n-number", min: 1, max: data.max_updates || 1000, step: 1, inputmode: "numeric"
    });
    var controls = el("div", { class: "gd-controls" }, [
      el("div", { class: "gd-field gd-field-lr" }, [
        el("label", { for: id + "-lr" }, [text.learning_rate]),
        el("div", { class: "gd-inputs" }, [lrRange, el("label", { for: id + "-lr-number", class: "gd-visually-hidden" }, [text.learning_rate]), lrNumber]),
        scale
      ]),
      el("div", { class: "gd-field" }, [
        el("label", { for: id + "-n" }, [text.updates]),
        el("div", { class: "gd-inputs" }, [nRange, el("label", { for: id + "-n-number", class: "gd-visually-hidden" }, [text.updates]), nNumber])
      ])
    ]);
    var batchSelect = null;
    if (batches.length > 1) {
      batchSelect = el("select", { id: id + "-batch" });
      batches.forEach(function (size) {
        batchSelect.appendChild(el("option", { value: size }, [String(size)]));
      });
      controls.appendChild(el("div", { class: "gd-field" }, [
        el("label", { for: id + "-batch" }, [text.batch_size]),
        el("div", { class: "gd-inputs" }, [batchSelect]),
        el("p", { class: "gd-note" }, [text.batch_order])
      ]));
    }

    var message = el("p", { class: "gd-message", "aria-live": "polite", id: id + "-message" });
    var output = el("output", { class: "gd-result", "aria-live": "polite", for: id + "-lr " + id + "-n" });
    var svgs = ["contour", "costs", "data"].map(function (name) {
      return svgEl("svg", {
        viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": text[name], "data-clip": id + "-" + name, class: "gd-" + name
      });
    });
    var figures = el("div", { class: "gd-plots" }, svgs.map(function (svg, i) {
      var fig = el("figure", {}, []);
      fig.appendChild(svg);
      fig.appendChild(el("figcaption", {}, [text[["contour", "costs", "data"][i]]]));
      return fig;
    }));
    root.setAttribute("role", "group");
    root.setAttribute("aria-labelledby", id + "-title");
    root.appendChild(el("p", { class: "gd-title", id: id + "-title" }, [text.title]));
    root.appendChild(controls);
    root.appendChild(message);
    root.appendChild(output);
    root.appendChild(figures);

    function update() {
      var limit = threshold(data, state.batch);
      var run = descend(data, state.lr, state.n, state.batch);
      var k = run.ws.length - 1, w = run.ws[k], b = run.bs[k], c = run.costs[k];
      var diverged = limit !== null && state.lr > limit;
      output.setAttribute("data-w", String(w));
      output.setAttribute("data-b", String(b));
      output.setAttribute("data-cost", String(c));
      output.setAttribute("data-updates", String(state.n));
      output.setAttribute("data-learning-rate", String(state.lr));
      output.setAttribute("data-batch-size", String(state.batch));
      output.setAttribute("data-threshold", limit === null ? "" : String(limit));
      output.setAttribute("data-diverged", String(diverged));
      var lines = [fill(text.result, { n: state.n, w: fmt(w, 6), b: fmt(b, 6), cost: fmt(c, 4) })];
      lines.push((data.predict_at || []).map(function (a) {
        return fill(text.prediction, { x: a, y: fmt(w * a + b, 5) });
      }).join(", "));
      output.textContent = "";
      lines.forEach(function (line) { output.appendChild(el("span", {}, [line])); });
      // The rate as typed, or to 6 digits with "…" when it has more (the threshold typed exactly).
      var shown = Number(state.lr.toPrecision(6)) === state.lr ? String(state.lr) : state.lr.toPrecision(6) + "…";
      var values = { lr: shown, threshold: limit === null ? "" : fmt(limit, 4), batch: state.batch };
      message.textContent = limit === null ? "" : fill(diverged ? text.diverges : text.converges, values);
      message.className = "gd-message" + (diverged ? " gd-diverges" : "");
      if (limit !== null) {
        var at = sliderPosition(Math.min(Math.max(limit, LR_MIN), LR_MAX)) / SLIDER_STEPS, label = fill(text.threshold, { threshold: fmt(limit, 4) });
        mark.style.setProperty("--gd-at", at);
        // The label extends away from the nearer end of the scale, so that it stays inside.
        mark.className = "gd-threshold-mark" + (at > 0.5 ? " gd-end" : "");
        mark.textContent = at > 0.5 ? label + " ▲" : "▲ " + label;
        mark.hidden = false;
      } else {
        mark.hidden = true;
      }
      lrRange.setAttribute("aria-valuetext", String(state.lr));
      drawContour(svgs[0], data, run, text);
      drawCosts(svgs[1], run, text);
      drawData(svgs[2], data, run, text);
    }

    function setLr(lr, from) {
      state.lr = lr;
      if (from !== lrRange) lrRange.value = sliderPosition(lr);
      if (from !== lrNumber) lrNumber.value = String(lr);
      lrNumber.removeAttribute("aria-invalid");
      update();
    }

    function setN(n, from) {
      state.n = n;
      if (from !== nRange) nRange.value = n;
      if (from !== nNumber) nNumber.value = n;
      nNumber.removeAttribute("aria-invalid");
      update();
    }

    lrRange.addEventListener("input", function () {
      // Four significant digits, so that the number field shows the rate the run uses.
      setLr(Number(Math.exp(LOG_MIN + LOG_SPAN * lrRange.value / SLIDER_STEPS).toPrecision(4)), lrRange);
    });
    lrNumber.addEventListener("input", function () {
      var v = lrNumber.valueAsNumber;
      if (isFinite(v) && v >= LR_MIN && v <= LR_MAX) setLr(v, lrNumber);
      else lrNumber.setAttribute("aria-invalid", "true");
    });
    nRange.addEventListener("input", function () { setN(Number(nRange.value), nRange); });
    nNumber.addEventListener("input", function () {
      var v = nNumber.valueAsNumber, max = Number(nNumber.max);
      if (Number.isInteger(v) && v >= 1 && v <= max) setN(v, nNumber);
      else nNumber.setAttribute("aria-invalid", "true");
    });
    if (batchSelect) {
      batchSelect.value = String(state.batch);
      batchSelect.addEventListener("change", function () {
        state.batch = Number(batchSelect.value);
        update();
      });
    }
    nRange.value = state.n;
    nNumber.value = state.n;
    setLr(state.lr);
  }

  function init() {
    document.querySelectorAll(".gd-explorer").forEach(function (root) {
      if (!root.hasAttribute("data-gd-ready")) {
        root.setAttribute("data-gd-ready", "");
        build(root);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
