"""Bytes as text for JSON files and cookies, and the one error every failure to open raises."""

import base64
import binascii


class SealError(Exception):
    """Cannot open or unwrap: a wrong key or password, or damaged or altered data.

    The message is for a person (an operator at the command line, or the workspace).
    """


def to_text(data: bytes) -> str:
    """URL-safe base64 without padding: fits in JSON, a cookie and a file name alike."""
    return base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode("ascii")


def from_text(text: str, what: str = "data") -> bytes:
    """The bytes back from to_text(); SealError naming `what` when the text is damaged."""
    if not isinstance(text, str):
        raise SealError(f"damaged {what}: expected text")
    try:
        # validate: a stray character is damage, not something to skip silently.
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError(f"damaged {what}: not base64") from exc
    if to_text(data) != text:  # one spelling per value: a changed spare bit is damage too
        raise SealError(f"damaged {what}: not base64")
    return data
