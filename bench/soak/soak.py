#!/usr/bin/env python3
"""Mixed load on two IdP nodes that share Redis and a database, as people and apps behind a load balancer make it,
with the nodes' RSS and Redis's memory recorded every 10 s. Started by bench/soak/two-nodes.sh.

Usage: soak.py NODE_A_URL NODE_B_URL PID_A PID_B OUTBOX_DIR REDIS_PORT SECONDS [CSV]

Load (each loop alternates the nodes, as a load balancer would; one cookie jar per browser for both, as for one host):
- client credentials (demo-api), four loops;
- alice's code flow with her session and two refreshes of each refresh token, two loops;
- alice's admin reads (the people and audit pages of acme, after her emailed passcode), one loop;
- bob's sign-in with password and emailed passcode, from a new loopback address every 130 s (passcode sends are
  limited per account and per address; this stays inside both).
Standard library only. Prints a summary; exits non-zero on an unexpected answer (anything but 2xx/3xx).
"""
import collections, csv, html, http.client, json, os, re, subprocess, sys, threading, time, urllib.parse

NODE_A, NODE_B, PID_A, PID_B, OUTBOX, REDIS_PORT, SECONDS = sys.argv[1:8]
CSV_PATH = sys.argv[8] if len(sys.argv) > 8 else None
NODES, PIDS, SECONDS = [NODE_A.rstrip("/"), NODE_B.rstrip("/")], [int(PID_A), int(PID_B)], int(SECONDS)
CALLBACK = "http://127.0.0.1:8765/callback"
VERIFIER, CHALLENGE = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
PASSWORD = "demo-Passw0rd"
stop_at = time.monotonic() + SECONDS
answers = collections.Counter()  # (operation, status)
unexpected = []
lock = threading.Lock()


def count(operation, status, body=""):
    with lock:
        answers[(operation, status)] += 1
        if not 200 <= status < 400 and len(unexpected) < 20:
            unexpected.append(f"{operation}: {status} {body[:200]}")


class Browser:
    """Cookies for 127.0.0.1 whatever the port (as a browser keeps them per host), manual redirects, a source address."""

    def __init__(self, source="127.0.0.1"):
        self.cookies, self.source = {}, source

    def request(self, url, form=None):
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(self.source, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if form is not None else "GET", parts.path + ("?" + parts.query if parts.query else ""), body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";")[0]
            if value == "" or "expires=thu, 01 jan 1970" in header.lower() or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        connection.close()
        return response.status, response.headers.get("Location"), text


def form_fields(page, form_id=None):
    pattern = rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>' if form_id else r'<form[^>]*method="post"[^>]*>(.*?)</form>'
    match = re.search(pattern, page, re.S | re.I)
    if not match:
        return None, None
    action = re.search(r'action="([^"]*)"', match.group(0)[: match.group(0).index(">") + 1])
    fields = {html.unescape(n): html.unescape(v) for n, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', match.group(1))}
    return (html.unescape(action.group(1)) if action else None), fields


def passcode(email, since):
    """The code in the newest passcode email to `email` written to the development outbox after `since`."""
    deadline = time.time() + 15
    while time.time() < deadline:
        for name in sorted(os.listdir(OUTBOX), reverse=True):
            path = os.path.join(OUTBOX, name)
            if not name.endswith(".eml") or os.path.getmtime(path) < since:
                continue
            raw = open(path, encoding="utf-8", errors="replace").read()
            if email in raw and "Subject: Your sign-in code" in raw:
                code = re.search(r"^\s*(\d{6,8})\s*$", raw.replace("=\r\n", "").replace("=\n", ""), re.M)
                if code:
                    return code.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"no passcode email to {email}")


def sign_in(browser, url, email, operation):
    """Follows redirects and pages (sign-in form, passcode page) from `url` until the callback or a final page."""
    for _ in range(20):
        status, location, page = browser.request(url, None)
        count(operation, status, page)
        while status in (301, 302, 303, 307):
            url = urllib.parse.urljoin(url, location)
            if url.startswith(CALLBACK):
                return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("code", [None])[0], None
            status, location, page = browser.request(url, None)
            count(operation, status, page)
        if 'id="send-form"' in page:  # the passcode page: ask for a code, read it, enter it
            since = time.time() - 1
            action, fields = form_fields(page, "send-form")
            status, _, page = browser.request(urllib.parse.urljoin(url, action or url), fields)
            count(operation, status, page)
            action, fields = form_fields(page, "verify-form")
            fields["Code"] = passcode(email, since)
            status, location, page = browser.request(urllib.parse.urljoin(url, action or url), fields)
        elif 'name="Password"' in page:
            action, fields = form_fields(page)
            fields.update({"Email": email, "Password": PASSWORD})
            status, location, page = browser.request(urllib.parse.urljoin(url, action or url), fields)
        else:
            return None, page
        count(operation, status, page)
        if status not in (301, 302, 303, 307):
            return None, page
        url = urllib.parse.urljoin(url, location)
        if url.startswith(CALLBACK):
            return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("code", [None])[0], None
    raise RuntimeError(f"{operation}: too many steps")


def authorize_url(node):
    return node + "/connect/authorize?" + urllib.parse.urlencode({
        "client_id": "demo-spa", "response_type": "code", "scope": "openid profile offline_access", "redirect_uri": CALLBACK,
        "code_challenge": CHALLENGE, "code_challenge_method": "S256", "state": "soak"})


def token(node, form, operation):
    status, _, body = Browser().request(node + "/connect/token", form)
    count(operation, status, body)
    return json.loads(body) if status == 200 else None


def redeem(node, code, operation):
    return token(node, {"grant_type": "authorization_code", "code": code, "client_id": "demo-spa", "redirect_uri": CALLBACK,
                        "code_verifier": VERIFIER}, operation)


def loop(body):
    def run():
        i = 0
        while time.monotonic() < stop_at:
            try:
                body(NODES[i % 2], NODES[(i + 1) % 2])
            except Exception as error:  # noqa: BLE001 - a broken loop is reported, the others go on
                with lock:
                    unexpected.append(f"{threading.current_thread().name}: {error!r}")
                time.sleep(1)
            i += 1
    return run


def client_credentials(node, _):
    token(node, {"grant_type": "client_credentials", "client_id": "demo-api", "client_secret": "demo-api-secret"}, "client credentials")


alice = Browser()


def code_flow_and_refresh(node, other):
    code, _ = sign_in(alice, authorize_url(node), "alice@acme.test", "code flow")
    tokens = redeem(other, code, "code flow") if code else None
    for _ in range(2):
        if tokens:
            tokens = token(node, {"grant_type": "refresh_token", "client_id": "demo-spa", "refresh_token": tokens["refresh_token"]}, "refresh")


admin = Browser()


def admin_reads(node, _):
    for path, heading in (("/admin/acme/users", "<h1>People of"), ("/admin/acme/audit", "<h1>Audit log of")):
        status, location, page = admin.request(node + path)
        count("admin reads", status, page)
        if status in (302, 303):  # the admin step-up: back through the IdP's own sign-in, with alice's emailed passcode
            _, page = sign_in(admin, urllib.parse.urljoin(node + path, location), "alice@acme.test", "admin reads")
        if heading not in (page or ""):
            count("admin reads (not the admin page)", 599, (page or "")[:200])
    time.sleep(0.5)


bob_sign_ins = []


def passcode_sign_in(node, other):
    source = f"127.0.0.{20 + len(bob_sign_ins)}"
    code, page = sign_in(Browser(source), authorize_url(node), "bob@partner.test", "passcode sign-in")
    bob_sign_ins.append(bool(code and redeem(other, code, "passcode sign-in")))
    if not bob_sign_ins[-1]:
        with lock:
            unexpected.append(f"passcode sign-in: did not reach the app ({(page or '')[:200]})")
    deadline = time.monotonic() + 130
    while time.monotonic() < min(deadline, stop_at):
        time.sleep(1)


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def redis_memory_mb():
    out = subprocess.run(["redis-cli", "-p", REDIS_PORT, "info", "memory"], capture_output=True, text=True).stdout
    return int(re.search(r"used_memory:(\d+)", out).group(1)) / 1024 / 1024


def redis_keys():
    return int(subprocess.run(["redis-cli", "-p", REDIS_PORT, "dbsize"], capture_output=True, text=True).stdout.strip() or 0)


workers = [threading.Thread(target=loop(client_credentials), name=f"cc{i}") for i in range(4)]
workers += [threading.Thread(target=loop(code_flow_and_refresh), name=f"flow{i}") for i in range(2)]
workers += [threading.Thread(target=loop(admin_reads), name="admin"), threading.Thread(target=loop(passcode_sign_in), name="bob")]
for worker in workers:
    worker.start()

samples, started = [], time.monotonic()
while time.monotonic() < stop_at:
    samples.append((round(time.monotonic() - started), rss_mb(PIDS[0]), rss_mb(PIDS[1]), redis_memory_mb(), redis_keys()))
    print("t=%4ds  node A %5.0f MB  node B %5.0f MB  redis %5.1f MB  %6d keys" % samples[-1], flush=True)
    time.sleep(10)
for worker in workers:
    worker.join()
samples.append((round(time.monotonic() - started), rss_mb(PIDS[0]), rss_mb(PIDS[1]), redis_memory_mb(), redis_keys()))

if CSV_PATH:
    with open(CSV_PATH, "w", newline="") as f:
        csv.writer(f).writerows([("seconds", "rss_a_mb", "rss_b_mb", "redis_mb", "redis_keys"), *samples])


def slope_per_minute(column):
    """Least-squares trend after the first minute (warm-up), in MB per minute."""
    points = [(s[0], s[column]) for s in samples if s[0] >= 60]
    if len(points) < 3:
        return float("nan")
    n, sx, sy = len(points), sum(p[0] for p in points), sum(p[1] for p in points)
    sxx, sxy = sum(p[0] ** 2 for p in points), sum(p[0] * p[1] for p in points)
    return 60 * (n * sxy - sx * sy) / (n * sxx - sx * sx)


print(f"\n{SECONDS} s on two nodes; answers by operation and status:")
for (operation, status), n in sorted(answers.items()):
    print(f"  {operation:18} {status}  {n}")
print(f"bob's passcode sign-ins that reached the app: {sum(bob_sign_ins)} of {len(bob_sign_ins)}")
for name, column in (("node A RSS", 1), ("node B RSS", 2), ("Redis used_memory", 3)):
    values = [s[column] for s in samples]
    after = [s[column] for s in samples if s[0] >= 60] or values
    print(f"{name}: first {values[0]:.1f} MB, highest {max(values):.1f} MB, last {values[-1]:.1f} MB; "
          f"after the first minute {min(after):.1f}-{max(after):.1f} MB, trend {slope_per_minute(column):+.2f} MB/min")
print(f"Redis keys: first {samples[0][4]}, highest {max(s[4] for s in samples)}, last {samples[-1][4]}")
if unexpected:
    print("\nunexpected:\n  " + "\n  ".join(unexpected))
sys.exit(1 if unexpected or not any(bob_sign_ins) else 0)
