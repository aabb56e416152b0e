/**
 * The browser APIs that the browser tests' `page.evaluate` and `page.waitForFunction`
 * callbacks touch, typed structurally and no wider than the tests use them.
 *
 * Those callbacks run in Chromium, but Deno type-checks them without the DOM library (loading
 * it would change stream, event and timer types for the whole `deno check` program). Nor are
 * these declared as globals: a `declare global` reaches every file checked in the same program,
 * so `lib/` could then name `document` unchallenged. A callback takes what it needs from
 * `globalThis` instead, so only code that says it runs in the browser gets these types:
 *
 * @example
 * ```ts ignore
 * const bars = await page.evaluate(() => {
 *   const { document } = globalThis as unknown as BrowserGlobals;
 *   return Array.from(document.querySelectorAll("div")).length;
 * });
 * ```
 * @module
 */

/** An attribute of an element (`Attr`). */
export interface BrowserAttribute {
  readonly name: string;
  readonly value: string;
}

/** What `querySelector` and `querySelectorAll` are called on (`ParentNode`). */
export interface BrowserParentNode {
  /** Like the DOM's, the element type is the caller's word for what the selector matches. */
  querySelector<E extends BrowserElement = BrowserElement>(selectors: string): E | null;
  querySelectorAll<E extends BrowserElement = BrowserElement>(selectors: string): ArrayLike<E>;
}

/** The parent an element can be swapped out of (`Node`). */
export interface BrowserNode extends BrowserParentNode {
  replaceChild<E extends BrowserElement>(node: BrowserElement, child: E): E;
}

/** An HTML element (`HTMLElement`). */
export interface BrowserElement extends BrowserParentNode {
  id: string;
  innerHTML: string;
  readonly innerText: string;
  textContent: string | null;
  readonly dataset: { readonly [name: string]: string | undefined };
  readonly attributes: ArrayLike<BrowserAttribute>;
  readonly parentNode: BrowserNode | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
}

/** An `<img>` (`HTMLImageElement`). */
export interface BrowserImage extends BrowserElement {
  src: string;
  readonly complete: boolean;
  readonly width: number;
  readonly height: number;
  readonly naturalWidth: number;
  decode(): Promise<void>;
}

/** A `<canvas>` (`HTMLCanvasElement`), 2D only. */
export interface BrowserCanvas extends BrowserElement {
  width: number;
  height: number;
  getContext(contextId: "2d"): BrowserCanvas2D | null;
}

/** A canvas' 2D context (`CanvasRenderingContext2D`): drawing an image, reading pixels. */
export interface BrowserCanvas2D {
  drawImage(image: BrowserImage, dx: number, dy: number): void;
  getImageData(sx: number, sy: number, sw: number, sh: number): {
    /** RGBA, one byte a channel, row by row. */
    readonly data: Uint8ClampedArray;
  };
}

/** The page (`Document`). */
export interface BrowserDocument extends BrowserParentNode {
  readonly body: BrowserElement;
  getElementById(id: string): BrowserElement | null;
  createElement(tagName: "canvas"): BrowserCanvas;
  createElement(tagName: string): BrowserElement;
}

/** The style values the tests read from `getComputedStyle` (`CSSStyleDeclaration`). */
export interface BrowserComputedStyle {
  readonly textAlign: string;
  readonly visibility: string;
}

/** The browser's global object (`Window`), as far as the tests use it. */
export interface BrowserGlobals {
  readonly document: BrowserDocument;
  /** A property, not a method: the tests take it off `globalThis` and call it bare. */
  readonly getComputedStyle: (element: BrowserElement) => BrowserComputedStyle;
  readonly Image: new () => BrowserImage;
}
