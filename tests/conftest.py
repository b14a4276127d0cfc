"""Shared test helpers: where ../shared is, and the bundled model (loaded once)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path() -> Path | None:
    env = os.environ.get("UNSPUN_SHARED")
    p = Path(env) if env else REPO.parent / "shared"
    return p if p.is_dir() else None


@pytest.fixture(scope="session")
def shared() -> Path:
    p = shared_path()
    if p is None:
        pytest.skip("../shared is absent (CI has it beside the clone; a user's machine does not)")
    return p


@pytest.fixture(scope="session")
def detector():
    from model import Detector

    return Detector.load()


@pytest.fixture
def fixture_bytes():
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()
    return read


NEWS_LEDE = ("The harbour council voted on Tuesday to approve a new ferry terminal on the east quay, ending two "
             "years of debate over how the town should replace its ageing passenger pier.")


@pytest.fixture
def described_news(fixture_bytes) -> tuple[bytes, bytes]:
    """The legitimate news fixture with its lede (NEWS_LEDE) as its meta description, and the same page with
    "new" swapped for "fresh" in the visible text only, as a scraper that spins the body leaves it."""
    page = fixture_bytes("legit_news.html").replace(
        b"</title>", f'</title><meta name="description" content="{NEWS_LEDE}">'.encode(), 1)
    assert NEWS_LEDE.encode() in page
    head, body = page.split(b"<body>", 1)
    return page, head + b"<body>" + body.replace(b"approve a new ferry", b"approve a fresh ferry", 1)


@pytest.fixture()
def fake():
    """A fake detector returning real Verdict objects (service tests without the model)."""
    from service.testing import FakeDetector

    return FakeDetector()


@pytest.fixture()
def client(fake):
    """A Flask test client of the service over the fake detector."""
    from service.app import create_app
    from service.config import ServiceConfig

    return create_app(fake, ServiceConfig()).test_client()
