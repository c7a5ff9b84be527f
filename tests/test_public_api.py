from __future__ import annotations

from importlib.metadata import version

import mock_logto


def test_public_api_is_listed_sorted_and_importable() -> None:
    assert mock_logto.__all__ == sorted(mock_logto.__all__)
    assert set(mock_logto.__all__) <= set(dir(mock_logto))
    assert callable(mock_logto.create_app) and callable(mock_logto.load_tenant)


def test_version_matches_the_package_metadata() -> None:
    assert mock_logto.__version__ == version("mock-logto")
