"""Screenshot pages at phone size (390x844), light and dark, into test-artifacts/."""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from scripts.chromium import CHROMIUM_ARGS  # noqa: E402


def main(urls: list[str], out: Path = Path("test-artifacts")) -> None:
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            page = browser.new_page(
                viewport={"width": 390, "height": 844}, color_scheme=scheme, device_scale_factor=1
            )
            for url in urls:
                page.goto(url)
                page.wait_for_timeout(300)
                name = (
                    url.split("//", 1)[-1].split("/", 1)[-1].strip("/").replace("/", "_") or "root"
                )
                path = out / f"{name}-{scheme}.png"
                page.screenshot(path=str(path), full_page="--full" in sys.argv)
                print(path)
            page.close()
        browser.close()


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("--")])
