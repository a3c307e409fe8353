"""The login page: plain HTML served by Flask (no Dash, so nothing loads before login)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from layouts.common import tr


def login_html(lang: str = "fr", error: bool = False, next_path: str = "/", logged_out: bool = False,
               name: str = "", retry_after_s: int | None = None, busy: bool = False,
               cross_site: bool = False) -> str:
    other = "en" if lang == "fr" else "fr"
    message = ""
    if cross_site:
        message = f'<div class="alert alert-danger" role="alert">{escape(tr("login_cross_site", lang))}</div>'
    elif busy:
        message = f'<div class="alert alert-warning" role="alert">{escape(tr("login_busy", lang))}</div>'
    elif retry_after_s is not None and retry_after_s < 60:
        message = (f'<div class="alert alert-warning" role="alert">'
                   f'{escape(tr("login_throttled_s", lang, seconds=retry_after_s))}</div>')
    elif retry_after_s is not None:
        minutes = max(1, -(-retry_after_s // 60))
        message = (f'<div class="alert alert-warning" role="alert">'
                   f'{escape(tr("login_throttled", lang, minutes=minutes))}</div>')
    elif error:
        message = f'<div class="alert alert-danger" role="alert">{escape(tr("login_failed", lang))}</div>'
    elif logged_out:
        message = f'<div class="alert alert-secondary" role="status">{escape(tr("logged_out", lang))}</div>'
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(tr("login_title", lang))} · Prêt à dépenser</title>
<link rel="stylesheet" href="/assets/00_bootstrap.min.css">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body class="login-body">
<main class="login-card" id="main">
  <h1 class="h4 mb-1">Prêt à dépenser</h1>
  <p class="mb-3">{escape(tr("login_intro", lang))}</p>
  {message}
  <form method="post" action="/login?lang={lang}">
    <input type="hidden" name="next" value="{escape(next_path, quote=True)}">
    <div class="mb-3">
      <label class="form-label" for="login-name">{escape(tr("login_name", lang))}</label>
      <input class="form-control" id="login-name" name="name" autocomplete="username" required autofocus
             value="{escape(name, quote=True)}">
    </div>
    <div class="mb-3">
      <label class="form-label" for="login-password">{escape(tr("login_password", lang))}</label>
      <input class="form-control" id="login-password" name="password" type="password"
             autocomplete="current-password" required>
    </div>
    <button class="btn btn-dark w-100" type="submit" id="login-submit">{escape(tr("login_submit", lang))}</button>
  </form>
  <p class="mt-3 mb-0 small"><a href="/login?lang={other}&amp;next={escape(quote(next_path, safe="/"), quote=True)}"
     lang="{other}">{escape(tr("switch_lang", lang))}</a></p>
</main>
</body>
</html>
"""
