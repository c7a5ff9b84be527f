"""The HTTP layer every route uses: bodies, parameters, URIs, responses, cookies, pages, headers.

Nothing here knows OAuth or the Management API; routes import it, never each other.
"""
