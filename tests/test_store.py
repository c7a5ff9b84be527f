"""The server's memory stays bounded: expired entries are swept out."""

from __future__ import annotations

import pytest

from mock_logto import store as store_module
from mock_logto.store import AuthorizationRequest, OpaqueAccessToken, Store

from .support.apps import Clock


def request() -> AuthorizationRequest:
    return AuthorizationRequest(
        client_id="app",
        redirect_uri="http://x/cb",
        response_mode="query",
        scopes=["openid"],
        resources=[],
        prompts=frozenset(),
    )


def token(value: str, expires_at: int) -> OpaqueAccessToken:
    return OpaqueAccessToken(value, "app", "user", ["openid"], 0, expires_at)


def test_sweep_drops_what_expired_and_keeps_the_rest() -> None:
    clock = Clock(1_000)
    store = Store(clock)
    old = store.new_interaction(request(), None)
    grant = store.new_grant("app", "user", ["openid"], {})
    revoked = store.new_grant("app", "user", ["openid"], {})
    store.revoke_grant(revoked.id)
    store.add_access_token(token("short", clock.now + 10))
    store.add_access_token(token("long", clock.now + 10_000))
    clock.now += 3_601  # past the interaction's hour and the short token's life
    store.sweep()
    assert old.uid not in store.interactions
    assert list(store.access_tokens) == ["long"]
    assert list(store.grants) == [grant.id]


def test_sweeping_happens_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "SWEEP_EVERY", 3)
    clock = Clock(1_000)
    store = Store(clock)
    store.add_access_token(token("a", clock.now + 1))
    clock.now += 2
    store.add_access_token(token("b", clock.now + 100))
    assert set(store.access_tokens) == {"a", "b"}
    store.add_access_token(token("c", clock.now + 100))  # the third addition sweeps
    assert set(store.access_tokens) == {"b", "c"}


def test_subject_tokens_live_600_seconds_and_go_with_a_reset() -> None:
    clock = Clock(1000)
    store = Store(clock)
    token = store.new_subject_token("alice", {"ticket": "T-1"}, "admin")
    assert token.id.startswith("sub_") and len(token.id) == 25
    assert (token.created_at, token.expires_at, token.consumed_at) == (1000, 1600, None)
    assert store.subject_token(token.id) is token
    clock.now = 1600
    store.sweep()
    assert store.subject_token(token.id) is None
    kept = store.new_subject_token("alice", {}, "admin")
    store.clear()
    assert store.subject_token(kept.id) is None
