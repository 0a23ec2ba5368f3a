// DigitPad's front end: an anywidget ES module (https://anywidget.dev/en/afm/), no build step, no imports.
//
// The learner draws on a canvas with a mouse, a finger or a pen (pointer events). While they draw (at
// most every `interval_ms`) and when a stroke ends, the strokes are rendered into a small grayscale
// image (`resolution` x `resolution`, white ink on black) and sent to Python as base64 in the `pixels`
// trait. Python answers with `probs` (10 floats), `seen` (the 28x28 image the network was given, base64
// of 784 bytes) and `status`. Strokes are kept as points, so the image sent can be drawn with a pen
// width proportional to the digit's size (`stroke_scale`): the network then sees MNIST-like strokes
// however big or small the digit was drawn.

const DISPLAY = 280; // CSS pixels of the drawing area
const PEN = 18; // pen width on screen, CSS pixels

function el(tag, cls, parent, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function toBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function render({ model, el: host }) {
  const root = el("div", "digitpad", host);
  const left = el("div", "digitpad-left", root);
  const right = el("div", "digitpad-right", root);

  // The drawing area; its backing store follows devicePixelRatio so strokes stay sharp.
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  const canvas = el("canvas", "digitpad-canvas", left);
  canvas.width = DISPLAY * ratio;
  canvas.height = DISPLAY * ratio;
  canvas.style.width = `${DISPLAY}px`;
  canvas.style.height = `${DISPLAY}px`;
  canvas.setAttribute("aria-label", "Draw a digit here");
  canvas.setAttribute("role", "img");
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);

  const buttons = el("div", "digitpad-buttons", left);
  const clear = el("button", "digitpad-clear", buttons, "Clear");
  clear.type = "button";
  const status = el("div", "digitpad-status", left, model.get("status"));

  // What the network reads: the 28x28 input, enlarged 4x without smoothing.
  el("div", "digitpad-caption", right, "What the network sees (28x28)");
  const seen = el("canvas", "digitpad-seen", right);
  seen.width = 28;
  seen.height = 28;
  const seenCtx = seen.getContext("2d");

  // The ten probabilities as horizontal bars.
  el("div", "digitpad-caption", right, "Probability of each digit");
  const chart = el("div", "digitpad-chart", right);
  const bars = [];
  for (let d = 0; d < 10; d++) {
    const row = el("div", "digitpad-row", chart);
    row.dataset.digit = String(d);
    el("span", "digitpad-label", row, String(d));
    const track = el("span", "digitpad-track", row);
    const fill = el("span", "digitpad-fill", track);
    const value = el("span", "digitpad-value", row, "");
    bars.push({ row, fill, value });
  }
  const answer = el("div", "digitpad-answer", right, "");

  // ---- drawing -------------------------------------------------------------------------------------
  let strokes = []; // each stroke: array of [x, y] in CSS pixels of the drawing area
  let current = null;
  const inkColour = () => getComputedStyle(root).getPropertyValue("--digitpad-ink").trim() || "#111";

  function paintBackground() {
    ctx.clearRect(0, 0, DISPLAY, DISPLAY);
  }

  function drawSegment(a, b) {
    ctx.strokeStyle = inkColour();
    ctx.lineWidth = PEN;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * DISPLAY) / rect.width,
      ((event.clientY - rect.top) * DISPLAY) / rect.height,
    ];
  }

  function addPoint(p) {
    const last = current[current.length - 1];
    current.push(p);
    drawSegment(last, p);
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== undefined && event.button > 0) return; // left button, touch or pen only
    event.preventDefault();
    try {
      canvas.setPointerCapture(event.pointerId); // keep the stroke when the pointer leaves the box
    } catch (_) {
      // synthetic events have no capturable pointer: draw without capture
    }
    current = [point(event)];
    strokes.push(current);
    drawSegment(current[0], current[0]); // a dot for a tap
    schedule();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const e of events.length ? events : [event]) addPoint(point(e));
    schedule();
  });
  const end = (event) => {
    if (!current) return;
    current = null;
    if (canvas.hasPointerCapture && canvas.hasPointerCapture(event.pointerId)) {
      canvas.releasePointerCapture(event.pointerId);
    }
    sendNow();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  clear.addEventListener("click", () => {
    strokes = [];
    current = null;
    paintBackground();
    sendNow();
  });

  // ---- what is sent to Python ------------------------------------------------------------------------
  const off = document.createElement("canvas");

  function rasterise() {
    const n = model.get("resolution");
    off.width = n;
    off.height = n;
    const g = off.getContext("2d", { willReadFrequently: true });
    g.fillStyle = "#000";
    g.fillRect(0, 0, n, n);
    const points = strokes.flat();
    if (!points.length) return null;
    const k = n / DISPLAY;
    let width = PEN * k; // the pen as drawn
    const scale = model.get("stroke_scale");
    if (scale > 0) {
      // a pen proportional to the digit: scale x its longer side; 0.12 gives strokes of about 1.8 px
      // in the 28x28 image, MNIST's median width (measured with mnist_data.drawing.stroke_width)
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
      width = Math.max(1.5, (extent + PEN) * k * scale);
    }
    g.strokeStyle = "#fff";
    g.fillStyle = "#fff";
    g.lineWidth = width;
    g.lineCap = "round";
    g.lineJoin = "round";
    for (const stroke of strokes) {
      g.beginPath();
      g.moveTo(stroke[0][0] * k, stroke[0][1] * k);
      if (stroke.length === 1) g.lineTo(stroke[0][0] * k + 0.01, stroke[0][1] * k);
      for (const p of stroke.slice(1)) g.lineTo(p[0] * k, p[1] * k);
      g.stroke();
    }
    const rgba = g.getImageData(0, 0, n, n).data;
    const grey = new Uint8Array(n * n);
    for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i];
    return grey;
  }

  let lastSent = 0;
  let timer = null;

  function sendNow() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    lastSent = performance.now();
    const grey = rasterise();
    const count = model.get("sent") + 1;
    model.set("pixels", grey ? toBase64(grey) : "");
    model.set("sent", count);
    model.save_changes();
    root.dataset.sent = String(count);
  }

  function schedule() {
    if (timer) return;
    const wait = model.get("interval_ms") - (performance.now() - lastSent);
    if (wait <= 0) sendNow();
    else timer = setTimeout(sendNow, wait);
  }

  // ---- what comes back from Python -------------------------------------------------------------------
  function showProbs() {
    const probs = model.get("probs") || [];
    let best = -1;
    probs.forEach((p, d) => {
      if (best < 0 || p > probs[best]) best = d;
    });
    bars.forEach((bar, d) => {
      const p = probs.length === 10 ? probs[d] : 0;
      bar.fill.style.width = `${(100 * p).toFixed(1)}%`;
      bar.value.textContent = probs.length === 10 ? `${(100 * p).toFixed(0)}%` : "";
      bar.row.classList.toggle("digitpad-top", d === best);
    });
    answer.textContent = best >= 0 ? `The network reads: ${best}` : "";
    root.dataset.prediction = best >= 0 ? String(best) : "";
  }

  function showSeen() {
    const b64 = model.get("seen");
    const image = seenCtx.createImageData(28, 28);
    if (b64) {
      const bytes = fromBase64(b64);
      for (let i = 0; i < 784; i++) {
        const v = 255 - bytes[i]; // ink dark on light, like the drawing area
        image.data.set([v, v, v, 255], 4 * i);
      }
    } else {
      for (let i = 0; i < 784; i++) image.data.set([255, 255, 255, 255], 4 * i);
    }
    seenCtx.putImageData(image, 0, 0);
  }

  function showStatus() {
    status.textContent = model.get("status");
  }

  function showHandled() {
    // which drawing Python last answered: tests wait for data-handled to reach data-sent
    root.dataset.handled = String(model.get("handled"));
  }

  model.on("change:probs", showProbs);
  model.on("change:seen", showSeen);
  model.on("change:status", showStatus);
  model.on("change:handled", showHandled);
  showProbs();
  showSeen();
  paintBackground();
  root.dataset.sent = String(model.get("sent"));
  showHandled();
  root.dataset.ready = "1";

  return () => {
    if (timer) clearTimeout(timer);
    model.off("change:probs", showProbs);
    model.off("change:seen", showSeen);
    model.off("change:status", showStatus);
    model.off("change:handled", showHandled);
  };
}

export default { render };
