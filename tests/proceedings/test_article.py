from proceedings.article import body_of

TITLE = "Қоғамдық қауіпсіздік және полиция"
BODY = "<h3>Кіріспе</h3><p>Мәтін.</p>"


def test_the_files_title_block_gives_way_to_the_papers_details():
    html = f"<p>ӘОЖ 351.74</p><p>Ахманов А.Т.</p><p>ҚОҒАМДЫҚ ҚАУІПСІЗДІК\nЖӘНЕ ПОЛИЦИЯ</p>{BODY}"

    assert body_of(html, TITLE) == BODY


def test_text_before_the_first_heading_stays_when_it_is_not_the_title_block():
    html = f"<p>Бұл мақала полицияның рөлін қарастырады.</p>{BODY}"

    assert body_of(html, TITLE) == html


def test_a_paper_without_headings_is_kept_whole():
    html = f"<p>{TITLE}</p><p>Мәтін.</p>"

    assert body_of(html, TITLE) == html
