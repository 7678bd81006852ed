"""What the browser tests check on a page: axe-core's WCAG 2.1 A/AA rules, keyboard order and focus, zoom."""

from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# How an element is named in a report: its tag, where it leads or what it is called, and its text.
DESCRIBE = """
el => [el.tagName.toLowerCase(), el.getAttribute('href') || el.id || el.getAttribute('name') || '',
       (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 40)].join(' ')
"""


def axe_violations(page) -> list[str]:
    """axe-core's violations of the WCAG 2.1 A and AA rules on the page as shown now, one line each."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make assets` (make test does).")
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated by the browser's debugger protocol: no script element, so a strict CSP does not stop it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async tags => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
        }""",
        WCAG_21_AA,
    )
    return found


# How an element looks: focus must change it (an outline, a shadow, colours, or a skip link that appears).
LOOK = """
el => { const s = getComputedStyle(el), r = el.getBoundingClientRect();
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color,
                s.textDecorationLine, s.textDecorationThickness, Math.round(r.width), Math.round(r.height)].join('|'); }
"""


def focusable(page) -> list[dict]:
    """Every element a keyboard user should reach, in document order (the site uses no positive tabindex)."""
    return page.evaluate(
        f"""() => {{
            document.activeElement && document.activeElement.blur();
            const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
            return [...document.querySelectorAll(selector)]
                .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
                .map(el => ({{name: ({DESCRIBE})(el), look: ({LOOK})(el)}}));
        }}"""
    )


def tab_through(page, count: int) -> list[dict]:
    """Press Tab `count` times from the top of the page: what got focus each time, how it looked, and where."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached = []
    for _ in range(count):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                f"""() => {{
                    const el = document.activeElement;
                    if (!el || el === document.body) return {{name: 'body', look: '', on_screen: false}};
                    const r = el.getBoundingClientRect();
                    return {{name: ({DESCRIBE})(el), look: ({LOOK})(el),
                             on_screen: r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight}};
                }}"""
            )
        )
    return reached


def unseen_focus(expected: list[dict], reached: list[dict]) -> list[str]:
    """Elements whose focus one cannot see: off the screen, or looking just as they do without focus."""
    return [
        after["name"]
        for before, after in zip(expected, reached, strict=True)
        if not after["on_screen"] or after["look"] == before["look"]
    ]


def hidden_by_zoom(page, *, text_scale: str = "200%") -> list[str]:
    """What a larger text size hides: content that disappears or is cut off, or a page wider than the window."""
    before = page.evaluate("() => document.body.innerText")
    page.evaluate("scale => { document.documentElement.style.fontSize = scale; }", text_scale)
    problems = page.evaluate(
        f"""() => {{
            const describe = {DESCRIBE};
            const problems = [];
            const root = document.documentElement;
            if (root.scrollWidth > root.clientWidth + 1) problems.push(`page is ${{root.scrollWidth}} px wide in a ${{root.clientWidth}} px window`);
            for (const el of document.body.querySelectorAll('*')) {{
                // Text for screen readers only is cut to one pixel on purpose.
                if (el.closest('.ds-sr-only, .ds-skip-link')) continue;
                const style = getComputedStyle(el);
                const cutX = ['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
                const cutY = ['hidden', 'clip'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
                if (cutX || cutY) problems.push(`cut off: ${{describe(el)}}`);
                const rect = el.getBoundingClientRect();
                if (rect.width && rect.right > root.clientWidth + 1) problems.push(`past the right edge: ${{describe(el)}}`);
            }}
            return problems;
        }}"""
    )
    after = page.evaluate("() => document.body.innerText")
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    if " ".join(after.split()) != " ".join(before.split()):
        problems.append("the visible text changed")
    return problems
