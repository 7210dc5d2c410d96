"""One place knows where translations/ and service_worker/ are: checkout or installed wheel."""

from pathlib import Path

import pytest

from pwa import paths

ROOT = Path(__file__).resolve().parents[1]


def test_a_checkout_uses_the_top_level_folders():
    assert paths.translations_dir() == ROOT / "translations"
    assert paths.service_worker_file() == ROOT / "service_worker" / "sw.js"


def test_the_packages_own_copy_comes_first(tmp_path, monkeypatch):
    # As installed from the wheel, with a stray folder of the same name in site-packages.
    package = tmp_path / "site-packages" / "pwa"
    (package / "translations").mkdir(parents=True)
    (tmp_path / "site-packages" / "translations").mkdir()
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    assert paths.translations_dir() == package / "translations"


def test_a_missing_folder_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "pwa")
    with pytest.raises(FileNotFoundError, match="service_worker/"):
        paths.service_worker_file()
