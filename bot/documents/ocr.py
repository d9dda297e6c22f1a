"""Chinese text recognition through the Tesseract command (Debian packages tesseract-ocr
and tesseract-ocr-chi-sim). Optional: `available()` says whether it can run here, and
the intake says so plainly when it cannot."""
from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Refuse images that decode to more than this many pixels (a decompression bomb).
MAX_PIXELS = 60_000_000


class OcrEngine:
    def __init__(self, command: str = "tesseract", languages: str = "chi_sim",
                 timeout: float = 60.0, enabled: bool = True):
        self.command = command
        self.languages = languages
        self.timeout = timeout
        self.enabled = enabled
        self._available: bool | None = None

    @classmethod
    def from_config(cls, docs) -> "OcrEngine":
        return cls(docs.tesseract, docs.ocr_languages, docs.ocr_timeout_seconds,
                   enabled=docs.ocr != "off")

    def available(self) -> bool:
        """Tesseract is installed and has every language asked for."""
        if not self.enabled:
            return False
        if self._available is None:
            self._available = self._probe()
        return self._available

    def _probe(self) -> bool:
        path = shutil.which(self.command)
        if path is None:
            return False
        try:
            listed = subprocess.run([path, "--list-langs"], capture_output=True, text=True,
                                    timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        have = {line.strip() for line in listed.splitlines()}
        return all(lang in have for lang in self.languages.split("+"))

    def read_image(self, data: bytes) -> list[str]:
        """Lines recognised in an image; [] when nothing could be read."""
        from PIL import Image, UnidentifiedImageError

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                page = img.convert("L")
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
                SyntaxError):
            return []
        if page.width < 1200:  # small photos: Tesseract reads Chinese better at ~300 dpi
            scale = 1200 / max(page.width, 1)
            page = page.resize((int(page.width * scale), int(page.height * scale)))
        with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
            image_path = Path(tmp) / "page.png"
            page.save(image_path)
            try:
                done = subprocess.run([self.command, str(image_path), "stdout", "-l", self.languages,
                                       "--psm", "6"], capture_output=True, timeout=self.timeout)
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("OCR failed: %s", type(exc).__name__)
                return []
        if done.returncode != 0:
            log.warning("OCR exited with %s", done.returncode)
            return []
        return [tidy(line) for line in done.stdout.decode("utf-8", "replace").splitlines()
                if line.strip()]


def tidy(line: str) -> str:
    """Tesseract puts spaces between Chinese characters (and around brackets and
    numbers next to them); take out every space that does not sit between two ASCII
    letters or digits."""
    line = re.sub(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])", "", line.strip())
    return line.strip()
