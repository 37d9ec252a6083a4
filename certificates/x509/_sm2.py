"""SM2 helpers: recognise SM2 keys in a SubjectPublicKeyInfo and verify SM2-with-SM3 signatures.

The ``cryptography`` library cannot load SM2 public keys (``public_key()`` raises for the curve
1.2.156.10197.1.301), so the SubjectPublicKeyInfo is decoded with pyasn1-modules and the
signature is checked with gmssl's pure-Python ``CryptSM2``.
"""

from __future__ import annotations

from typing import Any

from gmssl import sm2 as gmssl_sm2
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.type import univ
from pyasn1_modules import rfc3279, rfc5280

from ._sm3 import sm3_digest

ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"

#: Default SM2 user ID (GM/T 0009, GB/T 35276); gmssl 3.2.2 hard-codes this value in ``_sm3_z``.
DEFAULT_SM2_USER_ID = b"1234567812345678"
#: The user ID OpenSSL 3 signs with when no ``-sigopt distid:…`` is given: empty.
EMPTY_SM2_USER_ID = b""

# Curve parameters, taken from gmssl so that both sides agree.
_P = int(gmssl_sm2.default_ecc_table["p"], 16)
_A = int(gmssl_sm2.default_ecc_table["a"], 16)
_B = int(gmssl_sm2.default_ecc_table["b"], 16)
_N = int(gmssl_sm2.default_ecc_table["n"], 16)


def _decode_exact(data: bytes, spec: Any) -> Any:  # pyasn1 values are untyped
    value, rest = der_decoder.decode(data, asn1Spec=spec)
    if rest:
        raise ValueError("trailing data after DER value")
    return value


def spki_algorithm(spki_der: bytes) -> tuple[str, str, bytes]:
    """Return ``(algorithm OID, parameter OID or "", public key bytes)`` of a SubjectPublicKeyInfo."""
    spki = _decode_exact(spki_der, rfc5280.SubjectPublicKeyInfo())
    algorithm = spki["algorithm"]
    oid = str(algorithm["algorithm"])
    param_oid = ""
    params = algorithm["parameters"]
    if params.isValue:
        try:
            param_oid = str(_decode_exact(bytes(params), univ.ObjectIdentifier()))
        except Exception:
            param_oid = ""
    return oid, param_oid, spki["subjectPublicKey"].asOctets()


def is_sm2_spki(algorithm_oid: str, param_oid: str) -> bool:
    """Both SM2 layouts: id-ecPublicKey + namedCurve SM2, or the SM2 OID as the algorithm itself."""
    if algorithm_oid == SM2_CURVE_OID:
        return True
    return algorithm_oid == ID_EC_PUBLIC_KEY and param_oid == SM2_CURVE_OID


def _on_curve(x: int, y: int) -> bool:
    return 0 <= x < _P and 0 <= y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def decode_point(point: bytes) -> tuple[int, int] | None:
    """Decode an uncompressed (04||x||y) or compressed (02/03||x) SM2 point; None if invalid."""
    if len(point) == 65 and point[0] == 0x04:
        x = int.from_bytes(point[1:33], "big")
        y = int.from_bytes(point[33:], "big")
    elif len(point) == 33 and point[0] in (0x02, 0x03):
        x = int.from_bytes(point[1:], "big")
        # p = 3 (mod 4) for the SM2 prime, so a square root is a single exponentiation.
        y = pow((x * x * x + _A * x + _B) % _P, (_P + 1) // 4, _P)
        if (y & 1) != (point[0] & 1):
            y = _P - y
    else:
        return None
    return (x, y) if _on_curve(x, y) else None


def sm2_public_point(spki_der: bytes) -> tuple[int, int] | None:
    """The SM2 public key (x, y) of a SubjectPublicKeyInfo, or None if it is not a valid SM2 key."""
    try:
        oid, param_oid, key = spki_algorithm(spki_der)
    except Exception:
        return None
    if not is_sm2_spki(oid, param_oid):
        return None
    return decode_point(key)


def decode_signature(sig_der: bytes) -> tuple[int, int]:
    """Decode the DER ``SEQUENCE { r INTEGER, s INTEGER }`` of an ECDSA/SM2 signature."""
    sig = _decode_exact(sig_der, rfc3279.ECDSA_Sig_Value())
    return int(sig["r"]), int(sig["s"])


def gmssl_public_key_hex(x: int, y: int) -> str:
    """The public key in the form gmssl computes with: 128 hex digits x||y, no 04 prefix."""
    return f"{x:064x}{y:064x}"


def make_crypt(public_key_hex: str, private_key_hex: str | None = None) -> gmssl_sm2.CryptSM2:
    """Build a gmssl ``CryptSM2`` whose ``public_key`` is exactly ``public_key_hex`` (x||y, 128 hex).

    gmssl 3.2.2 faults worked around here (see gmssl/sm2.py):

    * ``CryptSM2.__init__`` does ``public_key.lstrip("04") if public_key.startswith("04")``.
      ``str.lstrip`` strips a *set of characters*, not a prefix, so every leading "0" and "4"
      digit is removed: "04" + "04ab..." or "04" + "00ab..." loses part of x, and even a correct
      prefix-less key whose x happens to start with the byte 0x04 is mangled.
    * Its point arithmetic slices the key as two fixed 64-digit halves, so x and y must each be
      zero-padded to 32 bytes.

    So the constructor gets a harmless placeholder and ``public_key`` is assigned afterwards,
    already as the exact 128-digit x||y string. ``verify_with_sm3``/``sign_with_sm3`` then compute
    Z = SM3(ENTL || "1234567812345678" || a || b || xG || yG || xA || yA) from that attribute and
    e = SM3(Z || message) themselves (``_sm3_z``), i.e. standard SM2-with-SM3 with the default ID.
    """
    crypt = gmssl_sm2.CryptSM2(private_key=private_key_hex, public_key="")
    crypt.public_key = public_key_hex
    return crypt


def sm2_z(public_key_hex: str, user_id: bytes = DEFAULT_SM2_USER_ID) -> bytes:
    """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2, 5.5), as gmssl's ``_sm3_z``."""
    table = gmssl_sm2.default_ecc_table
    entl = (len(user_id) * 8).to_bytes(2, "big")
    return sm3_digest(entl + user_id + bytes.fromhex(table["a"] + table["b"] + table["g"] + public_key_hex))


def sm2_verify(point: tuple[int, int], message: bytes, sig_der: bytes, user_id: bytes = DEFAULT_SM2_USER_ID) -> bool:
    """Verify an SM2-with-SM3 signature made with signer ID ``user_id`` over ``message``; never raises."""
    try:
        r, s = decode_signature(sig_der)
        if not (1 <= r < _N and 1 <= s < _N):
            return False
        x, y = point
        if not _on_curve(x, y):
            return False
        crypt = make_crypt(gmssl_public_key_hex(x, y))
        # gmssl's verify_with_sm3 = verify(sig, SM3(Z || message)) with its pure-Python SM3; the
        # same digest is computed here with the fast SM3, gmssl keeps the curve arithmetic.
        return bool(crypt.verify(f"{r:064x}{s:064x}", sm3_digest(sm2_z(crypt.public_key, user_id) + message)))
    except Exception:
        return False
