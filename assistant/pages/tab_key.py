"""The answers key bound to the browser tab, and the mediator's idle countdown.

The key lives in the tab's `sessionStorage` (never in the URL, the history or a cookie,
which every tab of the browser shares): a reload of the tab finds it again, another tab
or browser opened at the same address has none, and closing the tab ends access. A small
`st.components.v2` component carries it both ways: Python tells it what the tab must hold
(a key made on the server, or nothing), and it says what the tab holds (state value
`stored`) when a new session asks — a reload, a reconnection to another app process. Each
session asks with its own random word, so an answer given to an earlier session is never
taken for this one's.

In mediator mode the same component shows « Effacement automatique dans … » at the top of
the page, counts the time since the last interaction in the browser (a click, a key, the
wheel, a touch), warns in the last minute with « Je suis encore là », and then asks the
server to erase (trigger `idle`). It also asks for a run (trigger `alive`) when someone
interacts without any run for a while, so that the server's copy is kept as long as the
countdown says.
"""

from __future__ import annotations

import secrets
import time
from typing import Callable, Optional

import streamlit as st
from streamlit import config
from streamlit.components.v2 import component

NAME = "mesdroits.cle"          # the sessionStorage item
WIDGET_KEY = "mda.tab"          # the component's key in the session
ASK = "mda.tab.ask"             # this session's word when it asks the tab (not a secret)
WAIT_SECONDS = 5.0              # how long a new session waits for the tab's answer

_JS = r"""
export default function (component) {
  const { data, setStateValue, setTriggerValue, parentElement } = component;
  const NAME = "__NAME__";
  const tab = window.mdaTab || (window.mdaTab = { answered: undefined, touched: 0, stop: null });
  // Streamlit calls a component's clean-up only when it leaves the page, not when new data
  // calls it again: stop the previous call's timer and listeners here.
  if (tab.stop) { tab.stop(); tab.stop = null; }
  let stored = "";
  try {
    // Python's word: a string is what the tab must hold ("" for nothing); null leaves it.
    if (typeof data.key === "string") {
      if (data.key) window.sessionStorage.setItem(NAME, data.key);
      else window.sessionStorage.removeItem(NAME);
    }
    stored = window.sessionStorage.getItem(NAME) || "";
  } catch (error) {
    stored = "";   // storage refused by the browser: the answers stay in this page only
  }
  // Said only when asked (each new session asks with its own word, `ask`): never when the
  // server tells a new key, so no extra run races a page switch of the same click.
  if (data.key === null && data.ask && tab.answered !== data.ask) {
    tab.answered = data.ask;
    setStateValue("stored", { ask: data.ask, key: stored });
  }

  parentElement.replaceChildren();
  if (!(data.idle > 0)) {
    const flag = document.createElement("div");   // the app's CSS hides a container holding .mda-js
    flag.className = "mda-js";
    flag.hidden = true;
    parentElement.appendChild(flag);
    return undefined;
  }

  // Mediator mode: the countdown. A run just happened (this call): it counts as activity.
  const texts = data.texts;
  const ran = Date.now();
  tab.touched = Math.max(tab.touched, ran);
  let pinged = ran;
  let done = false;
  let fired = 0;   // when the erasing was asked (asked again every few seconds until it happens)
  const box = document.createElement("div");
  box.className = "mda-idle";
  const status = document.createElement("p");
  status.className = "mda-idle-status";
  status.setAttribute("role", "timer");
  box.appendChild(status);
  parentElement.appendChild(box);
  let warning = null;

  const left = () => Math.max(0, Math.ceil(data.idle - (Date.now() - tab.touched) / 1000));
  const ping = () => { pinged = Date.now(); setTriggerValue("alive", Date.now()); };
  const makeWarning = () => {
    const panel = document.createElement("div");
    panel.className = "mda-idle-warning";
    panel.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = texts.warning;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = texts.still_here;
    button.addEventListener("click", () => { tab.touched = Date.now(); ping(); show(); });
    panel.append(text, button);
    return panel;
  };
  const show = () => {
    const seconds = left();
    const text = seconds > 60 ? texts.minutes.replace("{n}", String(Math.ceil(seconds / 60)))
                              : texts.seconds.replace("{n}", String(seconds));
    if (status.textContent !== text) status.textContent = text;
    if (seconds <= 60 && !warning) { warning = makeWarning(); box.appendChild(warning); }
    if (seconds > 60 && warning) { warning.remove(); warning = null; }
    if (seconds <= 0 && !done) {
      done = true;
      try { window.sessionStorage.removeItem(NAME); } catch (error) { /* nothing stored */ }
      window.mdaUnsaved = false;
    }
    // The server's erasing calls this component again (tab.stop ends this timer); until
    // then, a request lost in a busy moment is asked again.
    if (done && Date.now() - fired > 3000) {
      fired = Date.now();
      setTriggerValue("idle", fired);
    }
  };
  const touch = () => { if (!done) { tab.touched = Date.now(); show(); } };
  const events = ["pointerdown", "keydown", "wheel", "touchstart", "input"];
  events.forEach((name) => document.addEventListener(name, touch, { capture: true, passive: true }));
  const timer = window.setInterval(() => {
    show();
    // Activity without any run for a while: one run keeps the server's copy alive. Only
    // once the person has paused (never between a button's press and its click).
    const now = Date.now();
    if (!done && tab.touched > pinged && now - pinged > data.refresh * 1000 && now - tab.touched > 1500) ping();
  }, 1000);
  show();
  tab.stop = () => {
    window.clearInterval(timer);
    events.forEach((name) => document.removeEventListener(name, touch, { capture: true }));
  };
  return tab.stop;
}
""".replace("__NAME__", NAME)

_CSS = """
.mda-idle-status { margin: 0; font-size: 0.875rem; color: #3b3d45; }
.mda-idle-warning { position: fixed; left: 50%; bottom: 1rem; transform: translateX(-50%); z-index: 1000100;
  width: min(32rem, calc(100vw - 2rem)); box-sizing: border-box; padding: 0.75rem 1rem;
  background: #ffffff; color: #1f1f1f; border: 2px solid #a4161a; border-radius: 0.5rem;
  box-shadow: 0 0.25rem 1rem rgba(0, 0, 0, 0.25); }
.mda-idle-warning p { margin: 0 0 0.5rem 0; }
.mda-idle-warning button { font: inherit; font-weight: 600; padding: 0.4rem 1rem; border-radius: 0.5rem;
  background: #a4161a; color: #ffffff; border: 1px solid #a4161a; cursor: pointer; }
.mda-idle-warning button:hover { background: #7d0f12; }
"""

_COMPONENT = component("mesdroits.tab_key", js=_JS, css=_CSS, isolate_styles=False)


def _nothing() -> None:
    """State changes need a callback to be reported; the page reads the value itself."""


def mount(key: Optional[str], *, idle: float = 0, refresh: float = 60, run: int = 0, texts: Optional[dict] = None,
          on_idle: Callable[[], None] = _nothing, on_alive: Callable[[], None] = _nothing) -> Optional[str]:
    """Show the component (on every run) and tell the tab what to hold: `key` ("": nothing),
    or None to ask what it holds. Returns, when asking, the tab's answer to this session: a
    key, "" for none, None while it has not answered yet (a new session's first run).

    `idle` > 0 (seconds) shows the mediator's countdown (`run` changes at every run: the
    countdown restarts, and the browser knows the server saw the session); `on_idle` runs
    when it ends, `on_alive` when the browser asks for a run to keep the server's copy.
    """
    ask = st.session_state.setdefault(ASK, secrets.token_hex(8)) if key is None else None
    data = {"key": key, "ask": ask, "idle": idle, "refresh": refresh, "run": run, "texts": texts or {}}
    result = _COMPONENT(key=WIDGET_KEY, data=data,
                        on_stored_change=_nothing, on_idle_change=on_idle, on_alive_change=on_alive,
                        width="stretch", height="content")
    said = result.get("stored")
    if isinstance(said, dict) and ask is not None and said.get("ask") == ask:
        return said.get("key") if isinstance(said.get("key"), str) else ""
    return "" if _without_browser() else None


def _without_browser() -> bool:
    """Streamlit's AppTest runs no browser code: its tab never speaks, it is a new tab."""
    return bool(config.get_option("global.appTest"))


def wait_for_tab(seconds: float = WAIT_SECONDS) -> None:
    """Hold a new session's first run until the tab says what it holds: its answer comes as
    a rerun request, which stops this run at the next Streamlit call (`slot.empty()`). So
    nothing is decided — no empty first screen, no expiry notice — before the key is known.
    Returns only if the tab never answered (its script blocked)."""
    slot = st.empty()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.05)
        slot.empty()
