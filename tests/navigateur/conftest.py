"""Ce que partagent les parcours dans un vrai navigateur (Chromium de Debian piloté par
Playwright, jamais un navigateur téléchargé) : le navigateur, ses arguments, le dossier des
captures et la marque qui saute ces tests là où Chromium manque."""

import os
from pathlib import Path

import pytest

# L'API synchrone de Playwright fait tourner une boucle asyncio dans ce fil : Django
# refuserait sinon l'accès à la base depuis le serveur de test et les fixtures.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CAPTURES = Path(__file__).resolve().parents[2] / "docs" / "captures"
ARGUMENTS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",  # champs de date au format jj/mm/aaaa sur les captures
]


def pytest_collection_modifyitems(config, items):
    """Chaque test de ce dossier porte la marque `navigateur` et saute sans Chromium."""
    ici = Path(__file__).parent
    sauter = pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium de Debian absent (/usr/bin/chromium) : apt-get install -y chromium",
    )
    for item in items:
        if Path(str(item.fspath)).parent == ici:
            item.add_marker(pytest.mark.navigateur)
            item.add_marker(sauter)


@pytest.fixture
def navigateur():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGUMENTS_CHROMIUM, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
