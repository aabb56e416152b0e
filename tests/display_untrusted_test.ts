/**
 * Untrusted rendering is designed, not accidental: every HTML card goes through JupyterLab's
 * own sanitizer (what JupyterLab 4 and Notebook 7 show for an untrusted notebook) and through
 * the style-free variant classic Notebook 6 uses. What is left must still read: the bar as a
 * native `<progress>`, and the job id, the state and the figures as separate words.
 */
import assert from "node:assert/strict";
import { allCards, type Card } from "./_cards.ts";
import { SANITIZERS } from "./_sanitize.ts";
import { documentOf } from "./_dom.ts";

const cards: Card[] = await allCards();

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&#96;": "`",
  "&nbsp;": " ",
};

/**
 * The text a reader sees in sanitized markup, with the breaks layout puts between blocks,
 * rows and cells (textContent would glue `<div>a</div><div>b</div>` into "ab"). Elements
 * that a surviving `display:none` hides are left out; a `<progress>` reads as "[bar]".
 */
export function visibleText(markup: string): string {
  // Newlines in the source are spaces to a browser; breaks come only from elements.
  let text = markup.replace(/\s+/g, " ");
  // Remove hidden elements (innermost first, repeatedly: they hold only empty bar divs).
  for (let i = 0; i < 5; i++) {
    text = text.replace(
      /<(div|span)[^>]*style="[^"]*display:\s*none[^"]*"[^>]*>(?:(?!<\1)[\s\S])*?<\/\1>/g,
      "",
    );
  }
  text = text
    .replace(/<progress[^>]*>[\s\S]*?<\/progress>/g, " [bar] ")
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<\/(div|tr|li|p|ul|table|thead|tbody)>/g, "\n")
    .replace(/<\/(td|th)>/g, "\t")
    .replace(/<[^>]+>/g, "")
    .replace(/&[#a-z0-9]+;/g, (entity) => ENTITIES[entity] ?? entity);
  return text.replace(/[ \t]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `word` appears as its own piece: a boundary (space, break, punctuation) each side. */
function standsApart(text: string, word: string): boolean {
  return new RegExp(`(^|[\\s(·—,:\\[])${escapeRegExp(word)}(?=$|[\\s)·—,:\\]])`, "u").test(text);
}

for (const [front, sanitize] of Object.entries(SANITIZERS)) {
  for (const card of cards) {
    Deno.test(`${card.name} stays readable untrusted in ${front}`, () => {
      const clean = sanitize(card.html);
      assert.ok(!/<script|<style|<svg/i.test(clean));
      // A text colour that survives is the theme's (a var() chain); one that is dropped leaves
      // the inherited colour. Never a literal colour fixed for a light page.
      for (const [, value] of clean.matchAll(/(?:^|[;"\s])color:\s*([^;"]+)/g)) {
        assert.match(value, /^var\(--jp-/, `text colour ${value}`);
      }
      // Nothing may be shown or hidden depending on whether a var() survives.
      assert.ok(!/display:\s*none/.test(clean), "nothing is hidden");
      if (front === "notebook6") {
        const kept = [...clean.matchAll(/style="([^"]*)"/g)].map((m) => m[1])
          .filter((style) => !/^(undefined:undefined;?)*$/.test(style));
        assert.deepEqual(kept, [], "Notebook 6 keeps no style");
      }
      const text = visibleText(clean);
      for (const word of card.words) {
        assert.ok(standsApart(text, word), `"${word}" stands apart in:\n${text}`);
      }
      if (card.bar !== undefined) {
        const document = documentOf(clean);
        const bars = document.querySelectorAll("progress");
        assert.ok(bars.length >= 1, "a native <progress> bar is left");
        const first = bars[0];
        assert.equal(Number(first.getAttribute("value")), card.bar);
        assert.equal(first.getAttribute("max"), "100");
        assert.ok(!/display:\s*none/.test(first.getAttribute("style") ?? ""), "and it shows");
        assert.match(text, /\[bar\]/);
      }
    });
  }
}

Deno.test("the progress card reads 'id — state' when styles are stripped", () => {
  for (const sanitize of Object.values(SANITIZERS)) {
    for (const card of cards.filter((one) => one.name.startsWith("progress-"))) {
      const text = visibleText(sanitize(card.html));
      assert.match(text, /protein-properties · job_7OYx3kP2 — […▶✓✗] [A-Z][a-z]+/u, text);
      assert.doesNotMatch(text, /job_7OYx3kP2\S/u, "the id never runs into the next word");
    }
  }
});

Deno.test("in trusted output the bar is the same native <progress>, in the theme's colour", () => {
  for (const card of cards.filter((one) => one.bar !== undefined)) {
    const document = documentOf(card.html);
    const bars = document.querySelectorAll("progress");
    assert.ok(bars.length >= 1, card.name);
    for (const bar of bars) {
      assert.match(bar.getAttribute("style") ?? "", /accent-color: var\(--jp-[a-z0-9-]+, /);
    }
    assert.equal(Number(bars[0].getAttribute("value")), card.bar);
  }
});

Deno.test("a batch job's error is a row of its own, after its job's row", () => {
  const board = cards.find((card) => card.name === "batch-board")!;
  for (const sanitize of Object.values(SANITIZERS)) {
    const lines = visibleText(sanitize(board.html)).split("\n");
    const job = lines.findIndex((line) => line.startsWith("Run that fails"));
    assert.ok(job >= 0, lines.join("\n"));
    assert.doesNotMatch(lines[job], /Simulated failure/);
    assert.match(lines[job + 1], /^Error: Simulated failure requested by settings\.fail/);
  }
});
