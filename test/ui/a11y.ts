import type { Page } from 'playwright-core';

// The functions given to page.evaluate() run in the browser. The project
// compiles without the DOM library, so this module declares the little of
// the DOM they use (module scope: nothing global changes).
interface El {
  tagName: string;
  id: string;
  textContent: string | null;
  type: string;
  name: string;
  checked: boolean;
  labels: (ArrayLike<El> & Iterable<El>) | null;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
  matches(selector: string): boolean;
  blur(): void;
}
declare const document: {
  documentElement: { lang: string };
  title: string;
  activeElement: El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
  getElementById(id: string): El | null;
  addEventListener(type: string, listener: () => void): void;
};

/**
 * Structural accessibility checks of the page now shown: language and
 * title, one h1 and no skipped heading level, the landmarks, a label on
 * every form control, a name on every link and button, captions on tables,
 * unique ids. Returns the problems found (none: an empty list).
 */
export function auditPage(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: El) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`;
    if (!document.documentElement.lang) problems.push('html has no lang');
    if (document.title.trim() === '') problems.push('no title');
    const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
    const h1 = headings.filter((h) => h.tagName === 'H1');
    if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
    let level = 0;
    for (const h of headings) {
      const next = Number(h.tagName[1]);
      if (next > level + 1) problems.push(`heading "${h.textContent}" skips from h${level} to h${next}`);
      if ((h.textContent ?? '').trim() === '') problems.push('an empty heading');
      level = next;
    }
    if (headings[0]?.tagName !== 'H1') problems.push('the first heading is not the h1');
    const count = (selector: string) => document.querySelectorAll(selector).length;
    if (count('main') !== 1) problems.push(`${count('main')} main landmarks`);
    if (count('body > header') !== 1) problems.push('no banner (body > header)');
    if (count('body > footer') !== 1) problems.push('no contentinfo (body > footer)');
    const navs = [...document.querySelectorAll('nav')];
    if (navs.length === 0) problems.push('no navigation landmark');
    for (const nav of navs) if (!nav.getAttribute('aria-label')) problems.push('a nav without aria-label');
    if (!document.querySelector('main h1')) problems.push('the h1 is not in main');
    for (const el of document.querySelectorAll('input:not([type="hidden"]), select, textarea')) {
      const control = el;
      const labelled =
        [...(control.labels ?? [])].some((l) => (l.textContent ?? '').trim() !== '') ||
        (control.getAttribute('aria-label') ?? '').trim() !== '' ||
        control.hasAttribute('aria-labelledby');
      if (!labelled) problems.push(`${describe(el)} has no label`);
    }
    for (const el of document.querySelectorAll('a[href], button')) {
      const name = (el.textContent ?? '').trim() || el.getAttribute('aria-label') || '';
      if (name === '') problems.push(`${describe(el)} has no accessible name`);
    }
    for (const radio of document.querySelectorAll('input[type="radio"]')) {
      if (!radio.closest('fieldset')?.querySelector('legend'))
        problems.push(`${describe(radio)} outside a fieldset with a legend`);
    }
    for (const table of document.querySelectorAll('table')) {
      if (!table.querySelector('caption') && !table.getAttribute('aria-label'))
        problems.push('a table without caption');
      for (const th of table.querySelectorAll('th'))
        if (!th.getAttribute('scope')) problems.push('a th without scope');
    }
    for (const li of document.querySelectorAll('li')) {
      const list = li.closest('ul, ol');
      if (!list || list.hasAttribute('role')) problems.push('an li outside a list');
    }
    for (const el of document.querySelectorAll(
      'div[aria-label], span[aria-label], p[aria-label], pre[aria-label]',
    )) {
      if (!el.hasAttribute('role')) problems.push(`${describe(el)} has aria-label but no role to name`);
    }
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (duplicated.length > 0) problems.push(`duplicate ids: ${duplicated.join(', ')}`);
    for (const el of document.querySelectorAll('[aria-labelledby]')) {
      const target = document.getElementById(el.getAttribute('aria-labelledby')!);
      if (!target) problems.push(`${describe(el)} is labelled by a missing element`);
    }
    return problems;
  });
}

/** What can take focus, in document order (the view sets no positive tabindex, so this is the Tab order). */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * Presses Tab through a page just loaded (nothing focused yet) and returns
 * the elements that should be reachable but were not. One radio per group is
 * a Tab stop (the arrow keys move within it).
 */
export async function unreachableByTab(page: Page): Promise<string[]> {
  const expected = await page.evaluate((selector) => {
    const seenGroups = new Set<string>();
    const all = [...document.querySelectorAll(selector)].filter((el) => {
      if (el.tagName === 'INPUT' && el.type === 'radio') {
        const group = document.querySelectorAll(`input[type="radio"][name="${el.name}"]`);
        const stop = [...group].find((r) => r.checked) ?? group[0];
        if (seenGroups.has(el.name) || stop !== el) return false;
        seenGroups.add(el.name);
      }
      return true;
    });
    all.forEach((el, i) => {
      el.dataset.tabCheck = String(i);
    });
    const reached: string[] = [];
    (globalThis as unknown as { __reached: string[] }).__reached = reached;
    document.addEventListener('focusin', () => {
      const index = document.activeElement?.dataset.tabCheck;
      if (index !== undefined) reached.push(index);
    });
    return all.map((el) => `${el.tagName.toLowerCase()} "${(el.textContent || el.id).trim().slice(0, 40)}"`);
  }, FOCUSABLE);
  for (let i = 0; i < expected.length + 2; i++) await page.keyboard.press('Tab');
  const reached = new Set(
    await page.evaluate(() => (globalThis as unknown as { __reached: string[] }).__reached),
  );
  return expected.filter((_, i) => !reached.has(String(i)));
}

/**
 * Moves focus to the element matching `selector` with the Tab key alone,
 * from wherever focus is now, and checks it got there.
 */
export async function tabTo(page: Page, selector: string): Promise<void> {
  const { presses, stops } = await page.evaluate(
    ([focusable, target]) => {
      const all = [...document.querySelectorAll(focusable)].filter(
        (el) => !(el.tagName === 'INPUT' && el.type === 'radio' && !el.checked),
      );
      const to = all.findIndex((el) => el.matches(target));
      const from = document.activeElement ? all.indexOf(document.activeElement) : -1;
      return { presses: to === -1 ? -1 : to > from ? to - from : 0, stops: all.length };
    },
    [FOCUSABLE, selector] as const,
  );
  if (presses === -1) throw new Error(`nothing matches ${selector}`);
  const focused = () => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
  for (let i = 0; i < presses; i++) await page.keyboard.press('Tab');
  // Focus may have started further on than the page knows (after a click on text): go round.
  for (let i = 0; !(await focused()); i++) {
    if (i > stops + 2) throw new Error(`Tab never reached ${selector}`);
    await page.keyboard.press('Tab');
  }
}
