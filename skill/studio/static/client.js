// The client page: a client's own version, checked by the studio as the skill will check it, signed off and
// exported as one file. The client's name field is never read here: it stays in the page.
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (v === true) node.setAttribute(k, "");
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
};

async function api(path, body) {
  const init = body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  let data;
  try { data = await response.json(); } catch { data = { error: `The studio answered HTTP ${response.status}.` }; }
  return { ok: response.ok, status: response.status, data };
}

let offer = null;  // the /api/client answer

function exerciseChoice(ex) {
  const id = `ex-${ex.id}`;
  const hint = ex.always ? "always offered: a stop and distress offer it" :
    ex.after ? `offered only after ${offer.exercises.find((e) => e.id === ex.after)?.title ?? ex.after}` : null;
  return el("p", { class: "field" },
    el("input", { type: "checkbox", id, value: ex.id, checked: true, disabled: ex.always,
                  "aria-describedby": hint ? `${id}-hint` : null }),
    " ", el("label", { for: id }, `${ex.title} (${ex.kind})`),
    hint ? el("span", { id: `${id}-hint`, class: "hint" }, ` ${hint}`) : null);
}

function holdChoice(s) {
  const id = `hold-${s.name}`;
  return el("div", { class: "field hold", "data-setting": s.name },
    el("label", { for: id }, `${s.label} (${s.low} to ${s.high} minutes; the content's default is ${s.default})`),
    el("input", { type: "number", id, min: String(s.low), max: String(s.high), step: "1", inputmode: "numeric",
                  placeholder: String(s.default), "aria-describedby": `${id}-range ${id}-error` }),
    el("span", { id: `${id}-range`, class: "hint" }, s.range),
    el("p", { id: `${id}-error`, class: "field-error", "data-field": `holds.${s.name}`, role: "alert" }));
}

function chosen() {
  return [...document.querySelectorAll("#exercises input[type=checkbox]")].filter((b) => b.checked).map((b) => b.value);
}

// The length settings the chosen exercises use; the others' inputs are disabled.
function markUsed() {
  const picked = chosen();
  const used = new Set(offer.exercises.filter((e) => picked.includes(e.id)).flatMap((e) => e.settings));
  for (const s of offer.settings) {
    const input = $(`#hold-${s.name}`);
    input.disabled = !used.has(s.name);
    input.closest(".hold").classList.toggle("unused", !used.has(s.name));
  }
  return used;
}

// The version as the file's fields. A hold is sent only when its exercise is chosen and a length is typed.
function version() {
  const picked = chosen();
  const used = markUsed();
  const holds = {};
  for (const s of offer.settings) {
    const raw = $(`#hold-${s.name}`).value.trim();
    if (used.has(s.name) && raw !== "") holds[s.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  const out = { exercises: picked, holds, less_talking: $("#less-talking").checked };
  const note = $("#note").value;
  if (note.trim()) out.note = note;
  return out;
}

function showErrors(errors) {
  for (const box of document.querySelectorAll(".field-error")) box.textContent = "";
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  $("#check-errors").replaceChildren(...errors.map((e) => el("li", { class: "check-error", "data-field": e.field },
    `${e.field}: ${e.problem}`)));
  for (const e of errors) {
    const box = document.querySelector(`.field-error[data-field="${CSS.escape(e.field)}"]`);
    if (box) box.textContent = e.problem;
    const input = e.field === "note" ? $("#note") : e.field === "reviewer" ? $("#reviewer") :
      e.field.startsWith("holds.") ? $(`#hold-${CSS.escape(e.field.slice(6))}`) : null;
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

function showSummary(v) {
  const box = $("#check-summary");
  box.hidden = !v;
  if (!v) return;
  const fill = (name, text) => { $(`[data-summary="${name}"]`, box).textContent = text; };
  fill("exercises", v.exercises.join(", "));
  const holds = Object.entries(v.holds).map(([name, m]) => `${offer.settings.find((s) => s.name === name).label}: ${m} minutes`);
  fill("holds", holds.length ? holds.join("; ") : "as the content has them");
  fill("less_talking", v.less_talking ? "yes" : "no");
  fill("note", v.note ?? "none");
  fill("hash", v.hash);
}

// The client's name stays in this page: a note that contains it is refused here, before anything is sent.
function nameErrors() {
  const words = $("#client-name").value.split(/[\s,.;:()"'-]+/).filter((w) => w.length >= 2);
  const note = $("#note").value.toLocaleLowerCase();
  const found = words.filter((w) => new RegExp(`(^|[^\\p{L}])${w.toLocaleLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}])`, "u").test(note));
  return found.length ? [{ field: "note", problem: "has the client's name in it; the file names no one, so leave " +
    "names out of the note" }] : [];
}

let checking = 0;
function showStatus(errors) {
  $("#check-status").textContent = errors.length ?
    `${errors.length === 1 ? "One thing needs" : `${errors.length} things need`} fixing before it can be signed off.` :
    "Checks pass: this version can be signed off.";
  $("#check-status").dataset.state = errors.length ? "errors" : "ok";
}

async function check() {
  const mine = ++checking;
  const local = nameErrors();
  if (local.length) {  // not sent anywhere while it holds the name
    showErrors(local);
    showSummary(null);
    showStatus(local);
    return null;
  }
  const { ok, data } = await api("/api/client/check", version());
  if (mine !== checking) return null;  // a later check is on its way
  if (!ok || !data.errors) { $("#check-status").textContent = data.error; showSummary(null); return null; }
  if (nameErrors().length) return check();  // the name was typed while this check was on its way
  showErrors(data.errors);
  showSummary(data.version);
  showStatus(data.errors);
  return data;
}

let timer = null;
function checkSoon() {
  markUsed();
  clearTimeout(timer);
  $("#export-status").textContent = "";
  timer = setTimeout(() => check().catch(report), 250);
}

function countNote() {
  const n = $("#note").value.trim().length;
  $("#note-count").textContent = ` ${n} of ${offer.note_max} characters.`;
}

async function exportFile(event) {
  event.preventDefault();
  clearTimeout(timer);
  if (nameErrors().length) {
    showErrors(nameErrors());
    $("#export-status").textContent = "Fix the version first: nothing was exported.";
    $("#export-status").dataset.state = "errors";
    return;
  }
  const { ok, data } = await api("/api/client/export", { ...version(), reviewer: $("#reviewer").value });
  if (!ok || data.errors) {
    showErrors(data.errors ?? []);
    $("#export-status").textContent = data.error;
    $("#export-status").dataset.state = "errors";
    return;
  }
  showErrors([]);
  showSummary(data.version);
  const url = URL.createObjectURL(new Blob([data.file], { type: "application/toml" }));
  const link = el("a", { href: url, download: data.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  $("#export-status").textContent = `Signed off and exported as ${data.name} (version hash ${data.version.hash}). ` +
    "Give it to whoever runs the skill, with the client's account: they set it up as the deployment guide says.";
  $("#export-status").dataset.state = "ok";
}

function report(error) {
  $("#load-error").hidden = false;
  $("#load-error").textContent = `Something went wrong: ${error.message}`;
}

async function start() {
  const { ok, data } = await api("/api/client");
  if (!ok || data.error) {
    $("#load-error").hidden = false;
    $("#load-error").textContent = data.error;
    return;
  }
  offer = data;
  $("#exercises .choices").replaceChildren(...offer.exercises.map(exerciseChoice));
  $("#holds .choices").replaceChildren(...offer.settings.map(holdChoice));
  $("#holds").hidden = offer.settings.length === 0;
  $("#note").setAttribute("maxlength", String(offer.note_max * 2));  // the check says how far over, not the box
  $("#version").hidden = false;
  const form = $("#version");
  form.addEventListener("input", (e) => { if (e.target.id !== "reviewer") checkSoon(); });
  form.addEventListener("change", (e) => { if (e.target.id !== "reviewer") checkSoon(); });
  $("#note").addEventListener("input", countNote);
  form.addEventListener("submit", (e) => exportFile(e).catch(report));
  countNote();
  await check();
}

start().then(() => { document.body.dataset.ready = "1"; }).catch(report);
