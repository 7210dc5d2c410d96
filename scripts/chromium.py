"""The flags this project starts Debian's Chromium with: tests, benchmarks and screenshots."""

# No sandbox as root in CI; no GPU, QUIC or background traffic: the machine has no network
# beyond loopback, and Chromium's own calls home would fail and add noise.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
