#!/usr/bin/env python3
"""Signs a person in at an IdP through its own pages, like a browser, and writes what the load scripts need.

Usage: prepare.py ours|peer BASE_URL OUT_DIR REFRESH_TOKENS
Writes OUT_DIR/cookie (the Cookie header of the signed-in browser), OUT_DIR/refresh (fresh refresh tokens,
one a line, each from its own code + PKCE flow) and, for ours, OUT_DIR/api-token (a personal API token).
Standard library only; follows redirects itself and stops at the app's callback, where the code is.
"""
import html, http.cookiejar, json, re, sys, urllib.error, urllib.parse, urllib.request

KIND, BASE, OUT, COUNT = sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3], int(sys.argv[4])
CALLBACK = "http://127.0.0.1:8765/callback"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
if KIND == "ours":
    CLIENT, SCOPE, AUTHORIZE, TOKEN = "demo-spa", "openid profile offline_access", "/connect/authorize", "/connect/token"
    LOGIN = {"Email": "alice@acme.test", "Password": "demo-Passw0rd"}
else:
    CLIENT, SCOPE, AUTHORIZE, TOKEN = "bench-spa", "openid profile offline_access", "/auth", "/token"
    LOGIN = {"login": "alice", "password": "any"}

jar = http.cookiejar.CookieJar()

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

def fetch(url, form=None, headers=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()

def browse(url, form=None):
    """Follows redirects and fills forms until the callback; returns the authorization code."""
    for _ in range(12):
        status, headers, body = fetch(url, form)
        form = None
        if status in (301, 302, 303, 307):
            url = urllib.parse.urljoin(url, headers["Location"])
            if url.startswith(CALLBACK):
                return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["code"][0]
            continue
        match = re.search(r'<form[^>]*?(?:action="([^"]*)")?[^>]*method="post"[^>]*>(.*?)</form>', body, re.S | re.I)
        if status != 200 or not match:
            sys.exit(f"{KIND}: unexpected answer {status} at {url}:\n{body[:500]}")
        action, inner = match.groups()
        fields = {html.unescape(n): html.unescape(v) for n, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', inner)}
        fields.update({k: v for k, v in LOGIN.items() if k in inner})
        url, form = urllib.parse.urljoin(url, html.unescape(action or url)), fields
    sys.exit(f"{KIND}: too many steps before the callback")

def authorize_url():
    return BASE + AUTHORIZE + "?" + urllib.parse.urlencode({
        "client_id": CLIENT, "response_type": "code", "scope": SCOPE, "redirect_uri": CALLBACK,
        "code_challenge": CHALLENGE, "code_challenge_method": "S256", "state": "bench", **({"prompt": "consent"} if KIND == "peer" else {})})

def redeem(code):
    status, _, body = fetch(BASE + TOKEN, {"grant_type": "authorization_code", "code": code, "client_id": CLIENT,
                                           "redirect_uri": CALLBACK, "code_verifier": VERIFIER})
    if status != 200:
        sys.exit(f"{KIND}: code redemption failed ({status}): {body[:300]}")
    return json.loads(body)

first = redeem(browse(authorize_url()))  # signs in (and consents, for the peer)
refresh = [first["refresh_token"]]
quiet = BASE + AUTHORIZE + "?" + urllib.parse.urlencode({
    "client_id": CLIENT, "response_type": "code", "scope": SCOPE, "redirect_uri": CALLBACK,
    "code_challenge": CHALLENGE, "code_challenge_method": "S256", "state": "bench"})
while len(refresh) < COUNT:
    refresh.append(redeem(browse(quiet))["refresh_token"])  # the session alone: no page on the way

cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.domain.startswith("127.0.0.1") and AUTHORIZE.startswith(c.path.rstrip("/") or "/"))
open(f"{OUT}/cookie", "w").write(cookie)
open(f"{OUT}/refresh", "w").write("\n".join(refresh) + "\n")
open(f"{OUT}/authorize", "w").write(quiet[len(BASE):])

if KIND == "ours":
    _, _, page = fetch(BASE + "/account/api-tokens")
    token = re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', page).group(1)
    request = urllib.request.Request(BASE + "/api/me/api-tokens?org=acme", data=json.dumps({"name": "bench", "lifetimeDays": 30}).encode(),
                                     headers={"Content-Type": "application/json", "RequestVerificationToken": token})
    with opener.open(request) as response:
        open(f"{OUT}/api-token", "w").write(json.loads(response.read())["token"])
print(f"{KIND}: signed in, {len(refresh)} refresh tokens")
