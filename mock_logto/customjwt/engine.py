"""Runs a custom JWT script as Logto's local VM does (core/utils/custom-jwt/local-vm.ts).

Logto evaluates `script + ';getCustomJwtClaims;'` in a new `node:vm` context, calls the function
with `{token, context, environmentVariables, api}` under a 3000 ms timeout and requires a plain
object back (`z.record(z.unknown())`). Here the same happens in V8 through mini-racer (PyPI
`mini-racer`, the optional `jwt` extra): a maintained, self-contained V8 build with wheels for
the usual platforms, needing no Node.js on the machine, and V8 gives the very error messages
Logto's Node.js gives (`Unexpected token '=>'`, `Cannot read properties of undefined …`).

One V8 context is compiled per script text and kept (creating one costs ~70 ms, a call ~0.2 ms);
a timed-out context is dropped. Every failure is a :class:`ScriptError` carrying the body Logto's
`LocalVmError` carries (`message`, and `error: {code: "AccessDenied", message}` for
`api.denyAccess()`).
"""

from __future__ import annotations

import atexit
import json
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

TIMEOUT_MS = 3000
EXTRA = "mock-logto[jwt]"
_CACHE_SIZE = 32

#: Defined once per context: evaluates the script like Logto (`script + ';getCustomJwtClaims;'`),
#: calls it, and reports the outcome as JSON so no V8 object crosses into Python.
_HARNESS = r"""
const __mockLogtoDescribe = (e) =>
  Object.prototype.toString.call(e) === '[object Error]' ? String(e.message) : String(e);
const __mockLogtoApi = Object.freeze({
  denyAccess: (message = 'Access denied') => {
    throw { __mockLogtoDenied: true, message };
  },
});
let __mockLogtoFunction;
let __mockLogtoLoadError;
try {
  __mockLogtoFunction = (0, eval)(__mockLogtoScript + ';getCustomJwtClaims;');
  if (typeof __mockLogtoFunction !== 'function') {
    throw new TypeError('The script does not have a function named `getCustomJwtClaims`');
  }
} catch (e) {
  __mockLogtoLoadError = e;
}
const __mockLogtoRun = async (payloadJson) => {
  try {
    if (__mockLogtoLoadError !== undefined) throw __mockLogtoLoadError;
    const payload = JSON.parse(payloadJson);
    const result = await __mockLogtoFunction({ ...payload, api: __mockLogtoApi });
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return JSON.stringify({ error: { message: 'Invalid input' } });
    }
    return JSON.stringify({ claims: result });
  } catch (e) {
    if (e && e.__mockLogtoDenied === true) {
      const message = e.message;
      return JSON.stringify({
        error: { message, error: { code: 'AccessDenied', message } },
        denied: true,
      });
    }
    return JSON.stringify({ error: { message: __mockLogtoDescribe(e) } });
  }
};
__mockLogtoRun;
"""


class ScriptError(Exception):
    """The script failed; `body` is Logto's error body, `denied` for `api.denyAccess()`."""

    def __init__(self, body: dict[str, Any], *, denied: bool = False) -> None:
        self.body = body
        self.denied = denied
        super().__init__(str(body.get("message")))


class EngineMissing(Exception):
    """mini-racer is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Custom JWT scripts run in an embedded JavaScript engine (mini-racer), which is not "
            f"installed: pip install '{EXTRA}'"
        )


def available() -> bool:
    """Whether scripts can run here."""
    try:
        import py_mini_racer  # noqa: F401
    except ImportError:
        return False
    return True


class _Compiled:
    def __init__(self, script: str) -> None:
        try:
            from py_mini_racer import JSFunction, MiniRacer
        except ImportError as error:
            raise EngineMissing from error
        self.lock = threading.Lock()
        self.context = MiniRacer()
        self.context.eval("var __mockLogtoScript = " + json.dumps(script) + ";")
        function = self.context.eval(_HARNESS)
        assert isinstance(function, JSFunction)  # noqa: S101 - the harness ends with it
        self.run = function


_compiled: OrderedDict[str, _Compiled] = OrderedDict()
_cache_lock = threading.Lock()
_workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mock-logto-jwt")
_timed_out: list[_Compiled] = []


def _context(script: str) -> _Compiled:
    with _cache_lock:
        found = _compiled.get(script)
        if found is not None:
            _compiled.move_to_end(script)
            return found
    compiled = _Compiled(script)
    with _cache_lock:
        _compiled[script] = compiled
        while len(_compiled) > _CACHE_SIZE:
            _compiled.popitem(last=False)[1].context.close()
    return compiled


def _forget(script: str) -> None:
    with _cache_lock:
        dropped = _compiled.pop(script, None)
    if dropped is not None:
        _timed_out.append(dropped)  # closed at exit: V8 still settles the cancelled call


@atexit.register
def _close_all() -> None:
    with _cache_lock:
        for compiled in _compiled.values():
            compiled.context.close()
        _compiled.clear()
    _timed_out.clear()


def run_script(script: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The claims `getCustomJwtClaims(payload)` returns; :class:`ScriptError` if it fails.

    `payload` is `{token, context, environmentVariables}` (JSON values); `api` is added.
    """
    from py_mini_racer import JSPromise, JSTimeoutException

    timeout = TIMEOUT_MS / 1000

    def call() -> Any:
        compiled = _context(script)  # made in the worker too: it binds to no caller's loop
        with compiled.lock:
            promise = compiled.run(json.dumps(payload), timeout_sec=timeout)
            assert isinstance(promise, JSPromise)  # noqa: S101 - the harness is async
            return json.loads(str(promise.get(timeout=timeout)))

    try:
        # mini-racer refuses blocking waits inside a running event loop: run in a worker.
        outcome = _workers.submit(call).result()
    except (JSTimeoutException, TimeoutError) as error:
        _forget(script)
        message = f"Script execution timed out after {TIMEOUT_MS}ms"
        raise ScriptError({"message": message}) from error
    if "error" in outcome:
        raise ScriptError(outcome["error"], denied=bool(outcome.get("denied")))
    claims: dict[str, Any] = outcome["claims"]
    return claims
