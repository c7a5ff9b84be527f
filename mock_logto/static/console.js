// mock-logto's console: the live parts of the page, through the control API (/__mock/).
// No framework and no build step. Data from the server is only ever put in the page as text
// (textContent), never as markup, except the tenant's part, which the server renders escaped.
"use strict";

(function () {
  const TOKEN_KEY = "mock-logto-control-token";
  const POLL_MS = 2000;

  // The control token, when the server has one: from the URL's fragment (never sent to a
  // server, then removed from the address bar) or typed in, kept for this tab only.
  function takeTokenFromFragment() {
    const match = /^#token=([^&]+)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
  }

  function headers(json) {
    const result = {};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) result["X-Mock-Logto-Token"] = token;
    if (json) result["Content-Type"] = "application/json";
    return result;
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      say("The control API wants its token: enter it above.");
      throw new Error("unauthorized");
    }
    return response;
  }

  function say(text) {
    const status = document.getElementById("status");
    if (status) status.textContent = text;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function pretty(value) {
    if (typeof value === "string") {
      try {
        return JSON.stringify(JSON.parse(value), null, 2);
      } catch (e) {
        return value;
      }
    }
    return JSON.stringify(value, null, 2);
  }

  function clock(seconds) {
    return new Date(seconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  function details(summary, parts) {
    const box = el("details");
    box.appendChild(el("summary", summary));
    for (const [title, text] of parts) {
      box.appendChild(el("h4", title));
      box.appendChild(el("pre", text));
    }
    return box;
  }

  // --- the tenant's part of the page ---------------------------------------------------------

  async function loadTenant() {
    const response = await api("GET", "/__mock/console/tenant");
    if (!response.ok) {
      say("The tenant could not be loaded (" + response.status + ").");
      return;
    }
    // Markup the server rendered with every value escaped (routes/console.py).
    document.getElementById("tenant").innerHTML = await response.text();
    const form = document.getElementById("control-token");
    if (form) form.hidden = true;
  }

  // --- the token workbench and the JWT decoder -----------------------------------------------

  function isJwt(value) {
    return typeof value === "string" && value.split(".").length === 3;
  }

  async function getToken(form) {
    const data = new FormData(form);
    const body = {
      app: data.get("app"),
      user: data.get("user") || null,
      resource: data.get("resource") || null,
      organization: data.get("organization") || null,
      scopes: String(data.get("scopes") || "").split(/\s+/).filter(Boolean),
    };
    const out = document.getElementById("token-result");
    out.replaceChildren(el("p", "Asking…"));
    const response = await api("POST", "/__mock/console/token", body);
    const result = await response.json();
    out.replaceChildren();
    if (!response.ok) {
      out.appendChild(el("p", result.message || "Refused.", "bad"));
      return;
    }
    const steps = el("ol", null, "steps");
    for (const step of result.steps) {
      steps.appendChild(el("li", step.method + " " + step.path + " → " + step.status));
    }
    out.appendChild(el("h3", result.ok ? "Token response" : "Refused"));
    out.appendChild(steps);
    if (result.error) out.appendChild(el("p", result.error, "bad"));
    const pre = el("pre", pretty(result.response));
    pre.id = "token-response";
    out.appendChild(pre);
    const answer = result.response || {};
    const jwt = isJwt(answer.access_token) ? answer.access_token : answer.id_token;
    if (result.ok && isJwt(jwt)) {
      document.getElementById("jwt").value = jwt;
      await decode(jwt);
    }
  }

  async function decode(jwt) {
    const out = document.getElementById("decoded");
    const response = await api("POST", "/__mock/console/decode", { token: jwt });
    const result = await response.json();
    out.replaceChildren();
    if (!response.ok) {
      out.appendChild(el("p", result.message, "bad"));
      return;
    }
    const facts = el("ul", null, "facts");
    const signature = result.signature.verified
      ? "Signature verified with the JWKS (kid " + result.signature.kid + ")"
      : "Signature not verified: " + result.signature.reason;
    const verdict = el("li", signature, result.signature.verified ? "good" : "bad");
    verdict.id = "signature";
    facts.appendChild(verdict);
    const expiry = result.expiry;
    let expiryText = "No exp claim.";
    if (expiry.exp !== undefined) {
      expiryText = expiry.expired
        ? "Expired at " + expiry.expiresAt + " (" + -expiry.secondsLeft + " s ago, by the mock's clock)"
        : "Expires at " + expiry.expiresAt + " (in " + expiry.secondsLeft + " s, by the mock's clock)";
    }
    const expires = el("li", expiryText, expiry.expired ? "bad" : "good");
    expires.id = "expiry";
    facts.appendChild(expires);
    facts.appendChild(
      el(
        "li",
        result.issuer.matches
          ? "Issued by this server (" + result.issuer.expected + ")"
          : "Issuer is not this server's (" + result.issuer.expected + ")",
        result.issuer.matches ? "good" : "bad",
      ),
    );
    if (result.issuedAt) facts.appendChild(el("li", "Issued at " + result.issuedAt));
    out.appendChild(facts);
    out.appendChild(el("h3", "Header"));
    out.appendChild(el("pre", pretty(result.header)));
    out.appendChild(el("h3", "Claims"));
    const claims = el("pre", pretty(result.claims));
    claims.id = "claims";
    out.appendChild(claims);
  }

  // --- live panels ---------------------------------------------------------------------------
  // Each panel polls one control API list and renders its rows. A new panel (the messages of
  // issue 14, say) is a <section> in templates/console.html and one entry here.

  function requestRow(entry, index) {
    const row = el("tr");
    row.dataset.key = String(index);
    row.appendChild(el("td", clock(entry.at)));
    row.appendChild(el("td", entry.method));
    row.appendChild(el("td", entry.path + (entry.query ? "?" + entry.query : "")));
    row.appendChild(el("td", entry.status, entry.status >= 400 ? "bad" : ""));
    const cell = el("td");
    const headerText = Object.entries(entry.headers)
      .map(([k, v]) => k + ": " + v)
      .join("\n");
    cell.appendChild(
      details("Headers and body", [
        ["Headers", headerText],
        ["Body", entry.body ? pretty(entry.body) : "(none)"],
      ]),
    );
    row.appendChild(cell);
    return row;
  }

  function deliveryRow(entry, index) {
    const row = el("tr");
    row.dataset.key = String(index);
    row.appendChild(el("td", clock(entry.createdAt / 1000)));
    row.appendChild(el("td", entry.event + (entry.test ? " (test)" : "")));
    row.appendChild(el("td", entry.hookId));
    row.appendChild(el("td", entry.url));
    const answer = entry.response ? entry.response.status : entry.error || "pending";
    row.appendChild(el("td", answer));
    const cell = el("td");
    cell.appendChild(
      details("Request and answer", [
        ["Headers", pretty(entry.request.headers)],
        ["Body", pretty(entry.request.json)],
        ["Answer", pretty(entry.response || entry.error)],
      ]),
    );
    row.appendChild(cell);
    return row;
  }

  function messageRow(entry, index) {
    const row = el("tr");
    row.dataset.key = String(index);
    row.appendChild(el("td", clock(entry.createdAt / 1000)));
    row.appendChild(el("td", entry.to + " (" + entry.channel + ")"));
    row.appendChild(el("td", entry.type));
    row.appendChild(el("td", entry.code || entry.link || ""));
    const cell = el("td");
    cell.appendChild(details("Payload", [["Payload", pretty(entry.payload)]]));
    row.appendChild(cell);
    return row;
  }

  const PANELS = [
    {
      rows: "requests-rows",
      url: "/__mock/console/requests",
      entries: (answer) => answer.requests,
      row: requestRow,
      newestFirst: true,
    },
    {
      rows: "deliveries-rows",
      url: "/__mock/deliveries",
      entries: (answer) => answer,
      row: deliveryRow,
      newestFirst: false,
    },
    {
      rows: "messages-rows",
      url: "/__mock/messages",
      entries: (answer) => answer,
      row: messageRow,
      newestFirst: false,
    },
  ];

  async function refresh(panel) {
    const body = document.getElementById(panel.rows);
    if (!body) return;
    const extra = panel.etag ? { "If-None-Match": panel.etag } : {};
    const response = await fetch(panel.url, {
      headers: Object.assign(headers(false), extra),
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 304 || !response.ok) return;
    panel.etag = response.headers.get("ETag");
    const text = await response.text();
    if (text === panel.last) return;
    panel.last = text;
    const entries = panel.entries(JSON.parse(text));
    const open = new Set(
      Array.from(body.querySelectorAll("tr")).filter((r) => r.querySelector("details[open]"))
        .map((r) => r.dataset.key),
    );
    const rows = entries.map((entry, index) => {
      const row = panel.row(entry, index);
      if (open.has(row.dataset.key)) row.querySelector("details").open = true;
      return row;
    });
    // Keep the keyboard's place: the summary that had focus gets it back in its new row.
    const focused = document.activeElement;
    const focusedRow = focused && body.contains(focused) ? focused.closest("tr") : null;
    const focusKey = focusedRow ? focusedRow.dataset.key : null;
    if (panel.newestFirst) rows.reverse();
    if (rows.length === 0) {
      const empty = el("tr");
      const cell = el("td", "None yet.");
      cell.colSpan = body.closest("table").querySelectorAll("th").length;
      empty.appendChild(cell);
      rows.push(empty);
    }
    body.replaceChildren(...rows);
    if (focusKey !== null) {
      const again = body.querySelector('tr[data-key="' + focusKey + '"] summary');
      if (again) again.focus();
    }
  }

  async function poll() {
    if (!document.hidden) {
      for (const panel of PANELS) {
        try {
          await refresh(panel);
        } catch (e) {
          // Shown through say() where it matters; try again at the next tick.
        }
      }
    }
    setTimeout(poll, POLL_MS);
  }

  // --- wiring ----------------------------------------------------------------------------------

  function loadTenantWithToken() {
    if (document.getElementById("control-token") && sessionStorage.getItem(TOKEN_KEY)) {
      loadTenant().catch(() => {});
    }
  }

  async function onSubmit(event) {
    const form = event.target;
    const handlers = {
      "token-form": async () => {
        sessionStorage.setItem(TOKEN_KEY, new FormData(form).get("token"));
        form.reset();
        await loadTenant();
        say("Token set.");
      },
      "reset-form": async () => {
        const response = await api("POST", "/__mock/reset");
        if (response.ok) {
          await loadTenant();
          for (const panel of PANELS) await refresh(panel);
          say("Reset: the tenant is as its fixtures define it, the log and deliveries are empty.");
        }
      },
      "token-request": () => getToken(form),
      "decode-form": () => decode(new FormData(form).get("token").trim()),
    };
    const handler = handlers[form.id];
    if (!handler) return; // the browser sign-in forms are plain GET forms
    event.preventDefault();
    try {
      await handler();
    } catch (e) {
      if (e.message !== "unauthorized") say("Failed: " + e.message);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    takeTokenFromFragment();
    for (const node of document.querySelectorAll("[data-needs-script]")) node.hidden = false;
    document.addEventListener("submit", onSubmit);
    document.getElementById("requests-clear").addEventListener("click", async function () {
      await api("DELETE", "/__mock/requests");
      await refresh(PANELS[0]);
    });
    loadTenantWithToken();
    // A link to /#token=… followed while the console is open changes only the fragment.
    window.addEventListener("hashchange", function () {
      takeTokenFromFragment();
      loadTenantWithToken();
    });
    poll();
  });
})();
