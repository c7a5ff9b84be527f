"""The HTML sign-in page's "create account" and "forgot password", when the tenant enables them."""

from __future__ import annotations

from starlette.testclient import TestClient

from .support.account import admin_headers, email_sign_up, finish, latest_code, open_interaction
from .support.apps import ClientFactory, Clock, tenant_of
from .support.paths import DEMO_FIXTURE
from .support.tenants import DEMO_WEB, ISSUER
from .support.verify import verify_access_token

CLOCK = Clock()


def _demo(make_client: ClientFactory) -> TestClient:
    return make_client(DEMO_FIXTURE, clock=CLOCK)


def test_links_follow_the_sign_in_experience(make_client: ClientFactory) -> None:
    demo = _demo(make_client)
    open_interaction(demo)
    page = demo.get("/sign-in").text
    assert '<a href="/register">Create account</a>' in page
    assert "/forgot-password" not in page
    assert demo.get("/forgot-password").status_code == 404
    email_sign_up(demo)
    assert '<a href="/forgot-password">Forgot password?</a>' in demo.get("/sign-in").text
    only_sign_in = {"signInMode": "SignIn"}
    assert demo.patch("/api/sign-in-exp", json=only_sign_in, headers=admin_headers(demo))
    assert "/register" not in demo.get("/sign-in").text
    assert demo.get("/register").status_code == 404


def test_create_an_account_with_an_emailed_code(make_client: ClientFactory) -> None:
    demo = _demo(make_client)
    email_sign_up(demo)
    verifier = open_interaction(demo)
    assert 'name="identifier"' in demo.get("/register").text
    form = {"step": "start", "identifier": "page@example.com", "password": "123"}
    weak = demo.post("/register", data=form)
    assert weak.status_code == 422 and "password_rejected.too_short" in weak.text
    form["password"] = "Correct-Horse-42"
    sent = demo.post("/register", data=form)
    assert "We sent a code to <strong>page@example.com</strong>" in sent.text
    wrong = demo.post("/register", data={"step": "code", "code": "x"})
    assert wrong.status_code == 400 and "Invalid verification code." in wrong.text
    code = latest_code(demo, "page@example.com")
    done = demo.post("/register", data={"step": "code", "code": code}, follow_redirects=False)
    assert done.status_code == 303
    tokens = finish(demo, done.headers["location"], verifier)
    claims = verify_access_token(
        str(tokens["id_token"]),
        demo.get("/oidc/jwks").json(),
        issuer=ISSUER,
        audience=DEMO_WEB[0],
        now=CLOCK.now,
    )
    assert claims["email"] == "page@example.com"


def test_create_an_account_with_a_username(make_client: ClientFactory) -> None:
    demo = _demo(make_client)
    verifier = open_interaction(demo)
    taken = {"step": "start", "identifier": "alice", "password": "Correct-Horse-42"}
    assert "This username is already in use." in demo.post("/register", data=taken).text
    form = {"step": "start", "identifier": "carol", "password": "Correct-Horse-42"}
    done = demo.post("/register", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert finish(demo, done.headers["location"], verifier)["token_type"] == "Bearer"
    [carol] = [u for u in tenant_of(demo).users.values() if u.username == "carol"]
    assert carol.password == "Correct-Horse-42"


def test_reset_a_password_on_the_page(make_client: ClientFactory) -> None:
    demo = _demo(make_client)
    email_sign_up(demo)
    open_interaction(demo)
    sent = demo.post("/forgot-password", data={"step": "start", "identifier": "bob@example.com"})
    assert "We sent a code to <strong>bob@example.com</strong>" in sent.text
    code = latest_code(demo, "bob@example.com")
    same = demo.post(
        "/forgot-password", data={"step": "code", "code": code, "password": "bob-password"}
    )
    assert same.status_code == 400 and "New password cannot be the same" in same.text
    new = {"step": "code", "code": code, "password": "Correct-Horse-42"}
    done = demo.post("/forgot-password", data=new, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "http://localhost:3001/sign-in")
    assert tenant_of(demo).users["user-bob"].password == "Correct-Horse-42"
