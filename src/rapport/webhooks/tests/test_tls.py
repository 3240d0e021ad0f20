"""HTTPS to the pinned address: SNI and the certificate are checked for the URL's host."""

import datetime as dt
import ssl

import pytest

from rapport.webhooks import client
from rapport.webhooks.addresses import AddressPolicy
from rapport.webhooks.tests.conftest import FAST
from rapport.webhooks.tests.receiver import Receiver

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _cert(subject, issuer, key, signer, *, ca, names=()):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A private CA and a server certificate for the name "localhost" only."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Rapport test CA")])
    ca = _cert(ca_name, ca_name, ca_key, ca_key, ca=True)
    leaf = _cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]), ca_name,
                 key, ca_key, ca=False, names=[x509.DNSName("localhost")])
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()))
    return folder


@pytest.fixture
def tls_receiver(pki):
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(pki / "server.pem")
    names = []
    server_side.sni_callback = lambda sock, name, ctx: names.append(name)
    with Receiver(tls=server_side) as receiver:
        receiver.sni = names
        yield receiver


@pytest.fixture
def trusting(pki):
    return ssl.create_default_context(cafile=str(pki / "ca.pem"))


def post(url, tls):
    policy = AddressPolicy(allowed_hosts=frozenset({"localhost", "127.0.0.1"}))
    return client.post(url, b"{}", {"Content-Type": "application/json"}, policy=policy,
                       limits=FAST, tls=tls)


def test_https_to_a_pinned_address_sends_sni_and_verifies_the_host_name(tls_receiver, trusting):
    response = post(tls_receiver.url(host="localhost"), trusting)
    assert (response.status, response.error) == (200, "")
    assert tls_receiver.sni == ["localhost"]
    assert tls_receiver.requests[0].headers["Host"] == f"localhost:{tls_receiver.port}"


def test_a_certificate_for_another_name_is_refused(tls_receiver, trusting):
    """Dialled by IP, the certificate for "localhost" does not match: no request is made."""
    response = post(tls_receiver.url(host="127.0.0.1"), trusting)
    assert response.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in response.error or "mismatch" in response.error
    assert tls_receiver.requests == []


def test_an_untrusted_certificate_is_refused(tls_receiver):
    response = post(tls_receiver.url(host="localhost"), ssl.create_default_context())
    assert "CERTIFICATE_VERIFY_FAILED" in response.error
    assert tls_receiver.requests == []
