"""Browser helpers: keyboard-only navigation, accessibility checks, page weight."""

import re

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


class BrowserProblems:
    """Collects uncaught script errors and CSP violations a page reports."""

    def __init__(self, page):
        self.found: list[str] = []
        page.on("pageerror", lambda error: self.found.append(f"script error: {error}"))
        page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.found.append(f"CSP violation: {message.text}")

    def check(self):
        assert not self.found, "\n".join(self.found)


def format_violations(violations: list[dict]) -> str:
    """A readable list of axe violations: rule, impact, help, and each failing element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, label: str = "") -> None:
    """Run axe-core for WCAG 2.2 A and AA on the current page and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    where = label or page.url
    print(f"axe {where}: {len(violations)} violations")
    assert not violations, f"axe found violations on {where}:\n{format_violations(violations)}"


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80):
    """Press Tab (or Shift+Tab) until the focused element matches `selector`; fail if never."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return page.locator(":focus")
    raise AssertionError(f"{selector} cannot be reached with the {key} key on {page.url}")


def type_into(page, selector: str, text: str) -> None:
    """Tab to a field and type into it, as a keyboard user does."""
    tab_to(page, selector)
    page.keyboard.type(text)


def first_link(text: str) -> str:
    """The first http(s) URL in a text (an e-mail body)."""
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in:\n{text}"
    return match.group(0)


def transferred_bytes(page, url: str, exclude_prefixes=("/media/",)) -> tuple[int, list]:
    """Load `url` in `page` and return the summed response body bytes and the rows counted."""
    rows = []

    def record(request):
        path = re.sub(r"^https?://[^/]+", "", request.url)
        if path.startswith(exclude_prefixes):
            return
        sizes = request.sizes()
        rows.append((sizes["responseBodySize"], sizes["responseHeadersSize"], path))

    page.on("requestfinished", record)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", record)
    return sum(body for body, _headers, _path in rows), rows
