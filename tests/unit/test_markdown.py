"""Markdown that residents write is shown safely: formatting stays, scripts go."""

from markupsafe import Markup

from pbflow.core.markdown import reader_text, render_markdown, strip_unshown_html


def test_a_script_is_removed_with_its_content():
    html = render_markdown("Plac zabaw\n\n<script>alert('x')</script>\n\nkoniec")
    assert "<script" not in html
    assert "alert" not in html
    assert "Plac zabaw" in html and "koniec" in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('<a href="https://krakow.pl" onclick="steal()">BO</a> <em onmouseover="x()">tak</em>')
    assert "onclick" not in html
    assert "onmouseover" not in html
    assert "steal" not in html
    assert "<em>tak</em>" in html


def test_javascript_links_lose_their_target():
    for source in ("[kliknij](javascript:alert(1))", '<a href="javascript:alert(1)">kliknij</a>',
                   "[kliknij](JaVaScRiPt:alert(1))"):
        html = render_markdown(source)
        assert "javascript" not in html.lower(), source
        assert "kliknij" in html


def test_links_are_kept_and_marked_nofollow():
    html = render_markdown("Zobacz [wyniki BO](https://obywatelski.krakow.pl/wyniki).")
    assert 'href="https://obywatelski.krakow.pl/wyniki"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert ">wyniki BO</a>" in html


def test_images_iframes_and_styles_are_not_allowed():
    html = render_markdown('![x](https://evil.example/p.png)\n\n<iframe src="https://evil.example"></iframe>'
                           '<p style="position:fixed">tekst</p>')
    assert "<img" not in html
    assert "<iframe" not in html
    assert "style=" not in html
    assert "tekst" in html


def test_lists_emphasis_and_tables_are_kept():
    source = (
        "Potrzeby:\n\n- ławki\n- **oświetlenie**\n- *zieleń*\n\n"
        "1. pierwszy\n2. drugi\n\n"
        "| pozycja | koszt |\n|---|---:|\n| ławki | 12 000 zł |\n"
    )
    html = render_markdown(source)
    assert "<ul>" in html and "<li>ławki</li>" in html
    assert "<ol>" in html and "<li>pierwszy</li>" in html
    assert "<strong>oświetlenie</strong>" in html
    assert "<em>zieleń</em>" in html
    assert "<table>" in html and "<th>pozycja</th>" in html
    assert "<td>ławki</td>" in html
    assert 'align="right"' in html


def test_polish_letters_come_through_unchanged():
    html = render_markdown("Zażółć gęślą jaźń — ŻÓŁW, Łąka, Świętokrzyska")
    assert "Zażółć gęślą jaźń — ŻÓŁW, Łąka, Świętokrzyska" in html


def test_html_special_characters_in_text_are_escaped():
    html = render_markdown("koszt < 40 % & więcej")
    assert "&lt; 40 % &amp; więcej" in html


def test_empty_input_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_result_is_safe_markup_for_templates():
    assert isinstance(render_markdown("*tak*"), Markup)


def test_reader_text_is_what_a_reader_sees_without_markdown_marks_or_tags():
    text = reader_text("## Cel\n\nPlac **zabaw** &amp; <script>alert(1)</script>cień\n\n- ławki\n- kosze\n\n"
                       "1. pierwszy\n2. drugi\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert text == "Cel\n\nPlac zabaw & cień\n\n• ławki\n• kosze\n\n1. pierwszy\n2. drugi\n\na | b\n1 | 2"
    assert reader_text(None) == reader_text("") == ""


def test_html_that_is_not_shown_is_taken_out_of_the_source_and_named():
    text, dropped = strip_unshown_html("Tekst <b>ważny</b> <SCRIPT>alert(1)</script>i **pogrubiony**, a < b.\n\n"
                                       "<div class=\"x\">\nblok\n</div>")
    assert dropped == ["b", "div", "script"]
    assert text == "Tekst ważny i **pogrubiony**, a < b.\n\n\nblok\n"
    assert strip_unshown_html("*Zwykły* tekst z <em>wyróżnieniem</em>.") == ("*Zwykły* tekst z <em>wyróżnieniem</em>.", [])


def test_a_text_seen_again_is_not_rendered_again_and_reads_the_same():
    from pbflow.core import markdown

    text = "Ławki przy **placu** — 12 sztuk.\n\n| co | ile |\n|:--|--:|\n| ławka | 12 |"
    first = render_markdown(text)
    hits = markdown._kept.cache_info().hits
    again = render_markdown(text)
    assert again == first and isinstance(again, Markup)
    assert markdown._kept.cache_info().hits == hits + 1
    assert '<td align="right">12</td>' in first and "<strong>placu</strong>" in first


def test_a_long_text_is_rendered_and_sanitised_but_not_kept():
    from pbflow.core import markdown

    text = "Opis <script>alert(1)</script> " + "słowo " * (markdown.KEPT_TEXT_MAX // 6)
    assert len(text) > markdown.KEPT_TEXT_MAX
    kept = markdown._kept.cache_info().currsize
    html = render_markdown(text)
    assert "alert" not in html and "słowo" in html
    assert markdown._kept.cache_info().currsize == kept


def test_threads_rendering_at_once_each_get_their_own_text():
    """Python-Markdown's converter keeps state while converting: each thread has its own."""
    from concurrent.futures import ThreadPoolExecutor

    from pbflow.core import markdown

    texts = [f"# Projekt {n}\n\n- punkt {n}\n- drugi {n}\n\n" + f"Akapit {n}. " * (n * 37 % 400) for n in range(200)]
    expected = [markdown._sanitised(text) for text in texts]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(markdown._sanitised, texts)) == expected
        assert list(pool.map(render_markdown, texts)) == expected
