import { describe, expect, it } from "vitest";
import { parseAnswer, parseInlines } from "./answer-text";

describe("parseAnswer", () => {
  it("reads paragraphs, lists, bold and web links as a search answer writes them", () => {
    const text = [
      "Here is a short answer about **Mount Everest**, drawn from 2 sources:",
      "",
      "- **Everest - Wikipedia** gives an overview. ([en.wikipedia.org](https://en.wikipedia.org/wiki/Everest))",
      "- **Britannica** agrees.",
      "",
      "The sources agree.",
    ].join("\n");

    expect(parseAnswer(text)).toEqual([
      {
        kind: "paragraph",
        inlines: [
          { kind: "text", text: "Here is a short answer about " },
          { kind: "strong", text: "Mount Everest" },
          { kind: "text", text: ", drawn from 2 sources:" },
        ],
      },
      {
        kind: "list",
        items: [
          [
            { kind: "strong", text: "Everest - Wikipedia" },
            { kind: "text", text: " gives an overview. (" },
            { kind: "link", text: "en.wikipedia.org", href: "https://en.wikipedia.org/wiki/Everest" },
            { kind: "text", text: ")" },
          ],
          [{ kind: "strong", text: "Britannica" }, { kind: "text", text: " agrees." }],
        ],
      },
      { kind: "paragraph", inlines: [{ kind: "text", text: "The sources agree." }] },
    ]);
  });

  it("joins the lines of one paragraph and treats CRLF as a line break", () => {
    expect(parseAnswer("one\r\ntwo\r\n\r\nthree")).toEqual([
      { kind: "paragraph", inlines: [{ kind: "text", text: "one two" }] },
      { kind: "paragraph", inlines: [{ kind: "text", text: "three" }] },
    ]);
  });

  it("gives nothing for an empty answer", () => {
    expect(parseAnswer("  \n\n")).toEqual([]);
  });
});

describe("parseInlines", () => {
  it("keeps a link to anything but http(s) as literal text", () => {
    expect(parseInlines("see [this](javascript:void) and [that](data:text/html,x), or [docs](https://example.com/a)")).toEqual([
      { kind: "text", text: "see [this](javascript:void) and [that](data:text/html,x), or " },
      { kind: "link", text: "docs", href: "https://example.com/a" },
    ]);
  });

  it("leaves markup-looking text as text for the view to put in through textContent", () => {
    expect(parseInlines("<img src=x onerror=alert(1)> **<b>**")).toEqual([
      { kind: "text", text: "<img src=x onerror=alert(1)> " },
      { kind: "strong", text: "<b>" },
    ]);
  });

  it("leaves an unclosed bold marker as it is", () => {
    expect(parseInlines("2 ** 3 is 8")).toEqual([{ kind: "text", text: "2 ** 3 is 8" }]);
  });
});
