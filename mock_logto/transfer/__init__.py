"""Tenants in and out as fixture files: `mock-logto export` and `mock-logto import`.

- :mod:`.transport`: the one HTTP client (the standard library's), replaceable in tests;
- :mod:`.export`: a running mock-logto's live tenant, through `GET /__mock/fixtures`;
- :mod:`.logto`: Logto's Management API as a client: the token, pages, rate-limit retries;
- :mod:`.importer`: a Logto tenant read through that API, written as a fixture file.

The fixture text itself is written by :mod:`mock_logto.loader.dump`, for both directions.
"""
