"""The catalogue's edges on the HTML pages: a page past the end, a price range upside down."""
import re

import pytest

from tests.web.site_helpers import Site


@pytest.fixture
def fourteen(add_product):
    for number in range(14):  # two pages of the catalogue (12 a page)
        add_product(f"CLOCK-{number:02d}", name=f"Clock {number:02d}", price=1000 + number)


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(client, fourteen):
    response = client.get("/products?page=5&q=clock&sort=name")

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "14 products matching “clock”" in html
    assert "There is no page 5: the list ends on page 2." in html
    assert re.search(r'<a href="/products\?page=2&amp;q=clock&amp;sort=name">Go to the last page</a>', html)
    assert "Page 5 of" not in html and "Nothing matches" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_last_page_itself_is_a_page(client, fourteen):
    response = client.get("/products?page=2")

    assert response.status_code == 200
    assert "Page 2 of 2" in response.get_data(as_text=True)


def test_past_the_end_of_a_single_page_links_to_the_first(client, add_product):
    add_product("ONE", name="Only One")

    html = client.get("/products?page=3").get_data(as_text=True)

    assert "1 product" in html and "the list ends on page 1" in html
    assert '<a href="/products?sort=relevance">Go to the last page</a>' in html


def test_an_empty_catalogue_past_its_end_says_nothing_matches(client):
    response = client.get("/products?page=2&q=nothing")

    assert response.status_code == 404
    assert "Nothing matches these filters" in response.get_data(as_text=True)


def test_the_admin_products_list_past_its_end_links_back_too(app, fourteen):
    site = Site(app.test_client()).admin()

    html = site.text("/admin/products?page=9")

    assert "There is no page 9: the list ends on page 1." in html
    assert '<a href="/admin/products?sort=relevance">Go to the last page</a>' in html


def test_a_minimum_price_above_the_maximum_says_so_and_keeps_the_maximum(client, fourteen):
    response = client.get("/products?min_price=20&max_price=10.05")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a minimum price no higher than the maximum price." in html
    assert 'aria-invalid="true"' in html and 'value="20"' in html  # the field keeps what was typed
    assert "6 products" in html  # up to 10.05: Clock 00 to Clock 05
