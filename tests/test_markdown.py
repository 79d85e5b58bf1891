"""The Markdown subset for survey texts: hostile input comes out inert, the subset renders."""

import copy
import re
import time
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from app.core.markdown import markdown_to_text, render_markdown
from tests.answering_support import DEFINITION, Respondent, answering_survey, error_summary, texts

# The only tags and attributes the renderer may produce.
ALLOWED = {
    "em": set(),
    "strong": set(),
    "br": set(),
    "p": set(),
    "ul": set(),
    "li": set(),
    "ol": {"start"},
    "a": {"href", "rel"},
}
SAFE_HREF = re.compile(r"(https?://|mailto:)", re.IGNORECASE)


class _Audit(HTMLParser):
    """Collects what a browser would see as markup: tags with attributes, comments, declarations."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.other.append(f"processing instruction {data!r}")


def assert_inert(output: str) -> None:
    audit = _Audit()
    audit.feed(output)
    audit.close()
    assert audit.other == []
    for tag, attributes in audit.tags:
        assert tag in ALLOWED, f"unexpected <{tag}> in {output!r}"
        assert set(attributes) <= ALLOWED[tag], f"unexpected attribute on <{tag}> in {output!r}"
        if tag == "a":
            assert SAFE_HREF.match(attributes["href"]), attributes["href"]
            assert attributes["rel"] == "noopener noreferrer"
    lowered = output.lower()
    for marker in ("<script", "<img", "<svg", "<iframe", "<style", "<!--", 'href="javascript', 'href="data'):
        assert marker not in lowered


JAVASCRIPT_LINKS = [
    "[x](javascript:alert(1))",
    "[x](javascript:alert`1`)",
    "[x](JAVASCRIPT:alert`1`)",
    "[x](JaVaScRiPt:alert`1`)",
    "[x](javascript&#58;alert`1`)",
    "[x](javascript&colon;alert`1`)",
    "[x](&#106;avascript:alert`1`)",
    "[x](&#x6A;avascript:alert`1`)",
    "[x](%6Aavascript:alert`1`)",
    "[x]( javascript:alert`1`)",
    "[x](\tjavascript:alert`1`)",
    "[x](java\tscript:alert`1`)",
    "[x](java\nscript:alert`1`)",
    "[x](\x01javascript:alert`1`)",
    "[x](\x00javascript:alert`1`)",
    "[x](vbscript:msgbox`1`)",
    "[x](https:javascript:alert`1`)",
    "[x](https:/javascript:alert`1`)",
]
OTHER_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '"><img src=x onerror=alert(1)>',
    "<img src=x onerror=\"alert('x')\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<!-- <script>alert(1)</script> -->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](//evil.example/x)",
    "[x](/relative/path)",
    "[x](../../admin)",
    '[x](https://ok.example/"onmouseover="alert`1`)',
    "[x](https://ok.example/'onmouseover='alert`1`)",
    '[x](https://ok.example "title" onclick="alert(1)")',
    "[x](https://ok.example 'title')",
    "[x](<javascript:alert(1)>)",
    "[[x](javascript:alert(1))](https://ok.example)",
    "[x](https://ok.example)](javascript:alert(1))",
    "[a [b](https://ok.example) c](javascript:alert(1))",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[**<script>alert(1)</script>**](https://ok.example)",
    "[x](mailto:a@ok.example?body=<script>alert(1)</script>)",
    "**<script>alert(1)</script>**",
    "*<img src=x onerror=alert(1)>*",
    "_<svg onload=alert(1)>_",
    "- <script>alert(1)</script>\n- [x](javascript:alert(1))",
    "1. <img src=x onerror=alert(1)>\n\n<script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{ 7*7 }} {% raw %}",
    "\u202e<script>alert(1)</script>",
]


@pytest.mark.parametrize("payload", JAVASCRIPT_LINKS + OTHER_PAYLOADS)
@pytest.mark.parametrize("block", [False, True], ids=["inline", "block"])
def test_hostile_text_comes_out_inert(payload, block):
    assert_inert(render_markdown(payload, block=block))


@pytest.mark.parametrize("payload", JAVASCRIPT_LINKS)
def test_a_link_to_anything_but_the_allowed_schemes_stays_literal_text(payload):
    output = render_markdown(payload)
    assert "<a " not in output
    assert output.startswith("[x](")


def test_plain_text_is_a_str_for_the_template_to_escape():
    text = markdown_to_text("<script>alert(1)</script> **bold** [x](https://ok.example)")
    assert type(text) is str
    assert text == "<script>alert(1)</script> bold x"


def test_very_long_hostile_input_is_rendered_inert_in_linear_time():
    payload = "".join(
        [
            "<script>alert(1)</script>" * 5_000,
            "*a **b _c " * 10_000,
            "[a](" * 10_000,
            "[x](javascript:alert(1))" * 5_000,
            "\n- [x](https://ok.example/*a*_b_)" * 5_000,
        ]
    )
    started = time.perf_counter()
    for block in (False, True):
        assert_inert(render_markdown(payload, block=block))
    markdown_to_text(payload)
    assert time.perf_counter() - started < 5


# --- the subset -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hvor fornøyd er du?", "Hvor fornøyd er du?"),
        ("Mat & drikke <3", "Mat &amp; drikke &lt;3"),
        ("Var det *svært* bra?", "Var det <em>svært</em> bra?"),
        ("Var det _svært_ bra?", "Var det <em>svært</em> bra?"),
        ("Les **dette** først", "Les <strong>dette</strong> først"),
        ("**Viktig: *les* dette**", "<strong>Viktig: <em>les</em> dette</strong>"),
        ("snake_case_name og 5 * 3 = 15", "snake_case_name og 5 * 3 = 15"),
        ("Svar * ikke uthevet*", "Svar * ikke uthevet*"),
        ("*ikke\nover linjer*", "*ikke<br>over linjer*"),
        (
            "Se [nettsiden](https://npu.no/om?a=1&b=2).",
            'Se <a href="https://npu.no/om?a=1&amp;b=2" rel="noopener noreferrer">nettsiden</a>.',
        ),
        ("[http](http://npu.no)", '<a href="http://npu.no" rel="noopener noreferrer">http</a>'),
        ("[HTTPS](HTTPS://NPU.NO)", '<a href="HTTPS://NPU.NO" rel="noopener noreferrer">HTTPS</a>'),
        (
            "[Skriv til oss](mailto:post@npu.no)",
            '<a href="mailto:post@npu.no" rel="noopener noreferrer">Skriv til oss</a>',
        ),
        (
            "[**Les** mer](https://npu.no)",
            '<a href="https://npu.no" rel="noopener noreferrer"><strong>Les</strong> mer</a>',
        ),
        ("Linje én\nLinje to", "Linje én<br>Linje to"),
        ("Linje én\r\nLinje to", "Linje én<br>Linje to"),
    ],
)
def test_inline_constructs(text, expected):
    assert render_markdown(text) == Markup(expected)


def test_a_single_paragraph_needs_no_wrapper_even_as_a_block():
    assert render_markdown("Én *linje*", block=True) == Markup("Én <em>linje</em>")
    assert render_markdown("Én\nparagraf", block=True) == Markup("Én<br>paragraf")
    assert render_markdown("", block=True) == Markup("")


def test_blocks_render_paragraphs_and_lists():
    text = "Til deg som var her.\nTakk!\n\n- Mat\n* *Drikke*\n\n3. Tredje\n4. Fjerde\n\nSlutt"
    assert render_markdown(text, block=True) == Markup(
        "<p>Til deg som var her.<br>Takk!</p>\n"
        "<ul><li>Mat</li><li><em>Drikke</em></li></ul>\n"
        '<ol start="3"><li>Tredje</li><li>Fjerde</li></ol>\n'
        "<p>Slutt</p>"
    )
    assert render_markdown("1. En\n2. To", block=True) == Markup("<ol><li>En</li><li>To</li></ol>")


def test_inline_renders_lists_and_paragraphs_as_lines_with_visible_markers():
    text = "Hva passer?\n\n- Mat\n- **Drikke**\n\n1. En\n1. To"
    assert render_markdown(text) == Markup(
        "Hva passer?<br>• Mat<br>• <strong>Drikke</strong><br>1. En<br>2. To"
    )


def test_plain_text_drops_the_formatting():
    assert markdown_to_text("Se **nettsiden** [vår](https://npu.no)\n- *her*") == "Se nettsiden vår • her"


# --- on a respondent page ---------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> **bold**"


def test_a_respondent_page_renders_the_subset_and_escapes_the_rest(app, client):
    definition = copy.deepcopy(DEFINITION)
    section = definition["sections"][0]
    section["intro"] = texts(*["Velkommen!\n\n- *Kort*\n- [Om oss](https://npu.no)"] * 3)
    question = section["questions"][0]
    question["text"] = texts(HOSTILE, HOSTILE, HOSTILE)
    question["help"] = texts(*['"><img src=x onerror=alert(1)> [x](javascript:alert(1))'] * 3)
    question["options"][1]["label"] = texts(*["16–29 *år*"] * 3)
    respondent = Respondent(client, answering_survey(app, definition))

    page = respondent.open().text

    assert "<strong>bold</strong>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript' not in page and "[x](javascript:alert(1))" in page
    assert '<ul><li><em>Kort</em></li><li><a href="https://npu.no" rel="noopener noreferrer">' in page
    assert "16–29 <em>år</em></label>" in page

    respondent.send({"first_visit": "yes"})
    summary = re.search(r'<div class="error-summary".*?</div>', respondent.page, re.S).group(0)
    assert "<strong>" not in summary, "a link in the error summary holds plain text only"
    assert error_summary(respondent.page)["age_group"].startswith("<script>alert(1)</script> bold: ")
