"""Images without a browser: what an upload must be, what is stored of it (its pixels,
none of its metadata), each site's own, and how pages show them."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from authoring import drafts, images, library, publishing
from authoring.media_models import MediaImage
from courses.database import db
from courses.models import PageText
from courses.packages.render import render_markdown, sanitise
from tests.authoring import images as files
from tests.authoring.conftest import shipped


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(MediaImage)).scalar_one()


def _page(site: int) -> tuple[int, int]:
    lm = library.adapt(site, shipped(), None)
    return lm.id, lm.pages[0].id


def test_an_image_is_stored_with_its_alt_text_and_served_by_its_key(sites):
    app, site, _ = sites
    with app.app_context():
        module_id, page_id = _page(site)
        stored = images.store(site, page_id, "fi", files.png(40, 30), "  Punainen laatikko  ", None)
        assert (stored.width, stored.height) == (40, 30)
        assert stored.markdown == f"![Punainen laatikko](/media/{stored.key})"
        assert len(stored.key) == 32 and stored.key.replace("-", "").replace("_", "").isalnum()
        row = db.session.execute(select(MediaImage)).scalar_one()
        assert (row.site_id, row.library_module_id, row.alt_text, row.language) == (
            site, module_id, "Punainen laatikko", "fi"
        )
        served = images.served(stored.key)
        assert served.content_type == "image/png"
        assert Image.open(io.BytesIO(served.data)).size == (40, 30)
        assert images.served("x" * 32) is None and images.served("../../etc/passwd") is None


def test_the_same_image_again_keeps_one_copy_and_address_per_site(sites):
    app, site, other = sites
    with app.app_context():
        _, page_id = _page(site)
        _, other_page = _page(other)
        first = images.store(site, page_id, "fi", files.png(), "Laatikko", None)
        again = images.store(site, page_id, "en", files.png(), "A box", None)
        assert again.key == first.key and again.markdown == f"![A box](/media/{first.key})"
        elsewhere = images.store(other, other_page, "fi", files.png(), "Laatikko", None)
        assert elsewhere.key != first.key  # another site's upload is its own
        assert _count() == 2


def test_no_metadata_is_kept_and_a_photo_is_turned_upright(sites):
    app, site, _ = sites
    with app.app_context():
        _, page_id = _page(site)
        photo = files.photo_with_gps(40, 20, orientation=6)
        assert b"SERIAL-12345" in photo and Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)
        stored = images.store(site, page_id, "fi", photo, "Kuva työmaalta", None)
        data = images.served(stored.key).data
        kept = Image.open(io.BytesIO(data))
        assert kept.format == "JPEG" and kept.size == (20, 40)  # rotated as the phone meant
        assert len(kept.getexif()) == 0 and "exif" not in kept.info
        assert b"SERIAL-12345" not in data and b"Exif" not in data
        text = images.process(files.png_with_text("Matti Meikäläinen, Kotikatu 1"))
        assert b"Kotikatu" not in text.data and b"xmpmeta" not in text.data


def test_an_animation_keeps_its_first_frame_and_webp_its_transparency():
    gif = images.process(files.animated_gif())
    assert gif.content_type == "image/png"
    frame = Image.open(io.BytesIO(gif.data))
    assert getattr(frame, "n_frames", 1) == 1 and frame.size == (20, 10)
    webp = images.process(files.webp())
    assert webp.content_type == "image/webp"
    assert Image.open(io.BytesIO(webp.data)).mode == "RGBA"


def test_a_large_image_is_scaled_down_to_the_stored_size():
    big = images.process(files.png(3200, 1000))
    assert (big.width, big.height) == (images.MAX_STORED_SIDE, 500)
    assert Image.open(io.BytesIO(big.data)).size == (1600, 500)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"x" * (images.MAX_UPLOAD_BYTES + 1), "too_large"),
        (b"<html><script>alert(1)</script></html>", "not_an_image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not_an_image"),
        (files.png()[:60], "not_an_image"),  # cut short
        (files.png()[:-20] + b"\x00" * 20, "not_an_image"),  # a broken checksum
        (files.many_pixels(5001, 5000), "too_many_pixels"),  # a few kilobytes, 25 million pixels
        (files.lying_png_header(100_000, 100_000), "too_many_pixels"),
        (files.lying_png_header(0, 10), "not_an_image"),
    ],
    ids=["empty", "too_large", "html", "svg", "truncated", "bad_crc", "bomb", "lying_header", "zero_width"],
)
def test_bad_files_are_refused_with_nothing_written(sites, data, code):
    app, site, _ = sites
    with app.app_context():
        _, page_id = _page(site)
        with pytest.raises(images.ImageRefused) as refused:
            images.store(site, page_id, "fi", data, "Kuva", None)
        assert refused.value.code == code
        assert _count() == 0


@pytest.mark.parametrize(
    ("alt", "code"),
    [
        (None, "alt_missing"), ("", "alt_missing"), ("   \u00a0 ", "alt_missing"), (["x"], "alt_missing"),
        ("x" * 251, "alt_too_long"), ("kaksi\nriviä", "alt_bad_characters"), ("a\x00b", "alt_bad_characters"),
        ("a\ud800b", "alt_bad_characters"), ("a\x85b", "alt_bad_characters"),
    ],
)
def test_an_image_without_a_proper_alt_text_is_refused(sites, alt, code):
    app, site, _ = sites
    with app.app_context():
        _, page_id = _page(site)
        with pytest.raises(images.ImageRefused) as refused:
            images.store(site, page_id, "fi", files.png(), alt, None)
        assert refused.value.code == code and _count() == 0


def test_another_sites_page_is_not_in_the_library_and_nothing_is_written(sites):
    app, site, other = sites
    with app.app_context():
        _, page_id = _page(site)
        with pytest.raises(library.NotInLibrary):
            images.store(other, page_id, "fi", files.png(), "Kuva", None)
        with pytest.raises(library.NotInLibrary):
            images.add_to_text(other, page_id, "fi", "![x](/media/y)", None)
        with pytest.raises(images.ImageRefused) as refused:
            images.store(site, page_id, "xx", files.png(), "Kuva", None)
        assert refused.value.code == "language_not_offered" and _count() == 0


def test_the_markdown_keeps_any_alt_text_exactly():
    alt = "Kaavio *A* & [B] <c> `d` \\e_f!"
    markdown = images.markdown_for(alt, "k" * 32)
    html = render_markdown(markdown)
    assert 'alt="Kaavio *A* &amp; [B] &lt;c&gt; `d` \\e_f!"' in html and html.count("<img") == 1


def test_added_to_the_text_it_is_published_with_its_size(sites):
    app, site, _ = sites
    with app.app_context():
        module_id, page_id = _page(site)
        stored = images.store(site, page_id, "fi", files.png(64, 48), "Laatikko", None)
        saved = images.add_to_text(site, page_id, "fi", stored.markdown, None)
        assert isinstance(saved, drafts.Saved) and saved.revision == 2
        text = drafts.draft_page(site, page_id)[0].texts
        body = next(t.body_markdown for t in text if t.language == "fi")
        assert body.endswith(f"\n\n{stored.markdown}\n")
        assert images.add_to_text(site, page_id, "sv", stored.markdown, None) is None  # no text yet
        publishing.publish(site, module_id, "Kuva", None)
        html = db.session.execute(
            select(PageText.body_html).where(PageText.body_markdown == body)
        ).scalar_one()
        assert f'<img src="/media/{stored.key}" alt="Laatikko" width="64" height="48">' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "![x](https://evil.example/track.png)",
        "![x](//evil.example/media/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](javascript:alert(1))",
        "![x](/media/../admin)",
        "![x](/elsewhere/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)",
    ],
)
def test_an_image_from_anywhere_else_is_only_its_alt_text(markdown):
    html = render_markdown(markdown)
    # (markdown-it refuses a javascript: address outright: the source stays as text.)
    assert "<img" not in html and "src=" not in html and "href=" not in html
    assert html in {"<p>x</p>\n", f"<p>{markdown}</p>\n"}


def test_the_sanitiser_keeps_only_this_tools_images_and_numeric_sizes():
    key = "/media/" + "a" * 32
    html = sanitise(
        f'<img src="https://evil.example/x.png" onerror="alert(1)" alt="a">'
        f'<img src="javascript:alert(1)"><img src="data:image/png;base64,AA">'
        f'<img src="{key}" alt="b" width="320" height="10px" style="x" class="y" loading="lazy">'
    )
    assert "evil" not in html and "javascript" not in html and "data:" not in html and "onerror" not in html
    assert html.count("src=") == 1 and f'<img src="{key}" alt="b" width="320">' in html
