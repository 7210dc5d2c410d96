"""Draw the app icons (PNG 192/512, maskable 512, SVG). Run once when the design changes.

Needs Pillow (`pip install pillow`); the app itself does not.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "pwa" / "static" / "icons"
TEAL, WHITE, ORANGE = (11, 92, 107), (255, 255, 255), (255, 178, 92)


def signpost(size: int, padding: float) -> Image.Image:
    """A signpost: a pole and two arrow boards, inside a safe zone of `padding`."""
    image = Image.new("RGB", (size, size), TEAL)
    draw = ImageDraw.Draw(image)
    inner = size * (1 - 2 * padding)

    def at(x: float, y: float) -> tuple[float, float]:
        return size * padding + x * inner, size * padding + y * inner

    draw.rectangle([at(0.46, 0.12), at(0.54, 0.92)], fill=WHITE)
    draw.polygon(
        [at(0.18, 0.2), at(0.74, 0.2), at(0.86, 0.31), at(0.74, 0.42), at(0.18, 0.42)], fill=WHITE
    )
    draw.polygon(
        [at(0.82, 0.5), at(0.26, 0.5), at(0.14, 0.61), at(0.26, 0.72), at(0.82, 0.72)], fill=ORANGE
    )
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    signpost(192, 0.08).save(OUT / "icon-192.png", optimize=True)
    signpost(512, 0.08).save(OUT / "icon-512.png", optimize=True)
    # Maskable: the launcher may crop to a circle, so keep the drawing in the inner 80 %.
    signpost(512, 0.2).save(OUT / "icon-maskable-512.png", optimize=True)
    (OUT / "icon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        '<rect width="100" height="100" rx="18" fill="#0b5c6b"/>'
        '<rect x="46" y="18" width="8" height="70" fill="#fff"/>'
        '<path d="M22 24h50l10 10-10 10H22z" fill="#fff"/>'
        '<path d="M78 52H28L18 62l10 10h50z" fill="#ffb25c"/></svg>\n'
    )


if __name__ == "__main__":
    main()
