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

function statusBadge(ex, them = "it", lang = "en") {
  const text = { approved: `approved by ${ex.approval?.reviewer} on ${ex.approval?.date}`,
                 changed: `changed since ${ex.approval?.reviewer} approved ${them} on ${ex.approval?.date}`,
                 unapproved: "not approved" }[ex.status];
  // English's badge keeps its class; each other language's is a "lang-badge" of its own, named by its code.
  return el("span", { class: `${lang === "en" ? "badge" : "lang-badge"} ${ex.status}`, "data-status": ex.status,
                      "data-lang": lang }, text);
}

// ---- languages shown side by side ------------------------------------------------------------
// The choice lives in the URL (#/ex/<id>?langs=fr,de, #/phrases?langs=fr, /sheet/<id>?langs=fr) so a view
// can be shared or bookmarked. English is always shown: the structure comes from it.

function langParam() {
  const query = location.pathname.startsWith("/sheet/") ? location.search.slice(1) : (location.hash.split("?")[1] || "");
  return new URLSearchParams(query).get("langs") || "";
}
const langQuery = () => (langParam() ? `?langs=${encodeURIComponent(langParam())}` : "");
const langName = (code) => index?.languages?.find((l) => l.code === code)?.name ?? code;

function setLangs(codes) {
  const query = codes.length ? `?langs=${codes.join(",")}` : "";
  if (location.pathname.startsWith("/sheet/")) {
    history.replaceState(null, "", location.pathname + query);
    route().catch(report);
  } else {
    location.hash = location.hash.split("?")[0] + query;  // hashchange shows it again
  }
}

function languageChooser() {
  const chosen = new Set(langParam().split(",").filter(Boolean));
  const others = (index?.languages || []).filter((l) => l.code !== "en");
  const boxes = others.map((l) => {
    const box = el("input", { type: "checkbox", id: `lang-${l.code}`, value: l.code, class: "lang-choice" });
    box.checked = chosen.has(l.code);
    box.addEventListener("change", () => setLangs(
      [...document.querySelectorAll("input.lang-choice")].filter((b) => b.checked).map((b) => b.value)));
    return el("label", { for: `lang-${l.code}`, class: "lang-option" }, box, " ", el("span", { lang: l.code }, l.name));
  });
  return el("fieldset", { class: "languages no-print" }, el("legend", {}, "Languages shown side by side"),
    el("span", { class: "lang-option" }, "English (always)"), ...boxes);
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
    el("td", {}, el("div", { class: "signoffs" },  // one line per language, English first
         el("span", {}, el("span", { class: "lang-code" }, "en:"), " ", statusBadge(ex)),
         ...Object.entries(ex.signoffs || {}).map(([code, so]) =>
           el("span", { class: "lang-status" }, el("span", { class: "lang-code" }, `${code}:`), " ",
              statusBadge(so, "it", code)))),
       el("a", { href: `/sheet/${ex.id}`, class: "sheet-link" }, "review sheet"),
       " ", el("a", { href: `/print/${ex.id}`, class: "print-link" }, "print for a client"))));
  $("#index tbody").replaceChildren(...rows);
  $("#phrases-status").replaceChildren(statusBadge(index.phrases, "them"),
    ...Object.entries(index.phrases_signoffs || {}).map(([code, so]) => el("span", { class: "lang-status" }, " ",
      el("span", { class: "lang-code" }, `${code}:`), " ", statusBadge(so, "them", code))));
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
  for (const node of svg.querySelectorAll("g.node.step")) {  // where the words changed since approval
    const step = current?.steps?.find((s) => `step-${s.id}` === node.id);
    const inAnyLanguage = (current?.versions || []).some((v) => v.steps[step?.id]?.changes?.length);
    node.classList.toggle("changed", !!step?.changes?.length || inAnyLanguage);
  }
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
  for (const a of document.querySelectorAll("audio.hold-audio")) a.pause();
}

function listen(line, button) {
  stopSpeaking();
  const said = button.parentElement.querySelector(".listen-status");
  if (said) said.textContent = "";
  // Some browsers have the speech API but no voice installed: they never start or end, so say so plainly.
  if (!("speechSynthesis" in window) || !window.speechSynthesis.getVoices().length) {
    if (said) said.textContent = "This browser has no voice to speak with, so nothing can be heard here.";
    return;
  }
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
    if (line.lang) u.lang = line.lang;
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
  return el("div", { class: `line variant-${line.variant}`, "data-variant": line.variant },
    el("h4", {}, line.label, el("small", {}, ` · about ${line.seconds} s`), " ", button,
       " ", el("span", { class: "listen-status", role: "status" })), text);
}

const titleOf = (id) => current?.steps?.find((s) => s.id === id)?.title ?? id;
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
const FIELDS = { title: "title", say: "said", gentle: "gentle", brief: "brief", reprompt: "reprompt", help: "help",
                 say_without_clock: "said, time unknown", gentle_without_clock: "gentle, time unknown",
                 brief_without_clock: "brief, time unknown", on: "answers", hold: "hold" };

// Long unchanged runs are cut to a few words either side of a change, so the change stands out.
const CONTEXT = 8;
function shorten(words, n) {
  const w = words.split(" ");
  if (w.length <= 2 * CONTEXT + 2) return words;
  const head = w.slice(0, CONTEXT).join(" "), tail = w.slice(-CONTEXT).join(" ");
  return n === 0 ? `… ${tail}` : n === -1 ? `${head} …` : `${head} … ${tail}`;
}

function diffRuns(words) {
  return words.map(([op, text], i) => op === "=" ?
    el("span", { class: "same" }, shorten(text, i === 0 ? 0 : i === words.length - 1 ? -1 : 1)) :
    el(op === "-" ? "del" : "ins", { title: op === "-" ? "approved, now gone" : "new since approval" }, text));
}

function changesBlock(changes) {
  if (!changes || !changes.length) return null;
  return el("div", { class: "changes" }, el("h4", {}, "Changed since approval"),
    ...changes.map((c) => el("div", { class: `change ${c.change}`, "data-field": c.field },
      el("span", { class: "change-field" }, `${FIELDS[c.field] || c.field} (${c.change}): `),
      ...diffRuns(c.words))));
}

let reviewerName = "";
function nameInput(cls) {
  const input = el("input", { class: cls, placeholder: "your name", maxlength: "100", autocomplete: "name",
                               "aria-label": "your name" });
  input.value = reviewerName;
  input.addEventListener("input", () => { reviewerName = input.value; });
  return input;
}

function commentsBlock(rid, key, comments, after, lang = "en") {
  const list = el("ul", { class: "comments" }, ...comments.map((c) =>
    el("li", { class: "comment" }, el("b", {}, c.reviewer), ` (${c.date}): `, el("span", { class: "comment-text" }, c.text))));
  const who = nameInput("comment-name");
  const text = el("textarea", { class: "comment-input", rows: "2", maxlength: "2000", "aria-label": "comment",
                                placeholder: "a comment on this for the authors" });
  const message = el("span", { class: "comment-message", role: "status" });
  const send = el("button", { type: "button", class: "comment-send" }, "Comment");
  send.addEventListener("click", async () => {
    try {
      await api("/api/comment", { exercise: rid, step: key, reviewer: who.value, text: text.value, lang });
      await after();
    } catch (e) { message.textContent = e.message; }
  });
  return el("div", { class: "comments-block" }, comments.length ? el("h4", {}, "Comments") : null, list,
    el("details", { class: "add-comment no-print" }, el("summary", {}, "comment on this"),
       el("div", {}, who, " ", send, " ", message), text));
}

const shortHash = (h) => `${h.slice(0, 19)}…`;  // "sha256:" and 12 hex digits; the whole in its tooltip

function historyTable(history) {
  if (!history.length) return el("p", { class: "note history-empty" }, "Never approved.");
  return el("table", { class: "history" },
    el("thead", {}, el("tr", {}, el("th", {}, "who"), el("th", {}, "when"), el("th", {}, "hash"),
       el("th", {}, "shared phrases reviewed with"), el("th", {}, "comment"))),
    el("tbody", {}, ...history.map((a) => el("tr", { class: "history-row" }, el("td", {}, a.reviewer),
      el("td", {}, a.date), el("td", { class: "hash", title: a.hash }, shortHash(a.hash)),
      el("td", { class: "hash", title: a.phrases || "" }, a.phrases ? shortHash(a.phrases) : "—"),
      el("td", { class: "comment-text" }, a.comment || "")))));
}

function approveBox(rid, hash, after, lang = "en") {
  const own = lang === "en" ? "" : `-${lang}`;  // English's ids stay as they were; each language has its own
  const who = nameInput("reviewer");
  who.id = `reviewer${own}`;
  const comment = el("textarea", { id: `approve-comment${own}`, class: "approve-comment", rows: "2", maxlength: "2000",
                                   "aria-label": "a comment for the approval history",
                                   placeholder: "a comment for the history (optional)" });
  const message = el("p", { class: "approve-message", role: "status" });
  const label = lang === "en" ? "Approve this version" : `Approve the ${langName(lang)} version`;
  const approve = el("button", { type: "button", id: `approve${own}`, "data-lang": lang }, label);
  approve.addEventListener("click", async () => {
    try {
      const r = await api("/api/approve", { exercise: rid, reviewer: who.value, hash, comment: comment.value, lang });
      message.textContent = `Approved by ${r.approval.reviewer} on ${r.approval.date}.`;
      await after();
    } catch (e) { message.textContent = e.message; }
  });
  return el("div", { class: "approve no-print", "data-lang": lang }, el("label", { for: `reviewer${own}` }, "Reviewer "),
    who, " ", approve, el("div", {}, comment), message);
}

// A hold as the device plays it: the 60 s bed as many times as it takes (the first one part-way in, so the
// beds add up to the hold's length), then the chime. "skip to the chime" plays the chime at once.
function holdBlock(hold) {
  const audio = el("audio", { class: "hold-audio", preload: "none" });
  const status = el("span", { class: "hold-status", role: "status" });
  const play = el("button", { type: "button", class: "hold-play" }, `▶ play the hold (${clock(hold.seconds)})`);
  const skip = el("button", { type: "button", class: "hold-skip" }, "skip to the chime");
  const beds = hold.segments.length - 1;
  let at = -1;
  const segment = (n) => {
    at = n;
    const seg = hold.segments[n];
    audio.src = `/audio/${seg.file}` + (seg.start ? `#t=${seg.start}` : "");
    audio.dataset.kind = seg.kind;
    audio.play().catch((e) => { status.textContent = `The audio could not play here: ${e.message}`; });
  };
  const elapsed = () => hold.segments.slice(0, Math.max(at, 0)).reduce((t, s) => t + 60 - s.start, 0) +
    Math.max(audio.currentTime - (hold.segments[at]?.start || 0), 0);
  audio.addEventListener("timeupdate", () => {
    if (at < 0) return;
    status.textContent = at < beds ? `sound ${at + 1} of ${beds} · ${clock(Math.max(hold.seconds - elapsed(), 0))} left`
                                   : "the chime";
  });
  audio.addEventListener("ended", () => {
    if (at < beds) segment(at + 1);
    else { status.textContent = "The chime has sounded: the hold is over."; audio.dataset.done = "1"; }
  });
  audio.addEventListener("error", () => { status.textContent = "The hold audio could not be loaded."; });
  play.addEventListener("click", () => {
    if (!audio.paused) { audio.pause(); status.textContent = "paused"; return; }
    if (at >= 0 && audio.dataset.done !== "1") audio.play(); else { delete audio.dataset.done; segment(0); }
  });
  skip.addEventListener("click", () => { delete audio.dataset.done; segment(beds); });
  return el("div", { class: "hold-player no-print" },
    el("h4", {}, "The hold as heard ", el("small", {}, `· ${beds} × the soft sound, then the chime`)),
    play, " ", skip, " ", status, audio);
}

function stepFacts(step, version) {
  const facts = [];
  if (step.hold) facts.push(step.hold);
  if (step.checkin) facts.push("check-in");
  if (step.rating) facts.push(`asks an optional 0–10 rating (${step.rating})`);
  if (step.end) facts.push("ends the exercise");
  const n = current?.steps?.findIndex((s) => s.id === step.id) ?? -1;
  const named = (id) => (version && version.code !== "en" ? version.steps[id]?.title || id : titleOf(id));
  const target = (t) => t === "next" ? (current?.steps?.[n + 1] ? named(current.steps[n + 1].id) : "the end") :
    t === "back" ? "the step before" : t === "end" ? "the end" : named(t);
  const answers = Object.entries(step.on).filter(([a]) => a !== "repeat").map(([a, t]) => `${a} → ${target(t)}`);
  if (answers.length) facts.push(`answers: ${answers.join(", ")}`);
  return facts.join(" · ");
}

// One step in every language shown, in columns: a row each for the title, what is missing, the answers, the
// changes since that language's approval, each wording (said, gentle, ..., the hold's sentences, help) and the
// comments, so the same wording sits side by side in each language.
function stepColumns(step, versions, after) {
  const cols = versions.map((v) => ({ v, s: v.steps[step.id] || { title: "", lines: [], missing: [], changes: [],
                                                                   comments: [] } }));
  const cell = (v, row, ...children) => el("div", { class: `cell row-${row}`, "data-lang": v.code, "data-row": row,
                                                     lang: v.code }, ...children);
  const labels = {};
  const variants = [];
  for (const { s } of cols) for (const line of s.lines) {
    if (!variants.includes(line.variant)) variants.push(line.variant);
    labels[line.variant] = line.label;
  }
  const cells = [];
  const row = (name, make) => { for (const c of cols) cells.push(cell(c.v, name, make(c))); };
  row("title", ({ v, s }) => [el("p", { class: "lang-name", lang: "en" }, v.name),
    s.title ? el("p", { class: "step-title" }, s.title) : el("p", { class: "missing", lang: "en" }, "title missing")]);
  row("missing", ({ v, s }) => s.missing.length ? el("p", { class: "missing", lang: "en" },
    `Missing in ${v.name}: ${s.missing.map((f) => FIELDS[f] || f).join(", ")}`) :
    v.error && v.code !== "en" ? el("p", { class: "missing", lang: "en" }, `${v.file}: ${v.error.problem}`) : null);
  row("facts", ({ v }) => el("p", { class: "facts", lang: "en" }, stepFacts(step, v)));
  row("changes", ({ s }) => changesBlock(s.changes));
  for (const variant of variants) {
    row(`line-${variant}`, ({ v, s }) => {
      const line = s.lines.find((l) => l.variant === variant);
      return line ? lineBlock({ ...line, lang: v.code }) :
        el("p", { class: "missing-line", lang: "en" }, `${labels[variant]}: not in ${v.name}`);
    });
  }
  row("comments", ({ v, s }) => commentsBlock(current.id, step.id, s.comments, after, v.code));
  return el("section", { class: "step-lines multi", "data-step": step.id },
    el("h3", {}, step.title), step.hold_audio ? holdBlock(step.hold_audio) : null,
    el("div", { class: `columns cols-${versions.length}` }, ...cells));
}

function stepSection(step, after) {
  if ((current?.versions || []).length > 1) return stepColumns(step, current.versions, after);
  return el("section", { class: "step-lines", "data-step": step.id },
    el("h3", {}, step.title), el("p", { class: "facts" }, stepFacts(step)),
    changesBlock(step.changes), ...step.lines.map(lineBlock),
    step.hold_audio ? holdBlock(step.hold_audio) : null,
    commentsBlock(current.id, step.id, step.comments, after));
}

function selectStep(id) {
  selected = id;
  stopSpeaking();
  const step = current?.steps.find((s) => s.id === id);
  if (step) $("#step").replaceChildren(stepSection(step, () => showExercise(current.id, true)));
  markDiagram();
}

// ---- views -----------------------------------------------------------------------------------

function show(view) {
  for (const id of ["index", "exercise", "sheet", "phrases"]) $(`#${id}`).hidden = id !== view;
  $("#try").hidden = view === "sheet" || view === "phrases";
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
  const data = await api(`/api/exercise/${encodeURIComponent(id)}${langQuery()}`);
  const other = !current || current.id !== data.id;
  current = data;
  show("exercise");
  $("#exercise .title").textContent = `${data.title} (${data.kind}, ${data.steps.length} steps)`;
  const changed = data.steps.filter((s) => s.changes.length).length;
  $("#exercise .facts").replaceChildren(el("span", {}, durationText(data.durations), " · ", statusBadge(data),
    changed ? el("span", { class: "changed-count" }, ` · ${changed} step${changed === 1 ? "" : "s"} with changed ` +
      "words (orange border)") : null,
    ...data.versions.slice(1).map((v) => el("span", { class: "lang-status" }, ` · ${v.name}: `, statusBadge(v, "it", v.code))),
    " · ", el("a", { href: `/sheet/${data.id}${langQuery()}` }, "review sheet")));  // el() leaves out a null
  $("#exercise-langs").replaceChildren(languageChooser());
  $("#exercise .layout").classList.toggle("side-by-side", data.versions.length > 1);
  if (other || !keepStep) selected = null;
  await renderDiagram($("#diagram"), data.dot, true);
  if (selected) selectStep(selected);
  else $("#step").replaceChildren(el("p", { class: "note" }, "Click a step in the diagram to see and hear its lines."));
}

// A language's own sign-off on the sheet: its file, hash, status, approval box, history and other changes.
function languageSignoff(v, rid, again, them = "it") {
  return el("section", { class: "lang-signoff", "data-lang": v.code },
    el("h2", {}, `Sign-off: ${v.name}`),
    el("dl", { class: "sheet-facts" },
      el("dt", {}, "file"), el("dd", {}, v.file || v.files),
      v.title !== undefined ? el("dt", {}, "title") : null,
      v.title !== undefined ? el("dd", { lang: v.code }, v.title || "missing") : null,
      el("dt", {}, "content hash"), el("dd", { class: "hash content-hash" }, v.hash || "(no file)"),
      v.phrases_hash ? el("dt", {}, "shared phrases now") : null,
      v.phrases_hash ? el("dd", { class: "hash phrases-hash" }, v.phrases_hash) : null,
      el("dt", {}, "sign-off"), el("dd", {}, statusBadge(v, them, v.code))),
    v.error ? el("p", { class: "missing" }, `${v.error.file}: ${v.error.step ? `step ${v.error.step}, ` : ""}` +
      `${v.error.field}: ${v.error.problem}`) : null,
    approveBox(rid, v.hash, again, v.code),
    el("h3", {}, `Approval history (${v.name})`), historyTable(v.history),
    ...Object.entries(v.changes || {}).map(([section, changes]) =>
      el("div", { class: "step-lines", "data-step": section }, el("h3", {}, section === "(exercise)" ?
        `The exercise (${v.name})` : `${section} (a step no longer there)`), changesBlock(changes))));
}

async function showSheet(id) {
  const data = await api(`/api/exercise/${encodeURIComponent(id)}${location.search}`);
  current = data;
  show("sheet");
  const diagram = el("div", { class: "sheet-diagram" });
  const again = () => showSheet(id);
  const phrasesNote = !data.approval ? null : !data.approval.phrases ? "not recorded" :
    data.approval.phrases === data.phrases_hash ? "the shared phrases as they are now" :
    "the shared phrases have changed since (see Shared phrases)";
  $("#sheet").replaceChildren(
    el("p", { class: "no-print" }, el("a", { href: `/#/ex/${data.id}${langQuery()}` }, "← back to the exercise"), " ",
       el("button", { type: "button", onclick: () => window.print() }, "Print")),
    el("h1", {}, `Review sheet: ${data.title}`), languageChooser(),
    el("dl", { class: "sheet-facts" },
      el("dt", {}, "file"), el("dd", {}, data.file),
      el("dt", {}, "kind"), el("dd", {}, `${data.kind}, ${data.steps.length} steps`),
      el("dt", {}, "durations"), el("dd", {}, durationText(data.durations)),
      el("dt", {}, "content hash"), el("dd", { class: "hash content-hash" }, data.hash),
      el("dt", {}, "shared phrases now"), el("dd", { class: "hash phrases-hash" }, data.phrases_hash),
      el("dt", {}, "sign-off"), el("dd", {}, statusBadge(data),
        phrasesNote ? el("small", { class: "reviewed-with" }, ` · reviewed with ${phrasesNote}`) : null)),
    approveBox(data.id, data.hash, again),
    el("h2", {}, "Approval history"), historyTable(data.history),
    ...data.versions.slice(1).map((v) => languageSignoff(v, data.id, again)),
    Object.keys(data.changes).length ? el("h2", {}, "Other changes since approval") : null,
    ...Object.entries(data.changes).map(([section, changes]) =>
      el("div", { class: "step-lines", "data-step": section }, el("h3", {}, section === "(exercise)" ?
        "The exercise" : `${section} (a step no longer there)`), changesBlock(changes))),
    data.comments.length ? el("h2", {}, "Comments on steps no longer there") : null,
    data.comments.length ? el("ul", { class: "comments" }, ...data.comments.map((c) => el("li", { class: "comment" },
      el("b", {}, c.reviewer), ` (${c.date}) on ${c.step}: `, el("span", { class: "comment-text" }, c.text)))) : null,
    el("h2", {}, "Flow"), diagram, $("#exercise .legend").cloneNode(true),
    el("h2", {}, "Every line"), ...data.steps.map((step) => stepSection(step, again)));
  await renderDiagram(diagram, data.dot, false);
}

// A phrase's name for people: "voice refused"; "crisis lines · US"; "OpenVoiceOS · paused".
function phraseName(item) {
  const words = (t) => t.replace(/_/g, " ");
  if (item.section === "phrases") return words(item.field);
  if (item.section === "openvoiceos") return `on OpenVoiceOS · ${words(item.field)}`;
  return `${words(item.section.replace(/\./g, " · "))} · ${words(item.field)}`;
}

// One phrase in every language shown, in columns (as a step's wordings are).
function phraseColumns(item, versions, again) {
  const cells = [];
  const row = (name, make) => {
    for (const v of versions) {
      cells.push(el("div", { class: `cell row-${name}`, "data-lang": v.code, "data-row": name, lang: v.code },
                    make(v, item.columns[v.code])));
    }
  };
  row("title", (v) => el("p", { class: "lang-name", lang: "en" }, v.name));
  row("changes", (v, c) => changesBlock(c.changes));
  row("text", (v, c) => c.missing ? el("p", { class: "missing", lang: "en" }, `Missing in ${v.name}`) :
    c.absent ? el("p", { class: "absent note", lang: "en" }, /_lines$|_line_sources$/.test(item.section) ?
      `No line for this country in ${v.name}` : v.code === "en" ? "Not in English" : "Kept in English only") :
    c.lines.length ? c.lines.map((line) => lineBlock({ ...line, lang: v.code })) : el("p", { class: "heard" }, c.text));
  row("comments", (v, c) => c.absent ? null : commentsBlock("shared-phrases", item.key, c.comments, again, v.code));
  return el("div", { class: `columns cols-${versions.length}` }, ...cells);
}

async function showPhrases() {
  const data = await api(`/api/phrases${langQuery()}`);
  current = null;
  show("phrases");
  const again = () => showPhrases();
  const changed = data.groups.flatMap((g) => g.items).filter((i) => i.changes.length).length;
  $("#phrases").replaceChildren(
    el("p", { class: "no-print" }, el("a", { href: "/#/" }, "← all exercises"), " ",
       el("button", { type: "button", onclick: () => window.print() }, "Print")),
    el("h1", {}, "Shared phrases"), languageChooser(),
    el("p", { class: "note" }, "Said around every exercise, at the most delicate moments: grouped by when they are " +
       "said, with examples filled in. Signing off here approves all of them, at this content hash; each " +
       "exercise's approval names the version of these phrases it was reviewed with."),
    el("dl", { class: "sheet-facts" },
      el("dt", {}, "files"), el("dd", {}, "common/phrases.toml, common/settings.toml, common/platform_openvoiceos.toml"),
      el("dt", {}, "content hash"), el("dd", { class: "hash content-hash" }, data.hash),
      el("dt", {}, "sign-off"), el("dd", {}, statusBadge(data, "them"),
        changed ? el("small", {}, ` · ${changed} phrase${changed === 1 ? "" : "s"} changed`) : null)),
    approveBox("shared-phrases", data.hash, again),
    el("h2", {}, "Approval history"), historyTable(data.history),
    ...data.versions.slice(1).map((v) => languageSignoff(v, "shared-phrases", again, "them")),
    el("nav", { class: "groups no-print" }, ...data.groups.map((g, n) =>
      el("a", { href: `#/phrases`, onclick: (e) => { e.preventDefault(); $(`#group-${n}`).scrollIntoView(); } },
         `${g.title} (${g.items.length})`))),
    ...data.groups.map((g, n) => el("section", { class: "phrase-group", id: `group-${n}`, "data-group": g.title },
      el("h2", {}, g.title), el("p", { class: "note" }, g.about),
      ...g.items.map((item) => el("section", { class: "step-lines phrase", "data-key": item.key },
        el("h3", {}, phraseName(item), el("small", { class: "key" }, ` ${item.key}`),
           item.spoken ? null : el("small", {}, " · shown or cited, never said")),
        ...(data.versions.length > 1 ? [phraseColumns(item, data.versions, again)] : [changesBlock(item.changes),
          ...(item.lines.length ? item.lines.map(lineBlock) : [el("p", { class: "heard" }, item.text)]),
          commentsBlock("shared-phrases", item.key, item.comments, again)]))))));
}

async function route() {
  stopSpeaking();
  const sheet = location.pathname.match(/^\/sheet\/([a-z0-9_]+)$/);
  if (sheet) return showSheet(sheet[1]);
  if (/^#\/phrases(\?.*)?$/.test(location.hash)) return showPhrases();
  const ex = location.hash.match(/^#\/ex\/([a-z0-9_]+)(\?.*)?$/);
  if (ex) return showExercise(ex[1], current?.id === ex[1] && document.body.dataset.view === "exercise");
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
  if (changed && document.body.dataset.view === "phrases") await showPhrases();
  else if (changed && current) {
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
  // The log grows with the page, so bring its newest reply into view rather than scrolling the list alone.
  if (log.lastElementChild) log.lastElementChild.scrollIntoView({ block: "nearest" });
  where = result.where;
  $("#try-where").dataset.error = result.error || "";
  $("#try-where").textContent = result.error ? result.error :
    where ? `Now at: ${where.exercise_title ?? where.exercise} › ${where.step_title ?? where.step}` +
      (result.playing ? " (its hold is playing: say skip hold to play it through)" : "") : "Not in an exercise.";
  $("#try-where").dataset.exercise = where ? where.exercise : "";
  $("#try-where").dataset.step = where ? where.step : "";
  if (where && (!current || current.id !== where.exercise || document.body.dataset.view !== "exercise")) {
    location.hash = `#/ex/${where.exercise}${langQuery()}`;
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
