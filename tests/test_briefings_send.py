"""Mailing briefings through a real SMTP server (aiosmtpd) started in the test: each recipient
gets their own copy, produced under their own role and wards, with the PDF and HTML attached;
an unknown address, a ward the recipient may not read and a recipient the server refuses are
each reported and the others still go; the exit status says whether all were delivered; TLS
(STARTTLS and SSL) with a login works, and every personal copy leaving is audited."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from demand.briefings import settings as mail_settings
from demand.briefings.send import Delivery, DeliveryFileError
from demand.cli import main
from demand.fixtures import ABBEY, BEACON
from demand.present import document
from demand.state import open_state
from tests import briefing_data

USERS = f"""
[users."abbey@force.example"]
role = "officer"
wards = ["{ABBEY}"]

[users."castle@force.example"]
role = "officer"
wards = ["E05000003"]

[users."refused@force.example"]
role = "officer"
wards = ["{ABBEY}"]

[users."north@force.example"]
role = "inspector"
district = "Northtown"

[users."viewer@force.example"]
role = "viewer"

[users."analyst@force.example"]
role = "analyst"
"""
DELIVERY = f"""
[wards]
"{ABBEY}" = ["abbey@force.example", "viewer@force.example", "stranger@force.example", "castle@force.example",
             "refused@force.example"]
"{BEACON}" = ["north@force.example"]
"E05999999" = ["abbey@force.example"]

[districts]
Northtown = ["north@force.example"]
"""
needs_chromium = pytest.mark.skipif(document.chromium_path() is None, reason="./dev test installs Chromium")


class Inbox:
    """An aiosmtpd handler keeping every message, refusing one recipient as a server would."""

    def __init__(self, refuse: str = "refused@force.example"):
        self.messages: list[tuple[list[str], object]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, as an internal relay might have."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "relay.pem", folder / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def only_the_relay_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"briefings", b"s3cret")
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return briefing_data.write(tmp_path_factory.mktemp("send_data"))


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """One snapshot cache for the module: the data does not change between its tests."""
    return tmp_path_factory.mktemp("snapshots")


@pytest.fixture
def env(tmp_path, monkeypatch, data, snapshots):
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    delivery = tmp_path / "delivery.toml"
    delivery.write_text(DELIVERY)
    monkeypatch.setenv("DEMAND_DATA", str(data))
    monkeypatch.setenv("DEMAND_CACHE", str(snapshots))
    monkeypatch.setenv("DEMAND_USERS", str(users))
    monkeypatch.setenv("DEMAND_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setenv(mail_settings.DELIVERY_ENV, str(delivery))
    monkeypatch.setenv(mail_settings.FROM_ENV, "briefings@force.example")
    for name in (mail_settings.USER_ENV, mail_settings.PASSWORD_ENV, mail_settings.CA_FILE_ENV):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def plain_server(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(mail_settings.HOST_ENV, "127.0.0.1")
    monkeypatch.setenv(mail_settings.PORT_ENV, str(port))
    monkeypatch.setenv(mail_settings.SECURITY_ENV, "none")
    yield inbox
    controller.stop()


def audit_records() -> list[dict]:
    state = open_state()
    try:
        return state.audit.records(limit=100_000)
    finally:
        state.close()


@needs_chromium
def test_each_recipient_gets_their_own_copy_and_each_failure_is_reported(env, plain_server, capsys):
    status = main(["--user", "analyst@force.example", "brief", "--area", "force", "--as-of", "2026-06-30", "--send"])
    out, err = capsys.readouterr()
    assert status == 1  # not every copy was delivered

    received = {rcpts[0]: mail for rcpts, mail in plain_server.messages}
    assert sorted(received) == ["abbey@force.example", "north@force.example", "viewer@force.example"]
    assert [r for r, _ in plain_server.messages].count(["north@force.example"]) == 2  # Beacon, and Northtown's breakdown

    officer = received["abbey@force.example"]
    assert officer["To"] == "abbey@force.example" and officer["From"] == "briefings@force.example"
    assert officer["Subject"] == "Abbey ward briefing, 30 Jun 2026" and officer["Auto-Submitted"] == "auto-generated"
    files = {part.get_filename(): part.get_content() for part in officer.iter_attachments()}
    assert sorted(files) == ["2026-06-30 Abbey (E05000001) ward briefing.html",
                             "2026-06-30 Abbey (E05000001) ward briefing.pdf"]
    assert files["2026-06-30 Abbey (E05000001) ward briefing.pdf"][:5] == b"%PDF-"
    assert "Name-PN" in files["2026-06-30 Abbey (E05000001) ward briefing.html"]
    body = officer.get_body(("plain",)).get_content()
    assert "Crimes rose from 5 to 44: a real rise" in body and "Name-" not in body  # names stay in the attachment

    viewer = received["viewer@force.example"]  # the viewer's own copy: counts only
    html = next(p.get_content() for p in viewer.iter_attachments() if p.get_filename().endswith(".html"))
    assert "Name-" not in html and "OFFICIAL: counts only" in html

    subjects = sorted(m["Subject"] for r, m in plain_server.messages if r == ["north@force.example"])
    assert subjects == ["Beacon ward briefing, 30 Jun 2026", "Northtown ward breakdown, 30 Jun 2026"]

    assert "NOT SENT (E05999999) to abbey@force.example: no such ward in the data" in err
    assert "NOT SENT (E05000001) to stranger@force.example: not a known user in the users file" in err
    assert "NOT SENT (E05000001) to castle@force.example: area 'E05000001' holds no ward you may see" in err
    assert "NOT SENT (E05000001) to refused@force.example: the mail server refused or failed" in err
    assert "4 of 8 deliveries sent" in err
    assert out.count("sent 2026-06-30") == 4

    # A copy that names anyone is audited before it is handed to the server (so the refused one
    # too); Beacon's names no one, and the viewer's holds counts only.
    mailed = [r for r in audit_records() if r["action"] == "mail"]
    assert sorted((r["user_email"], r["area"]) for r in mailed) == [
        ("abbey@force.example", ABBEY), ("north@force.example", "Northtown"), ("refused@force.example", ABBEY)]
    abbey = next(r for r in mailed if r["user_email"] == "abbey@force.example")
    assert abbey["wards"] == ABBEY and "PN" in abbey["ids"] and '"recipient":"abbey@force.example"' in abbey["params"]
    read = {r["user_email"] for r in audit_records() if r["action"] == "rank"}
    assert "abbey@force.example" in read and "viewer@force.example" not in read  # each copy read as its recipient


def test_all_delivered_is_exit_status_zero(env, plain_server, tmp_path, monkeypatch, capsys):
    only = tmp_path / "only.toml"
    only.write_text(f'[wards]\n"{BEACON}" = ["north@force.example"]\n')
    monkeypatch.setenv(mail_settings.DELIVERY_ENV, str(only))
    status = main(["brief", "--area", "Northtown", "--send", "--format", "html", "--as-of", "2026-06-30"])
    assert status == 0, capsys.readouterr().err
    (rcpts, mail), = plain_server.messages
    assert rcpts == ["north@force.example"] and mail["Subject"] == "Beacon ward briefing, 30 Jun 2026"
    assert [p.get_filename() for p in mail.iter_attachments()] == ["2026-06-30 Beacon (E05000002) ward briefing.html"]


def test_the_settings_file_can_hold_the_mail_settings(env, tmp_path, monkeypatch, capsys):
    """A force keeps its SMTP relay and delivery file in the settings file ([mail], [briefings],
    paths relative to the file), with the environment still winning over it."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "only.toml").write_text(f'[wards]\n"{BEACON}" = ["north@force.example"]\n')
    settings = tmp_path / "conf" / "demand.toml"
    settings.write_text(f'[briefings]\ndelivery = "only.toml"\n\n[mail]\nhost = "127.0.0.1"\nport = {port}\n'
                        f'security = "none"\nfrom = "from-the-file@force.example"\n')
    monkeypatch.setenv("DEMAND_SETTINGS", str(settings))
    for name in (mail_settings.DELIVERY_ENV, mail_settings.FROM_ENV, mail_settings.HOST_ENV,
                 mail_settings.PORT_ENV, mail_settings.SECURITY_ENV):
        monkeypatch.delenv(name, raising=False)
    try:
        assert main(["brief", "--area", "Northtown", "--send", "--format", "html", "--as-of", "2026-06-30"]) == 0
        monkeypatch.setenv(mail_settings.FROM_ENV, "from-the-environment@force.example")
        assert main(["brief", "--area", "Northtown", "--send", "--format", "html", "--as-of", "2026-06-30"]) == 0
    finally:
        controller.stop()
    assert [(rcpts, mail["From"]) for rcpts, mail in inbox.messages] == [
        (["north@force.example"], "from-the-file@force.example"),
        (["north@force.example"], "from-the-environment@force.example")]
    settings.write_text('[mail]\nhost = "relay"\nsecurity = "tls1.0"\n')
    monkeypatch.delenv(mail_settings.FROM_ENV)
    assert main(["brief", "--area", ABBEY, "--send", "--as-of", "2026-06-30"]) == 2
    assert f"{settings} [mail] security='tls1.0' is not one of" in capsys.readouterr().err
    settings.write_text('[mail]\npassword = "s3cret"\n')  # a secret has no place in the file
    assert main(["brief", "--area", ABBEY, "--send", "--as-of", "2026-06-30"]) == 2
    assert "unknown setting [mail] password" in capsys.readouterr().err


# aiosmtpd warns about AUTH without its STARTTLS; on the implicit TLS port the transport is TLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_a_login(env, tmp_path, monkeypatch, capsys, security):
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    # aiosmtpd offers AUTH only after its own STARTTLS; on an implicit TLS port the transport is TLS already
    tls = ({"tls_context": context, "require_starttls": True} if security == "starttls"
           else {"ssl_context": context, "auth_require_tls": False})
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=only_the_relay_login,
                            auth_required=True, **tls)
    controller.start()
    only = tmp_path / "only.toml"
    only.write_text(f'[wards]\n"{ABBEY}" = ["abbey@force.example"]\n')
    for name, value in ((mail_settings.HOST_ENV, "127.0.0.1"), (mail_settings.PORT_ENV, str(port)),
                        (mail_settings.SECURITY_ENV, security), (mail_settings.USER_ENV, "briefings"),
                        (mail_settings.CA_FILE_ENV, str(cert)), (mail_settings.DELIVERY_ENV, str(only))):
        monkeypatch.setenv(name, value)
    try:
        monkeypatch.setenv(mail_settings.PASSWORD_ENV, "wrong")
        assert main(["brief", "--area", ABBEY, "--send", "--format", "html", "--as-of", "2026-06-30"]) == 1
        assert "SMTPAuthenticationError" in capsys.readouterr().err and not inbox.messages
        monkeypatch.delenv(mail_settings.PASSWORD_ENV)
        secret = tmp_path / "smtp-password"
        secret.write_text("s3cret\n")
        monkeypatch.setenv(mail_settings.PASSWORD_FILE_ENV, str(secret))  # as systemd's LoadCredential gives it
        assert main(["brief", "--area", ABBEY, "--send", "--format", "html", "--as-of", "2026-06-30"]) == 0
    finally:
        controller.stop()
    (rcpts, mail), = inbox.messages
    assert rcpts == ["abbey@force.example"] and mail["Subject"] == "Abbey ward briefing, 30 Jun 2026"


def test_an_untrusted_certificate_is_refused(env, tmp_path, monkeypatch, capsys):
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    only = tmp_path / "only.toml"
    only.write_text(f'[wards]\n"{ABBEY}" = ["abbey@force.example"]\n')
    for name, value in ((mail_settings.HOST_ENV, "127.0.0.1"), (mail_settings.PORT_ENV, str(port)),
                        (mail_settings.SECURITY_ENV, "starttls"), (mail_settings.DELIVERY_ENV, str(only))):
        monkeypatch.setenv(name, value)
    try:
        assert main(["brief", "--area", ABBEY, "--send", "--format", "html", "--as-of", "2026-06-30"]) == 1
    finally:
        controller.stop()
    assert "CERTIFICATE_VERIFY_FAILED" in capsys.readouterr().err and not inbox.messages


@pytest.mark.parametrize("settings, fragment", [
    ({mail_settings.HOST_ENV: ""}, "cannot send: set DEMAND_SMTP_HOST"),
    ({mail_settings.HOST_ENV: "relay", mail_settings.SECURITY_ENV: "tls1.0"}, "DEMAND_SMTP_SECURITY='tls1.0' is not one of"),
    ({mail_settings.HOST_ENV: "relay", mail_settings.PORT_ENV: "99999"}, "DEMAND_SMTP_PORT='99999' is not a whole number"),
    ({mail_settings.HOST_ENV: "relay", mail_settings.FROM_ENV: "a@b\nBcc: x@y"}, "is not one email address"),
])
def test_unusable_mail_settings_are_one_line_and_nothing_sent(env, monkeypatch, capsys, settings, fragment):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert main(["brief", "--area", ABBEY, "--send", "--as-of", "2026-06-30"]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("text, fragment", [
    ("[wards]\nE05000001 = 'a@b.example'\n[people]\n", "unknown section [people]"),
    ("[wards]\nE05000001 = ['not an address']\n", "'not an address' is not one email address"),
    ("[wards]\nE05000001 = ['a@b.example\\r\\nBcc: c@d.example']\n", "is not one email address"),
    ("[wards]\nE05000001 = []\n", "give a list of addresses"),
    ("wards = 3\n", "[wards] must map a ward to a list of addresses"),
    ("[wards\n", "not a TOML file"),
])
def test_a_broken_delivery_file_is_named(tmp_path, text, fragment):
    path = tmp_path / "delivery.toml"
    path.write_text(text)
    with pytest.raises(DeliveryFileError, match=r".*") as refused:
        Delivery.load(path)
    assert str(path) in str(refused.value) and fragment in str(refused.value)


def test_a_missing_delivery_file_says_where_it_was_looked_for(tmp_path):
    with pytest.raises(DeliveryFileError, match="no delivery file .*nowhere.toml"):
        Delivery.load(tmp_path / "nowhere.toml")
