"""QR codes for letters (segno, offline): the site's address only, never a code, name or number of a person."""

import segno

QR_ERROR_LEVEL = "m"  # survives a fold or a smudge on paper
QR_SCALE = 4  # modules of 4 px: about 2.5 cm wide for the registration address


def qr_data_uri(address: str) -> str:
    """An SVG data URI (the CSP allows `img-src data:`) of a QR code holding `address`."""
    return segno.make(address, error=QR_ERROR_LEVEL).svg_data_uri(scale=QR_SCALE, border=2)
