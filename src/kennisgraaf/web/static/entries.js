// The entry form (/entries/new/{type}): shacl-form (static/shacl-form/, vendored) generated from the shape the
// server made for the kind, with pickers that also take a typed name, and a save button that posts what the
// form holds as Turtle to the server, which validates it and answers with the problems or where it saved it.
// Nothing is fetched but that post: the shapes are inline, owl:imports are off, no class instances are looked up.
import { registerPlugin } from "./shacl-form/form-default.js";

const config = JSON.parse(document.getElementById("entry-config").textContent);
const words = config.words;
const container = document.getElementById("entry-form");
const save = document.getElementById("entry-save");
const status = document.getElementById("entry-status");

// Inside the form's shadow root: wider labels, and the server's problems at their fields.
const css = `
form { --label-width: 15rem; }
.property-instance label { line-height: 1.25; }
.editor:not([type='checkbox']) { font: inherit; padding: 4px 6px; }
textarea.editor { min-height: 5em; }
shacl-node h1 { font-size: 1.05rem; color: #12365b; border-bottom: 1px solid #ccd; margin-top: 1em; }
.kg-problem { align-self: stretch; margin: 2px 0 6px calc(var(--label-width)); padding: 4px 8px;
  background: #fde8e8; border-left: 4px solid #b00020; color: #5c0010; font-size: 0.9rem; white-space: pre-wrap; }
.kg-problem.warning { background: #fff6e5; border-left-color: #c77c00; color: #4a3000; }
.kg-problem-field > .editor { border-color: #b00020 !important; }
.kg-help { align-self: stretch; margin: 0 0 4px calc(var(--label-width)); color: #555; font-size: 0.85rem;
  line-height: 1.3; }
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(css);

// A picker: a text field with the known values to choose from (a datalist of short names with their labels),
// which also takes a name typed by hand. It shows short names (organisatie:lumc); the form reads full IRIs.
let pickers = 0;
const nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");

function expand(text, picker) {
  const typed = text.trim();
  if (!typed) return "";
  const byLabel = picker.options.find(([, label]) => label && label.toLowerCase() === typed.toLowerCase());
  if (byLabel) return expand(byLabel[0], picker);
  if (/^https?:\/\//.test(typed)) return typed;
  const colon = typed.indexOf(":");
  if (colon > 0 && config.prefixes[typed.slice(0, colon)] !== undefined) {
    return config.prefixes[typed.slice(0, colon)] + encodeURIComponent(typed.slice(colon + 1));
  }
  // Neither a short name nor an IRI: taken as a name in the field's namespace, so the server can say
  // whether it exists and what was probably meant.
  return (picker.namespace || "urn:kennisgraaf:typed:") + encodeURIComponent(typed);
}

function shorten(iri) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(config.prefixes)) {
    if (iri.startsWith(namespace) && (!best || namespace.length > best[1].length)) best = [prefix, namespace];
  }
  return best ? `${best[0]}:${decodeURIComponent(iri.slice(best[1].length))}` : iri;
}

class PickerPlugin {
  constructor(predicate, picker) {
    this.predicate = predicate;
    this.datatype = undefined;
    this.stylesheet = sheet;
    this.picker = picker;
  }

  createEditor(template, value) {
    const required = template.minCount !== undefined && template.minCount > 0;
    const field = template.config.theme.createTextEditor(template.label, value || null, required, template);
    const input = field.querySelector(".editor");
    const picker = this.picker;
    const list = document.createElement("datalist");
    list.id = `kg-choices-${pickers++}`;
    for (const [short, label] of picker.options) {
      const option = document.createElement("option");
      option.value = short;
      if (label) option.label = label;
      list.append(option);
    }
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.placeholder = picker.hint;
    Object.defineProperty(input, "value", {
      configurable: true,
      get() { return expand(nativeValue.get.call(this), picker); },
      set(iri) { nativeValue.set.call(this, iri ? shorten(String(iri)) : ""); },
    });
    input.value = value ? value.value : "";
    field.append(list);
    return field;
  }

  createViewer(template, value) {
    return template.config.theme.createViewer(template.label, value, template);
  }
}

// The quote gets the form's stylesheet too (every form has a quote), so it is there with or without pickers.
class QuotePlugin extends PickerPlugin {
  createEditor(template, value) {
    const required = template.minCount !== undefined && template.minCount > 0;
    return template.config.theme.createTextEditor(template.label, value || null, required, template);
  }
}

for (const [predicate, picker] of Object.entries(config.pickers)) registerPlugin(new PickerPlugin(predicate, picker));
registerPlugin(new QuotePlugin(config.quote, null));

const form = document.createElement("shacl-form");
form.dataset.language = config.language;
form.dataset.loading = words.loading;
form.dataset.ignoreOwlImports = "";  // fetch nothing the shapes might name
form.dataset.shapeSubject = config.shape;
form.dataset.shapes = config.shapes;  // inline: no data-shapes-url, no data-values-url
container.append(form);
save.disabled = false;

// What a field means (its sh:description) as a line under it: as a placeholder, the theme cuts it off.
function describe(root) {
  for (const property of root.querySelectorAll("shacl-property")) {
    const instance = property.querySelector(":scope > .property-instance");
    if (!instance || property.dataset.kgHelp) continue;
    property.dataset.kgHelp = "done";
    const text = instance.querySelector(":scope > label")?.getAttribute("title");
    const editor = instance.querySelector(":scope > .editor");
    if (!text || !editor) continue;
    if (editor.tagName === "TEXTAREA" && editor.placeholder === text) continue;  // it shows whole there
    if (editor.placeholder === text) editor.removeAttribute("placeholder");
    const help = document.createElement("div");
    help.className = "kg-help";
    help.textContent = text;
    property.insertBefore(help, property.querySelector(":scope > .add-button"));
  }
}
new MutationObserver(() => describe(form.shadowRoot)).observe(form.shadowRoot, { childList: true, subtree: true });

function clearProblems() {
  const root = form.shadowRoot;
  root.querySelectorAll(".kg-problem").forEach((element) => element.remove());
  root.querySelectorAll(".kg-problem-field").forEach((element) => element.classList.remove("kg-problem-field"));
  status.replaceChildren();
  status.className = "entry-status";
}

function instanceFor(problem) {
  const instances = [...form.shadowRoot.querySelectorAll(".property-instance")]
    .filter((instance) => instance.dataset.path === problem.field);
  if (problem.value) {
    const holding = instances.find((instance) => instance.querySelector(".editor")?.value === problem.value);
    if (holding) return holding;
  }
  return instances[0];
}

function showProblems(problems) {
  for (const problem of problems) {
    const instance = problem.field ? instanceFor(problem) : null;
    if (!instance) continue;
    const note = document.createElement("div");
    note.className = "kg-problem" + (problem.severity === "Violation" ? "" : " warning");
    note.setAttribute("role", "alert");
    note.dataset.field = problem.field;
    note.textContent = problem.message;
    instance.after(note);
    if (problem.severity === "Violation") instance.classList.add("kg-problem-field");
  }
}

function paragraph(text, className) {
  const element = document.createElement("p");
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function listOf(problems) {
  const list = document.createElement("ul");
  list.className = "entry-problems";
  for (const problem of problems) {
    const item = document.createElement("li");
    item.textContent = problem.message;
    item.className = problem.severity === "Violation" ? "violation" : "warning";
    list.append(item);
  }
  return list;
}

async function submit() {
  clearProblems();
  save.disabled = true;
  status.append(paragraph(words.checking));
  try {
    const response = await fetch(config.submit, {
      method: "POST",
      headers: { "Content-Type": "text/turtle", [config.tokenHeader]: config.token },
      body: form.serialize("text/turtle"),
      credentials: "same-origin",
    });
    const isJson = (response.headers.get("content-type") || "").startsWith("application/json");
    const answer = isJson ? await response.json() : { message: await response.text(), problems: [] };
    status.replaceChildren();
    if (response.status === 201) {
      status.className = "entry-status saved";
      status.append(paragraph(answer.message, "entry-saved"));
      status.append(paragraph(words.then));
      const command = document.createElement("pre");
      command.className = "entry-command";
      command.textContent = answer.command;
      status.append(command);
      const warnings = answer.problems.filter((problem) => problem.severity !== "Violation");
      if (warnings.length) {
        status.append(paragraph(words.warnings));
        status.append(listOf(warnings));
        showProblems(warnings);
      }
    } else {
      status.className = "entry-status failed";
      status.append(paragraph(answer.problems.length ? answer.message : `${words.failed} ${answer.message}`));
      if (answer.problems.length) status.append(listOf(answer.problems));
      showProblems(answer.problems);
    }
  } catch (error) {
    status.replaceChildren(paragraph(`${words.failed} ${error}`));
    status.className = "entry-status failed";
  }
  // After a save the entry is in the inbox: saving it again would make a second one. Reload for another.
  save.disabled = status.classList.contains("saved");
}

save.addEventListener("click", submit);
