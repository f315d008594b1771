// Safe Harbor review studio: renders what the studio's API serves. No exercise logic lives here.
import { instance } from "/static/viz.js";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
};
const minutes = (s) => `${Math.max(s / 60, 0.1).toFixed(1)} min`;
const vizReady = instance();

async function api(path, body) {
  const init = body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

let index = null;          // the last /api/index answer
let current = null;        // the exercise shown (its /api/exercise answer)
let selected = null;       // the step id shown in the step panel
let where = null;          // {exercise, step} from try-it

// ---- index and errors ------------------------------------------------------------------------

const adjustable = (d) => d.shortest.low !== d.shortest.default || d.longest.high !== d.longest.default;

function durationCells(d) {
  if (!d) return [el("td", {}, "—"), el("td", {}, "—")];
  const fixed = !adjustable(d);
  return [
    el("td", { class: "dur shortest" }, minutes(d.shortest.default),
       el("small", {}, fixed ? " (no adjustable holds)" : ` (holds at their shortest: ${minutes(d.shortest.low)})`)),
    el("td", { class: "dur longest" }, minutes(d.longest.default),
       el("small", {}, fixed ? " (no adjustable holds)" : ` (holds at their longest: ${minutes(d.longest.high)})`)),
  ];
}

function statusBadge(ex) {
  const text = { approved: `approved by ${ex.approval?.reviewer} on ${ex.approval?.date}`,
                 changed: `changed since ${ex.approval?.reviewer} approved it on ${ex.approval?.date}`,
                 unapproved: "not approved" }[ex.status];
  return el("span", { class: `badge ${ex.status}`, "data-status": ex.status }, text);
}

function renderErrors() {
  const section = $("#errors");
  const body = $("tbody", section);
  body.replaceChildren(...index.errors.map((e) =>
    el("tr", { class: "error-row" }, el("td", {}, e.file || ""), el("td", {}, e.step || ""),
       el("td", {}, e.field || ""), el("td", {}, e.problem || ""))));
  section.hidden = index.errors.length === 0;
}

function renderIndex() {
  const rows = index.exercises.map((ex) => el("tr", { class: "exercise-row", "data-id": ex.id },
    el("td", {}, el("a", { href: `/#/ex/${ex.id}` }, ex.title)),
    el("td", { class: "kind" }, ex.kind),
    el("td", { class: "steps" }, String(ex.steps)),
    ...durationCells(ex.durations),
    el("td", {}, statusBadge(ex), " ", el("a", { href: `/sheet/${ex.id}`, class: "sheet-link" }, "review sheet"),
       " ", el("a", { href: `/print/${ex.id}`, class: "print-link" }, "print for a client"))));
  $("#index tbody").replaceChildren(...rows);
  const s = index.speech;
  if (!s) { $("#speech-note").textContent = "Durations need the pacing in common/phrases.toml."; return; }
  $("#speech-note").textContent = `Durations: speech at ${s.wpm} words a minute (${s.base_wpm} at the voice's ` +
    `normal rate, slowed to ${s.rate} %), plus every written pause and a ${s.sentence_gap_ms} ms gap between ` +
    `sentences, plus holds at their default (in brackets: at their limits). A path goes from the first step to ` +
    `an ending without visiting a step twice.`;
}

// ---- diagram ---------------------------------------------------------------------------------

async function renderDiagram(target, dot, clickable) {
  const viz = await vizReady;
  const svg = viz.renderSVGElement(dot);
  if (clickable) {  // the working view fits the diagram to its column; the sheet keeps Graphviz's own size
    svg.removeAttribute("width");
    svg.removeAttribute("height");
  }
  svg.classList.add("flow");
  target.replaceChildren(svg);
  if (clickable) {
    for (const node of svg.querySelectorAll("g.node.step")) {
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      const id = node.id.replace(/^step-/, "");
      node.addEventListener("click", () => selectStep(id));
      node.addEventListener("keydown", (e) => { if (e.key === "Enter") selectStep(id); });
    }
  }
  markDiagram();
}

function markDiagram() {
  for (const node of document.querySelectorAll("#diagram g.node.step")) {
    const id = node.id.replace(/^step-/, "");
    node.classList.toggle("selected", id === selected);
    node.classList.toggle("here", !!(where && current && where.exercise === current.id && where.step === id));
  }
}

// ---- lines as heard, and listening -----------------------------------------------------------

let speaking = null;
function stopSpeaking() {
  if (speaking) { speaking.cancelled = true; clearTimeout(speaking.timer); }
  speaking = null;
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  for (const b of document.querySelectorAll("button.listen.playing")) b.classList.remove("playing");
}

function listen(line, button) {
  stopSpeaking();
  if (!("speechSynthesis" in window)) return;
  const run = { cancelled: false, timer: null };
  speaking = run;
  button.classList.add("playing");
  const queue = [...line.segments];
  const step = () => {
    if (run.cancelled) return;
    const seg = queue.shift();
    if (!seg) { button.classList.remove("playing"); speaking = null; return; }
    if (seg.pause !== undefined) { run.timer = setTimeout(step, seg.pause * 1000); return; }
    const u = new SpeechSynthesisUtterance(seg.text ?? seg.example);
    u.rate = line.rate / 100;
    u.onend = step;
    u.onerror = step;
    window.speechSynthesis.speak(u);
  };
  step();
}

function lineBlock(line) {
  const text = el("p", { class: "heard" }, ...line.segments.map((s) =>
    s.pause !== undefined ? el("span", { class: "pause", title: s.breath ? "paced breath" : "pause" }, `${s.breath ? "breath" : "pause"} ${s.pause} s`) :
    s.example !== undefined ? el("mark", { class: "example", title: `example for {${s.name}}` }, s.example) :
    el("span", {}, s.text)));
  const button = el("button", { class: "listen", type: "button", title: "Speak it with this browser's voice" },
                    "▶ listen");
  button.addEventListener("click", () => button.classList.contains("playing") ? stopSpeaking() : listen(line, button));
  if (!("speechSynthesis" in window)) { button.disabled = true; button.title = "This browser has no speech synthesis"; }
  return el("div", { class: `line variant-${line.variant}`, "data-variant": line.variant },
    el("h4", {}, line.label, el("small", {}, ` · about ${line.seconds} s`), " ", button), text);
}

function stepFacts(step) {
  const facts = [];
  if (step.hold) facts.push(step.hold);
  if (step.checkin) facts.push("check-in");
  if (step.rating) facts.push(`asks an optional 0–10 rating (${step.rating})`);
  if (step.end) facts.push("ends the exercise");
  const answers = Object.entries(step.on).filter(([a]) => a !== "repeat").map(([a, t]) => `${a} → ${t}`);
  if (answers.length) facts.push(`answers: ${answers.join(", ")}`);
  return facts.join(" · ");
}

function stepSection(step) {
  return el("section", { class: "step-lines", "data-step": step.id },
    el("h3", {}, `Step: ${step.id}`), el("p", { class: "facts" }, stepFacts(step)),
    ...step.lines.map(lineBlock));
}

function selectStep(id) {
  selected = id;
  stopSpeaking();
  const step = current?.steps.find((s) => s.id === id);
  if (step) $("#step").replaceChildren(stepSection(step));
  markDiagram();
}

// ---- views -----------------------------------------------------------------------------------

function show(view) {
  for (const id of ["index", "exercise", "sheet"]) $(`#${id}`).hidden = id !== view;
  $("#try").hidden = view === "sheet";
  document.body.dataset.view = view;
}

function durationText(d) {
  if (!d) return "durations need the common phrases file";
  if (!adjustable(d)) {
    return `shortest path ${minutes(d.shortest.default)}, longest path ${minutes(d.longest.default)} ` +
      `(no adjustable holds); ${d.paths} path${d.paths === 1 ? "" : "s"} from the first step to an ending`;
  }
  return `shortest path ${minutes(d.shortest.default)} (holds at their shortest ${minutes(d.shortest.low)}), ` +
    `longest path ${minutes(d.longest.default)} (holds at their longest ${minutes(d.longest.high)}); ` +
    `${d.paths} path${d.paths === 1 ? "" : "s"} from the first step to an ending`;
}

async function showExercise(id, keepStep) {
  const data = await api(`/api/exercise/${encodeURIComponent(id)}`);
  const changed = !current || current.id !== data.id;
  current = data;
  show("exercise");
  $("#exercise .title").textContent = `${data.title} (${data.kind}, ${data.steps.length} steps)`;
  $("#exercise .facts").replaceChildren(durationText(data.durations), " · ", statusBadge(data), " · ",
    el("a", { href: `/sheet/${data.id}` }, "review sheet"));
  if (changed || !keepStep) selected = null;
  await renderDiagram($("#diagram"), data.dot, true);
  if (selected) selectStep(selected);
  else $("#step").replaceChildren(el("p", { class: "note" }, "Click a step in the diagram to see and hear its lines."));
}

async function showSheet(id) {
  const data = await api(`/api/exercise/${encodeURIComponent(id)}`);
  current = data;
  show("sheet");
  const diagram = el("div", { class: "sheet-diagram" });
  const who = el("input", { id: "reviewer", placeholder: "your name", maxlength: "100", autocomplete: "name" });
  const message = el("p", { class: "approve-message", role: "status" });
  const approve = el("button", { type: "button", id: "approve" }, "Approve this version");
  approve.addEventListener("click", async () => {
    try {
      const r = await api("/api/approve", { exercise: data.id, reviewer: who.value, hash: data.hash });
      message.textContent = `Approved by ${r.approval.reviewer} on ${r.approval.date}.`;
      await showSheet(id);
    } catch (e) { message.textContent = e.message; }
  });
  $("#sheet").replaceChildren(
    el("p", { class: "no-print" }, el("a", { href: `/#/ex/${data.id}` }, "← back to the exercise"), " ",
       el("button", { type: "button", onclick: () => window.print() }, "Print")),
    el("h1", {}, `Review sheet: ${data.title}`),
    el("dl", { class: "sheet-facts" },
      el("dt", {}, "file"), el("dd", {}, data.file),
      el("dt", {}, "kind"), el("dd", {}, `${data.kind}, ${data.steps.length} steps`),
      el("dt", {}, "durations"), el("dd", {}, durationText(data.durations)),
      el("dt", {}, "content hash"), el("dd", { class: "hash" }, data.hash),
      el("dt", {}, "sign-off"), el("dd", {}, statusBadge(data))),
    el("div", { class: "approve no-print" }, el("label", { for: "reviewer" }, "Reviewer "), who, " ", approve, message),
    el("h2", {}, "Flow"), diagram, $("#exercise .legend").cloneNode(true),
    el("h2", {}, "Every line"), ...data.steps.map(stepSection));
  await renderDiagram(diagram, data.dot, false);
}

async function route() {
  stopSpeaking();
  const sheet = location.pathname.match(/^\/sheet\/([a-z0-9_]+)$/);
  if (sheet) return showSheet(sheet[1]);
  const ex = location.hash.match(/^#\/ex\/([a-z0-9_]+)$/);
  if (ex) return showExercise(ex[1], false);
  current = null;
  show("index");
}

async function refresh() {
  const next = await api("/api/index");
  const changed = !index || next.version !== index.version;
  index = next;
  renderErrors();
  renderIndex();
  $("#try-where").dataset.error = index.try_error || "";
  if (index.try_error) $("#try-where").textContent = index.try_error;
  if (changed && current) {
    if (document.body.dataset.view === "sheet") await showSheet(current.id);
    else if (index.exercises.some((e) => e.id === current.id)) await showExercise(current.id, true);
  }
}

// ---- try it ----------------------------------------------------------------------------------

async function trySay(text) {
  const result = await api("/api/try", { text });
  const log = $("#try-log");
  if (text) log.append(el("li", { class: "you" }, `you: ${text}`));
  for (const line of result.lines) log.append(el("li", { class: line.startsWith("alexa>") ? "alexa" : "aside" }, line));
  log.scrollTop = log.scrollHeight;
  where = result.where;
  $("#try-where").textContent = result.error ? result.error :
    where ? `Now at: ${where.exercise} › ${where.step}` +
      (result.playing ? " (its hold is playing: say skip hold to play it through)" : "") : "Not in an exercise.";
  $("#try-where").dataset.exercise = where ? where.exercise : "";
  $("#try-where").dataset.step = where ? where.step : "";
  if (where && (!current || current.id !== where.exercise || document.body.dataset.view !== "exercise")) {
    location.hash = `#/ex/${where.exercise}`;
    if (location.pathname !== "/") location.pathname = "/";
  } else {
    markDiagram();
  }
}

function wireTry() {
  $("#try-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("#try-input");
    const text = input.value.trim();
    input.value = "";
    if (text) trySay(text).catch(report);
  });
  for (const b of document.querySelectorAll("#try .quick button")) {
    b.addEventListener("click", () => trySay(b.dataset.say).catch(report));
  }
  $("#try-reset").addEventListener("click", async () => {
    await api("/api/try/reset", {});
    where = null;
    $("#try-log").replaceChildren();
    $("#try-where").textContent = "";
    markDiagram();
  });
}

function report(error) {
  const box = $("#try-where");
  box.textContent = `Something went wrong: ${error.message}`;
}

window.addEventListener("hashchange", () => route().catch(report));
wireTry();
refresh().then(route).then(() => { document.body.dataset.ready = "1"; }).catch(report);
setInterval(() => refresh().catch(() => {}), 2000);
