// mermaid's parsers sanitise labels with DOMPurify, which needs a browser window when its module loads: give Node a
// jsdom window (and its document) before mermaid is imported. Nothing is rendered; only parse() is called.
import { JSDOM } from "jsdom";

export function setUpDom() {
  const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  globalThis.window = window;
  globalThis.document = window.document;
  for (const name of ["DOMParser", "Element", "HTMLElement", "Node", "DocumentFragment", "NodeFilter", "NamedNodeMap", "HTMLFormElement", "HTMLTemplateElement", "Text", "Comment", "MutationObserver"]) {
    if (!(name in globalThis) && name in window) globalThis[name] = window[name];
  }
}
